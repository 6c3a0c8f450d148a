"""`Server-Timing` on every response: where the request's time went (encode, search, rank, db, total).

Integrators see it in their browser's developer tools; the speed benchmark reads it per request.
Durations only, never anything about the request's content.
"""

from __future__ import annotations

import time

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher.timing import timings_scope


class ServerTiming:
    """Pure ASGI middleware: opens the request's `Timings` and writes the header when the response starts."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        with timings_scope() as timings:

            async def send_with_timing(message: Message) -> None:
                if message["type"] == "http.response.start":
                    headers = MutableHeaders(scope=message)
                    headers.append("Server-Timing", timings.header(time.perf_counter() - started))
                await send(message)

            await self.app(scope, receive, send_with_timing)
