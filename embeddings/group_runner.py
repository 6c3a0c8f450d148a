"""`GroupRunner`: concurrent single-text encodes share one batched model run (group commit).

A caller that finds the model idle runs at once, alone, so nothing waits when requests come one
at a time. Callers that arrive while a run is in progress queue; when it ends, one of them takes
every queued text (up to `max_batch`) into a single batched run and hands each caller its row.
Four concurrent requests thus make one or two ONNX runs of a few rows instead of four runs that
each want both cores: fewer thread-pool hand-offs, no intra-op threads fighting, and one GIL
release and re-acquisition per group instead of per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class _Pending(Generic[T, R]):
    __slots__ = ("item", "result", "error", "done")

    def __init__(self, item: T) -> None:
        self.item = item
        self.result: R | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupRunner(Generic[T, R]):
    """Runs `run_batch(items) -> results` (one result per item, in order) for concurrent callers."""

    def __init__(self, run_batch: Callable[[Sequence[T]], Sequence[R]], *, max_batch: int = 8) -> None:
        self._run_batch = run_batch
        self._max_batch = max_batch
        self._cond = threading.Condition()
        self._queue: list[_Pending[T, R]] = []
        self._busy = False
        self.runs = 0  # batched runs made (tests and benchmarks read it)

    def run(self, item: T) -> R:
        """The result for one item, computed alone or in a group with concurrent callers."""
        mine: _Pending[T, R] = _Pending(item)
        with self._cond:
            self._queue.append(mine)
            while True:
                while self._busy and not mine.done:
                    self._cond.wait()
                if mine.done:
                    break
                # The model is free and this caller's item is still queued: lead the next group.
                self._busy = True
                group = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                self._cond.release()
                try:
                    self._lead(group)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if mine.error is not None:
            raise mine.error
        return mine.result  # type: ignore[return-value]

    def _lead(self, group: list[_Pending[T, R]]) -> None:
        try:
            results = self._run_batch([p.item for p in group])
            for p, r in zip(group, results, strict=True):
                p.result = r
        except BaseException as exc:  # every caller of the group gets the failure
            for p in group:
                p.error = exc
        finally:
            self.runs += 1
            for p in group:
                p.done = True
