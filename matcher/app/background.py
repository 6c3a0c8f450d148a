"""`PeriodicTask`: a named job a daemon thread runs every few seconds (the offer-expiry sweep).

Failures are logged by error type and retried at the next tick; the thread never dies of them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

logger = logging.getLogger(__name__)


class PeriodicTask:
    """Runs `job` every `interval` seconds in its own thread until `stop`."""

    def __init__(self, name: str, interval: float, job: Callable[[], object]) -> None:
        self.name = name
        self.interval = interval
        self.job = job
        self.runs = 0
        self.last_error: str | None = None
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Run the job now and then every interval."""
        self._thread = threading.Thread(target=self._loop, name=f"velho-{self.name}", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run again now rather than at the next tick (there is work waiting)."""
        self._wake.set()

    def stop(self) -> None:
        """Stop after the current run."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.job()
                self.runs += 1
                self.last_error = None
            except Exception as exc:  # logged by kind only: a job's data may be personal
                self.last_error = type(exc).__name__
                logger.warning("task_failed task=%s error=%s", self.name, type(exc).__name__)
            self._wake.wait(self.interval)
            self._wake.clear()
