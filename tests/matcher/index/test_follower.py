"""The index follower: another running process's index catches up by itself, readers keep a
consistent snapshot while changes land, and a damaged saved index is rebuilt without re-encoding."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from builders import put
from sqlalchemy import Engine, select

from embeddings.encoder import Encoder, EncoderInfo, Vectors
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.matching.schemas import MatchCreate
from profiles.actor import Actor
from profiles.models import StrengthStatement


def eventually(check, timeout: float = 2.0) -> float:  # type: ignore[no-untyped-def]
    """Seconds until `check()` held; fails the test after `timeout`."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            pytest.fail(f"not within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
def other(settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path) -> Iterator[Velho]:
    """A second running Velho on the same database, with its own index (as another API process has)."""
    v = build(settings, encoder=encoder, engine=engine, index_dir=tmp_path / "other-index")
    v.start()
    yield v
    v.close()


def statement_ids(velho: Velho, external_id: str) -> set[int]:
    with velho.reading() as s:
        emp = velho.profiles.repo.get_by_external_id(s, external_id=external_id)
        return {st.id for st in emp.statements} if emp else set()


class TestAnotherRunningProcess:
    def test_an_edit_and_an_erase_reach_its_roster_and_index_within_two_seconds(
        self, velho: Velho, other: Velho
    ) -> None:
        put(velho, "e1", "Aino", ["Excel-makrot ja pivot-taulukot"])
        ids = statement_ids(velho, "e1")
        lag = eventually(
            lambda: "e1" in other.sync.roster.by_external_id and ids <= set(other.sync.index.ids().tolist())
        )
        assert lag < 2.0
        put(velho, "e1", "Aino", ["haavanhoito"])  # the Excel statement is replaced
        new_ids = statement_ids(velho, "e1")
        eventually(lambda: set(other.sync.index.ids().tolist()) == new_ids)
        assert not ids & set(other.sync.index.ids().tolist())
        with velho.session() as s:
            velho.profiles.erase(s, external_id="e1", actor=Actor.admin())
        eventually(lambda: "e1" not in other.sync.roster.by_external_id and len(other.sync.index) == 0)
        with other.session() as s:
            assert other.matching.match(s, MatchCreate(text="haavanhoito", k=5)).results == []

    def test_nothing_in_the_request_path_repairs_the_index(self, velho: Velho, other: Velho) -> None:
        other.follower.stop(save=False)  # no owner running: nobody else may apply the change
        put(velho, "e1", "Aino", ["Excel-makrot"])
        with other.session() as s:
            assert other.matching.match(s, MatchCreate(text="Excel-makrot", k=5)).results == []
        assert other.readiness().ready is False

    def test_a_stale_index_never_returns_someone_erased_or_hidden_meanwhile(self, velho: Velho, other: Velho) -> None:
        put(velho, "e1", "Aino", ["Excel-makrot ja pivot-taulukot"])
        put(velho, "e2", "Bo", ["Excel-makrot"])
        put(velho, "e3", "Cai", ["Excel-kaavat"])
        eventually(lambda: len(other.sync.roster) == 3)
        other.follower.stop(save=False)  # its index keeps all three
        with velho.session() as s:
            velho.profiles.erase(s, external_id="e1", actor=Actor.admin())
        put(velho, "e2", "Bo", ["Excel-makrot"], visible=False)
        assert {"e1", "e2"} <= set(other.sync.roster.by_external_id)
        with other.session() as s:
            results = other.matching.match(s, MatchCreate(text="Excel-makrot", k=3)).results
        assert [r.external_id for r in results] == ["e3"]


