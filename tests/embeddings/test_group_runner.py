"""`GroupRunner`: concurrent callers share batched runs and each gets its own result."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from embeddings.group_runner import GroupRunner


class Squares:
    """A batch function that can be held in its first run, so later callers must queue."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()

    def __call__(self, items: Sequence[int]) -> list[int]:
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.first_started.set()
            self.release.wait(30)
        if -1 in items:
            raise ValueError("bad item")
        return [i * i for i in items]


class TestRun:
    def test_alone_a_caller_runs_at_once(self) -> None:
        fn = Squares()
        fn.release.set()
        runner = GroupRunner(fn)
        assert runner.run(3) == 9
        assert fn.batches == [[3]]

    def test_callers_arriving_during_a_run_share_the_next_one(self) -> None:
        fn = Squares()
        runner = GroupRunner(fn, max_batch=8)
        with ThreadPoolExecutor(max_workers=6) as pool:
            first = pool.submit(runner.run, 1)
            assert fn.first_started.wait(30)
            rest = {i: pool.submit(runner.run, i) for i in range(2, 7)}
            while len(runner._queue) < 5:  # all five queued behind the held run
                threading.Event().wait(0.01)
            fn.release.set()
            assert first.result(30) == 1
            assert {i: f.result(30) for i, f in rest.items()} == {i: i * i for i in range(2, 7)}
        assert fn.batches[0] == [1]
        assert sorted(fn.batches[1]) == [2, 3, 4, 5, 6] and len(fn.batches) == 2

    def test_groups_are_capped_and_everyone_is_answered(self) -> None:
        fn = Squares()
        runner = GroupRunner(fn, max_batch=2)
        with ThreadPoolExecutor(max_workers=5) as pool:
            first = pool.submit(runner.run, 0)
            assert fn.first_started.wait(30)
            rest = [pool.submit(runner.run, i) for i in range(1, 5)]
            while len(runner._queue) < 4:
                threading.Event().wait(0.01)
            fn.release.set()
            assert first.result(30) == 0 and [f.result(30) for f in rest] == [1, 4, 9, 16]
        assert all(len(b) <= 2 for b in fn.batches)

    def test_a_failure_reaches_every_caller_of_its_group_only(self) -> None:
        fn = Squares()
        runner = GroupRunner(fn)
        with ThreadPoolExecutor(max_workers=3) as pool:
            first = pool.submit(runner.run, 2)
            assert fn.first_started.wait(30)
            bad, good = pool.submit(runner.run, -1), pool.submit(runner.run, 5)
            while len(runner._queue) < 2:
                threading.Event().wait(0.01)
            fn.release.set()
            assert first.result(30) == 4
            with pytest.raises(ValueError):
                bad.result(30)
            with pytest.raises(ValueError):
                good.result(30)  # same group as the bad item
        assert runner.run(3) == 9  # the runner keeps working
