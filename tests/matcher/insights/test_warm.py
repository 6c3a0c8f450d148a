"""The insights warm-up: a serving process fits its topics in the background once its index has
loaded, so its first insights call only aggregates; other processes (CLI, tests) never run it."""

from __future__ import annotations

import time
from pathlib import Path

from insights_org import Org, period
from sqlalchemy import Engine

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build


def second_process(settings: Settings, encoder: Encoder, engine: Engine, folder: Path, **changes: object) -> Velho:
    """Another Velho on the same database, with its own (cold) insights store and index folder."""
    return build(settings.model_copy(update={"data_dir": folder, **changes}), encoder=encoder, engine=engine)


class TestWarmUp:
    def test_a_serving_process_fits_topics_before_its_first_call(
        self, own_org: Org, settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path
    ) -> None:
        v = second_process(settings, encoder, engine, tmp_path / "serving")
        store = v.insights.store
        # Not blocked on the index: start returns at once, and the warm-up waits for the load.
        v.start(block=False, serving=True)
        try:
            warmer = v.insights_warmer
            assert warmer is not None
            deadline = time.monotonic() + 120
            # Until the job has fitted the topics and finished a run (it labels them after the fit;
            # a tick before the index has loaded finishes at once and fits nothing).
            while (store._model is None or warmer.runs < 1) and time.monotonic() < deadline:
                time.sleep(0.05)
            warmed = store._model
            assert warmed is not None and warmer.runs >= 1, "the warm-up never ran"
            assert len(store._ids) == 6 + 3 + 7 + 6
            with v.reading() as s:
                d = v.insights.demand(s, period=period(own_org))
            assert store._model is warmed  # the call used the warm fit, it did not fit again
            # Offers were read after the index loaded, in its centering: the labels are the right ones.
            assert "Excel pivot tables and macros" in {t.label.en for t in d.topics}
        finally:
            v.close(save=False)

    def test_not_started_outside_a_serving_process(self, own_org: Org) -> None:
        v = own_org.velho  # started as the CLI and tests start it
        assert v.insights_warmer is not None and v.insights_warmer not in v.tasks
        assert v.insights.store._model is None  # nothing fitted until a call asks

    def test_waits_for_the_index_and_can_be_switched_off(
        self, settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path
    ) -> None:
        v = second_process(settings, encoder, engine, tmp_path / "unloaded")
        assert v.warm_insights() == 0 and v.insights.store._model is None  # index not loaded: nothing read
        off = second_process(settings, encoder, engine, tmp_path / "off", insights_warm_seconds=0)
        assert off.insights_warmer is None