class TestSnapshots:
    def test_results_are_built_from_the_snapshot_they_were_ranked_on(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["Excel-makrot ja pivot-taulukot"])
        put(velho, "e2", "Bo", ["Excel-kaavat"])
        snap = velho.matching.snapshot()
        ranked = velho.matching.rank(velho.matching.prepare("Excel-makrot", k=2, snap=snap), snap=snap)
        with velho.session() as s:  # the follower applies the erase meanwhile
            velho.profiles.erase(s, external_id="e1", actor=Actor.admin())
        assert "e1" not in velho.sync.roster.by_external_id
        items = [velho.matching.to_item(c, snap) for c in ranked]  # no KeyError: the old roster holds
        assert [i.external_id for i in items] == ["e1", "e2"]
        assert "e1" in snap.roster.by_external_id


class _CountingEncoder:
    """The real encoder, counting the statement texts it is asked to encode."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.documents: list[str] = []

    @property
    def info(self) -> EncoderInfo:
        return self.inner.info

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return self.inner.encode_queries(texts, progress=progress)

    def encode_queries_cached(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return self.inner.encode_queries_cached(texts, progress=progress)  # type: ignore[attr-defined, no-any-return]

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        self.documents.extend(texts)
        return self.inner.encode_documents(texts, progress=progress)


class TestDamagedIndex:
    @pytest.mark.parametrize("damage", ["truncate", "corrupt", "delete"])
    def test_is_rebuilt_from_stored_vectors_with_a_warning(
        self, damage: str, settings: Settings, encoder: Encoder, engine: Engine, caplog: pytest.LogCaptureFixture
    ) -> None:
        first = build(settings, encoder=encoder, engine=engine)
        first.start()
        put(first, "e1", "Aino", ["Excel-makrot"])
        put(first, "e2", "Bo", ["haavanhoito"])
        expected = sorted(first.sync.index.ids().tolist())
        first.close()
        target = first.sync.index_dir / "faiss.index"
        data = target.read_bytes()
        if damage == "truncate":
            target.write_bytes(data[: len(data) // 2])
        elif damage == "corrupt":
            flipped = bytearray(data)
            flipped[len(data) // 2] ^= 0xFF
            target.write_bytes(bytes(flipped))
        else:
            target.unlink()
        counting = _CountingEncoder(encoder)
        caplog.set_level(logging.WARNING, logger="matcher.index.sync")
        again = build(settings, encoder=counting, engine=engine)
        try:
            assert again.start() == "rebuilt"
            assert sorted(again.sync.index.ids().tolist()) == expected
            with again.reading() as s:
                texts = set(s.scalars(select(StrengthStatement.text)))
            assert not texts & set(counting.documents), "statements were re-encoded"
            assert any("index_corrupt" in r.getMessage() for r in caplog.records)
            with again.session() as s:
                top = again.matching.match(s, MatchCreate(text="Excel-makrot", k=1)).results
            assert [r.external_id for r in top] == ["e1"]
        finally:
            again.close()


class TestAutomaticBackend:
    def test_auto_serves_flat_faiss_when_small_and_ivf_from_the_threshold_then_loads_it(
        self, settings: Settings, encoder: Encoder, engine: Engine, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        assert settings.index_backend == "auto"
        first = build(settings, encoder=encoder, engine=engine)
        first.start()
        put(first, "e1", "Aino", ["Excel-makrot", "pivot-taulukot"])
        put(first, "e2", "Bo", ["haavanhoito"])
        assert first.sync.backend == "faiss"
        monkeypatch.setattr("matcher.index.IVF_FROM_STATEMENTS", 3)  # three statements make "large"
        first.rebuild_index()
        assert first.sync.backend == "ivf" and type(first.sync.index).__name__ == "IvfIndex"
        first.close()
        again = build(settings, encoder=encoder, engine=engine)
        try:
            assert again.start() == "loaded"  # the saved IVF index fits "auto" at this size: no rebuild
            assert again.sync.backend == "ivf" and again.index_report().backend == "ivf"
            with again.session() as s:
                top = again.matching.match(s, MatchCreate(text="Excel-makrot", k=1)).results
            assert [r.external_id for r in top] == ["e1"]
        finally:
            again.close()
