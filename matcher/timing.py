"""Per-request time by part (encode, search, ranking and feedback, database), for `Server-Timing`.

The API opens one `Timings` per request (`timings_scope`); code below it marks its parts with
`span(name)`, which costs two clock reads and does nothing outside a request. Spans nest and each
part counts its *own* time: a database query inside the ranking counts as `db`, not `rank`, so the
parts add up to at most the request's wall time. The context variable follows the request into the
thread pool (contextvars are copied into worker threads), and the object is shared, so what the
route records there is what the middleware reads.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PARTS = ("encode", "search", "rank", "db")


class Timings:
    """Exclusive seconds per part of one request."""

    __slots__ = ("seconds", "_stack")

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        # Open spans: [name, start, seconds taken by finished child spans].
        self._stack: list[list[object]] = []

    def start(self, name: str) -> None:
        """Open a span (use `span`; the database hooks need the two halves)."""
        self._stack.append([name, time.perf_counter(), 0.0])

    def stop(self) -> None:
        """Close the innermost span, charging its own time to its part."""
        name, began, children = self._stack.pop()
        took = time.perf_counter() - float(began)  # type: ignore[arg-type]
        own = took - float(children)  # type: ignore[arg-type]
        self.seconds[str(name)] = self.seconds.get(str(name), 0.0) + own
        if self._stack:
            self._stack[-1][2] = float(self._stack[-1][2]) + took  # type: ignore[arg-type]

    def add(self, name: str, seconds: float) -> None:
        """Charge time measured elsewhere (a database statement) to a part, out of the open span's own."""
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds
        if self._stack:
            self._stack[-1][2] = float(self._stack[-1][2]) + seconds  # type: ignore[arg-type]

    def inside(self, name: str) -> bool:
        """True while a span of this part is open (a commit's statements are already timed as db)."""
        return any(entry[0] == name for entry in self._stack)

    def header(self, total_seconds: float) -> str:
        """The `Server-Timing` value: each part and the total, in milliseconds."""
        parts = [f"{name};dur={self.seconds.get(name, 0.0) * 1000:.2f}" for name in PARTS]
        return ", ".join([*parts, f"total;dur={total_seconds * 1000:.2f}"])


_current: ContextVar[Timings | None] = ContextVar("velho_timings", default=None)


def current() -> Timings | None:
    """The timings of the request running here, if any."""
    return _current.get()


@contextmanager
def timings_scope() -> Iterator[Timings]:
    """Collect timings for everything run in this context (and threads it hands work to)."""
    timings = Timings()
    token = _current.set(timings)
    try:
        yield timings
    finally:
        _current.reset(token)


@contextmanager
def span(name: str) -> Iterator[None]:
    """Charge the time of the block to part `name` of the current request (no-op outside one)."""
    timings = _current.get()
    if timings is None:
        yield
        return
    timings.start(name)
    try:
        yield
    finally:
        timings.stop()
