"""The column-wise offer table: read a chunk at a time, it holds what one full decode would, in float16."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from builders import put
from insights_org import Org
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from embeddings.language import LanguageCentering
from matcher.insights import offers as offers_module
from matcher.insights import store as store_module
from matcher.insights.offers import OfferTable, build_offer_table
from matcher.insights.store import TopicStore
from profiles.actor import Actor
from profiles.models import Employee

DIM = 8


def unit_rows(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def centering() -> LanguageCentering:
    means = unit_rows(2, 7) * 0.3
    return LanguageCentering(means={"fi": means[0], "sv": means[1]}, strength=1.0)


def test_chunked_read_matches_one_full_decode(centering: LanguageCentering, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offers_module, "CHUNK", 3)  # chunks boundaries fall inside the 10 rows
    vectors = unit_rows(10, 1)
    langs = ["fi", "sv"] * 5
    # Offers 2 and 7 have no vector of this model; one has bytes of another width (another model).
    rows = []
    for i in range(10):
        emb: bytes | None = vectors[i].tobytes()
        if i in (2, 7):
            emb = None
        if i == 5:
            emb = np.zeros(DIM * 2, np.float32).tobytes()
        rows.append((100 + i, 1000 + i // 2, langs[i], emb))
    table = build_offer_table(rows, dimension=DIM, centering=centering)

    assert table.ids.tolist() == [100 + i for i in range(10)]
    assert table.employees.tolist() == [1000 + i // 2 for i in range(10)]
    assert table.languages.tolist() == langs
    kept = [i for i in range(10) if i not in (2, 5, 7)]
    assert table.rows.tolist() == kept
    assert table.vectors.dtype == np.float16
    whole = centering.apply(vectors[kept], [langs[i] for i in kept])
    np.testing.assert_allclose(table.vectors.astype(np.float32), whole, atol=2e-3)


@pytest.mark.parametrize("expected", [0, 4, 10, 40])
def test_the_counted_size_only_sizes_the_matrix(
    expected: int, centering: LanguageCentering, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counted too few (grown), exactly, or too many (trimmed): the same table; rows in any order come out sorted."""
    monkeypatch.setattr(offers_module, "CHUNK", 3)
    vectors = unit_rows(10, 5)
    order = [3, 0, 9, 1, 7, 2, 8, 4, 6, 5]  # as batches of employees would return them
    rows = [(100 + i, 1000 + i, "fi" if i % 3 else "sv", None if i == 4 else vectors[i].tobytes()) for i in order]
    table = build_offer_table(rows, dimension=DIM, centering=centering, expected=expected)
    assert table.ids.tolist() == [100 + i for i in range(10)]
    assert table.employees.tolist() == [1000 + i for i in range(10)]
    assert table.rows.tolist() == [i for i in range(10) if i != 4]
    kept = [i for i in range(10) if i != 4]
    whole = centering.apply(vectors[kept], ["fi" if i % 3 else "sv" for i in kept])
    np.testing.assert_allclose(table.vectors.astype(np.float32), whole, atol=2e-3)


def test_similarities_upcast_chunk_by_chunk(centering: LanguageCentering, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offers_module, "CHUNK", 4)
    vectors = unit_rows(11, 2)
    table = build_offer_table(
        [(i, i, "fi", vectors[i].tobytes()) for i in range(11)], dimension=DIM, centering=centering
    )
    queries = unit_rows(3, 3)
    exact = queries @ table.vectors.astype(np.float32).T
    np.testing.assert_allclose(table.similarities(queries), exact, rtol=0, atol=1e-6)
    cols = np.array([9, 0, 4])
    np.testing.assert_allclose(table.similarities(queries, cols), exact[:, cols], rtol=0, atol=1e-6)


def test_no_offers_is_an_empty_table(centering: LanguageCentering) -> None:
    table = build_offer_table([], dimension=DIM, centering=centering)
    assert len(table) == 0 and table.vectors.shape == (0, DIM)
    assert table.similarities(unit_rows(2, 4)).shape == (2, 0)
    assert len(OfferTable.empty(DIM).rows) == 0


class TestRefresh:
    """After profile changes the store re-reads only the changed employees' offers, and holds what
    a full read would: edits, newcomers, hidden and erased employees all reach it."""

    def test_changes_are_read_incrementally_and_equal_a_full_read(
        self, own_org: Org, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        v = own_org.velho
        store = v.insights.store
        monkeypatch.setattr(store_module, "FULL_READ_SHARE", 1.0)  # a tiny organisation: every change is "broad"
        asked: list[object] = []
        offer_rows = store.repo.offer_rows

        def spy(session: Session, *, model_id: str, employees: Sequence[int] | None = None) -> Any:
            asked.append(None if employees is None else sorted(employees))
            return offer_rows(session, model_id=model_id, employees=employees)

        monkeypatch.setattr(store.repo, "offer_rows", spy)
        with v.session() as s:  # profiles last edited days ago, minutes apart: beyond the re-read slack
            for eid in s.execute(select(Employee.id)).scalars().all():
                when = datetime.now(UTC) - timedelta(days=2, minutes=5 * eid)
                s.execute(update(Employee).where(Employee.id == eid).values(updated_at=when))
        with v.reading() as s:
            before = store.view(s, v.insights.centering()).offers
        assert asked == [None]  # the first read reads everything

        put(v, "garden", "Gunnar Garden", ["Kompostointi ja kasvimaat", "Composting"], unit="Talous")
        put(v, "newbie", "Niina Uusi", ["Excel-makrot ja Power Query"], unit="Talous")
        put(v, "tulkki", "Tuula Tulkki", ["Tulkkaan arabiaa ja somalia"], unit="Kotihoito", visible=False)
        with v.session() as s:
            v.profiles.erase(s, external_id="asker", actor=Actor.admin())
        with v.reading() as s:
            ids = dict(s.execute(select(Employee.external_id, Employee.id)).all())
            after = store.view(s, v.insights.centering()).offers
            full = TopicStore(model_id=store.model_id, dimension=store.dimension, min_size=store.min_size)
            monkeypatch.setattr(full.repo, "offer_rows", offer_rows)
            whole = full.view(s, v.insights.centering()).offers

        changed = sorted([ids["garden"], ids["newbie"], ids["tulkki"]])
        assert len(asked) == 2 and asked[1] is not None and set(changed) <= set(asked[1])
        assert len(asked[1]) < len(ids)  # not everyone was re-read
        assert after is not before
        assert after.ids.tolist() == whole.ids.tolist()
        assert after.employees.tolist() == whole.employees.tolist()
        assert after.languages.tolist() == whole.languages.tolist()
        assert after.rows.tolist() == whole.rows.tolist()
        np.testing.assert_array_equal(after.vectors, whole.vectors)
        assert ids["tulkki"] not in after.employees.tolist()  # hidden
        assert ids["newbie"] in after.employees.tolist()
        assert len(set(before.employees.tolist()) - set(ids.values())) == 1  # the erased one, now gone
        assert set(after.employees.tolist()) <= set(ids.values())
