"""`IndexFollower`: the one owner that keeps this process's index in step with the database.

A background thread loads (or rebuilds) the index at start, then follows the change log: it
wakes when this process commits a change (`notify`) and otherwise polls every `poll_seconds`,
so a change made through another process shows here within about that long. Requests never
repair the index; a writer that wants to read its own write waits for the follower instead
(`wait_for`). Database errors are logged by type and retried with backoff; the thread never dies
of them, so the process recovers by itself when the database is back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from matcher.index.sync import IndexSync, SessionFactory
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FollowerState:
    """What readiness reports about the follower."""

    loaded: bool
    alive: bool
    change_seq: int
    last_success: float | None  # time.monotonic() of the last completed catch-up
    last_error: str | None


class IndexFollower:
    """Loads the index, then applies every committed profile change, in one background thread."""

    def __init__(
        self,
        sync: IndexSync,
        *,
        read: SessionFactory,
        write: SessionFactory,
        poll_seconds: float = 0.5,
        save_every_seconds: float = 300.0,
        max_backoff_seconds: float = 10.0,
        repository: ProfileRepository | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_loaded: Callable[[], None] | None = None,
    ) -> None:
        self.sync = sync
        # Told once the index is loaded (work that needs the index's centering waits for it).
        self.on_loaded = on_loaded
        self._read = read
        self._write = write
        self.poll_seconds = poll_seconds
        self.save_every_seconds = save_every_seconds
        self.max_backoff = max_backoff_seconds
        self.repo = repository or ProfileRepository()
        self._clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._applied = threading.Condition()
        self._thread: threading.Thread | None = None
        self._last_success: float | None = None
        self._last_error: str | None = None
        self._last_save = clock()
        self._saved_seq = 0
        self.how_started: str | None = None

    # -- life cycle -------------------------------------------------------------------------
    def start(self, *, block: bool = True, progress: bool = False) -> None:
        """Start following; with `block`, load or build the index before returning."""
        if block:
            self._load(progress=progress)
        self._thread = threading.Thread(target=self._run, name="velho-index-follower", daemon=True)
        self._thread.start()

    def stop(self, *, save: bool = True) -> None:
        """Stop the thread; apply what is pending and save the index (when loaded)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        if save and self.sync.loaded:
            try:
                self.catch_up_now()
            except Exception as exc:  # the database may be gone at shutdown: keep what we have
                logger.warning("index_final_catch_up_failed error=%s", type(exc).__name__)
            self.sync.save()

    def notify(self) -> None:
        """A change was committed here: look now rather than at the next poll."""
        self._wake.set()

    def wait_for(self, seq: int, timeout: float) -> bool:
        """Block until the index reflects change-log position `seq` (or `timeout` passes)."""
        deadline = self._clock() + timeout
        with self._applied:
            while self.sync.change_seq < seq:
                left = deadline - self._clock()
                if left <= 0 or not self.alive:
                    return self.sync.change_seq >= seq
                self._applied.wait(min(left, self.poll_seconds))
        return True

    def catch_up_now(self) -> int:
        """Apply pending changes in the caller's thread (tools; the thread does this by itself)."""
        with self._read() as session:
            n = self.sync.catch_up(session)
        self._succeeded()
        return n

    @property
    def alive(self) -> bool:
        """True while the background thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def state(self) -> FollowerState:
        """A copy of what readiness needs."""
        return FollowerState(
            loaded=self.sync.loaded,
            alive=self.alive,
            change_seq=self.sync.change_seq,
            last_success=self._last_success,
            last_error=self._last_error,
        )

    # -- the thread -------------------------------------------------------------------------
    def _load(self, *, progress: bool = False) -> None:
        started = time.perf_counter()
        self.sync.reembed(self._write, progress=progress)
        with self._read() as session:
            self.how_started = self.sync.start(session, progress=progress)
        self._saved_seq = self.sync.change_seq
        self._succeeded()
        logger.info(
            "index_ready how=%s count=%d seconds=%.2f",
            self.how_started,
            len(self.sync.index),
            time.perf_counter() - started,
        )
        if self.on_loaded is not None:
            self.on_loaded()

    def _run(self) -> None:
        backoff = self.poll_seconds
        while not self._stop.is_set():
            # Cleared before the work, so a notify that arrives during it is not lost.
            self._wake.clear()
            try:
                if not self.sync.loaded:
                    self._load()
                else:
                    self.catch_up_now()
                    self._maybe_save()
                backoff = self.poll_seconds
                self._wake.wait(self.poll_seconds)
            except Exception as exc:  # never die: log the kind of error, back off, try again
                self._last_error = type(exc).__name__
                logger.warning("index_follow_failed error=%s retry_in=%.1fs", type(exc).__name__, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)

    def _succeeded(self) -> None:
        self._last_success = self._clock()
        self._last_error = None
        with self._applied:
            self._applied.notify_all()

    def _maybe_save(self) -> None:
        """Save now and then, so a restart after a crash has little of the log to replay."""
        seq = self.sync.change_seq
        if seq != self._saved_seq and self._clock() - self._last_save >= self.save_every_seconds:
            self.sync.save()
            self._saved_seq = seq
            self._last_save = self._clock()
