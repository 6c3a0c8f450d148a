"""What the webhook tests share: a real HTTP receiver on loopback, and a started Velho with a client."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build


@dataclass
class Receiver:
    """A real HTTP endpoint that answers with the given statuses in turn (then 200) and keeps what it got."""

    statuses: list[int] = field(default_factory=list)
    got: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    url: str = ""

    def serve(self) -> ThreadingHTTPServer:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                data = self.rfile.read(int(self.headers.get("content-length", 0)))
                receiver.got.append(({k.lower(): v for k, v in self.headers.items()}, data))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


@contextmanager
def serving(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[tuple[Velho, TestClient]]:
    """A started Velho on the test database and real HTTP to it; closed after the block."""
    velho = build(settings, encoder=encoder, engine=engine)
    velho.start()
    try:
        with TestClient(create_app(settings, velho=velho)) as client:
            yield velho, client
    finally:
        velho.close()
