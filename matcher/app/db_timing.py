"""Charges every SQL statement's time to the `db` part of the current request (`matcher.timing`)."""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Engine, event

from matcher.timing import current

_STARTED = "velho_statement_started"


def _before(conn: Any, _cursor: Any, _statement: Any, _params: Any, _context: Any, _many: bool) -> None:
    if current() is not None:
        conn.info[_STARTED] = time.perf_counter()


def _after(conn: Any, _cursor: Any, _statement: Any, _params: Any, _context: Any, _many: bool) -> None:
    started = conn.info.pop(_STARTED, None)
    timings = current()
    # Statements of a commit already count inside its own `db` span.
    if started is not None and timings is not None and not timings.inside("db"):
        timings.add("db", time.perf_counter() - started)


def time_statements(engine: Engine) -> None:
    """Install the statement timers on `engine` (once; tests share one engine between apps)."""
    if not event.contains(engine, "before_cursor_execute", _before):
        event.listen(engine, "before_cursor_execute", _before)
        event.listen(engine, "after_cursor_execute", _after)
