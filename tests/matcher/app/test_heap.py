"""A serving process freezes what lives as long as it does once its index has loaded, so full
garbage collections stop walking it; other processes (CLI, tests) leave the collector alone."""

from __future__ import annotations

import gc
import time

import pytest
from sqlalchemy import Engine

from embeddings.encoder import Encoder
from matcher.app.heap import freeze_long_lived
from matcher.app.settings import Settings
from matcher.app.wiring import build


@pytest.fixture(autouse=True)
def unfrozen() -> None:
    """Every test starts with nothing frozen (the freeze is process-wide; conftest unfreezes after)."""
    gc.unfreeze()


def test_freeze_leaves_the_live_objects_out_of_collections() -> None:
    live = [[i] for i in range(1000)]  # tracked containers that outlive the freeze
    assert any(o is live for o in gc.get_objects())
    frozen = freeze_long_lived()
    # Not equal: a frozen object that dies afterwards (a leftover thread's temporary) leaves the count.
    assert frozen >= gc.get_freeze_count() >= len(live)
    gc.collect()
    # A collection no longer sees them (the permanent generation is left out), yet they live on.
    assert not any(o is live for o in gc.get_objects())
    assert live[999] == [999]


def test_a_serving_process_freezes_once_its_index_has_loaded(
    settings: Settings, encoder: Encoder, engine: Engine
) -> None:
    v = build(settings, encoder=encoder, engine=engine)
    v.start(block=False, serving=True)
    try:
        deadline = time.monotonic() + 60
        while not v.sync.loaded and time.monotonic() < deadline:
            time.sleep(0.02)
        assert v.sync.loaded
        deadline = time.monotonic() + 10
        while gc.get_freeze_count() == 0 and time.monotonic() < deadline:
            time.sleep(0.02)  # the follower thread freezes right after it marks the index loaded
        assert gc.get_freeze_count() > 10_000  # the modules, the ORM, the encoder: not a handful
    finally:
        v.close(save=False)


def test_other_processes_leave_the_collector_alone(settings: Settings, encoder: Encoder, engine: Engine) -> None:
    v = build(settings, encoder=encoder, engine=engine)
    v.start()  # as the CLI and tests start it: blocking, not serving
    try:
        assert v.sync.loaded
        assert gc.get_freeze_count() == 0
    finally:
        v.close(save=False)
