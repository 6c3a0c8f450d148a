"""The column-wise offer table: sorted, replaced per employee, scored with the index's own vectors."""

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

from matcher.index.exact_index import ExactIndex
from matcher.insights import offers as offers_module
from matcher.insights import store as store_module
from matcher.insights.offers import build_offer_table
from matcher.insights.store import TopicStore
from profiles.actor import Actor
from profiles.models import Employee, StrengthStatement

DIM = 8


def unit_rows(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_rows_in_any_order_come_out_by_id() -> None:
    order = [3, 0, 9, 1, 7, 2, 8, 4, 6, 5]  # as batches of employees would return them
    table = build_offer_table([(100 + i, 1000 + i // 2, "fi" if i % 3 else "sv") for i in order])
    assert table.ids.tolist() == [100 + i for i in range(10)]
    assert table.employees.tolist() == [1000 + i // 2 for i in range(10)]
    assert table.languages.tolist() == ["fi" if i % 3 else "sv" for i in range(10)]


def test_replacing_an_employees_offers() -> None:
    table = build_offer_table([(1, 10, "fi"), (2, 11, "fi"), (3, 10, "sv"), (4, 12, "en")])
    fresh = build_offer_table([(5, 10, "en"), (0, 13, "fi")])
    out = table.replacing(np.array([10, 12]), fresh)  # 10 edited, 12 erased, 13 new
    assert out.ids.tolist() == [0, 2, 5] and out.employees.tolist() == [13, 11, 10]
    assert out.languages.tolist() == ["fi", "fi", "en"]
    assert table.ids.tolist() == [1, 2, 3, 4]  # the table a call may hold is unchanged


@pytest.mark.parametrize("chunk", [2, 3, 100])
def test_similarities_come_from_the_index_chunk_by_chunk(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Offers the index does not hold (not applied yet) score -inf and are marked; the rest exactly."""
    monkeypatch.setattr(offers_module, "CHUNK", chunk)
    vectors = unit_rows(7, 2)
    index = ExactIndex(DIM)
    index.add(np.array([10, 11, 13, 14, 16]), vectors[[0, 1, 3, 4, 6]])
    table = build_offer_table([(10 + i, i, "fi") for i in range(7)])
    queries = unit_rows(3, 3)
    sims, held = table.similarities(queries, index)
    assert held.tolist() == [True, True, False, True, True, False, True]
    np.testing.assert_allclose(sims[:, held], queries @ vectors[held].T, atol=1e-6)
    assert np.isneginf(sims[:, ~held]).all()
    part, part_held = table.similarities(queries, index, np.array([6, 2, 0]))
    assert part_held.tolist() == [True, False, True]
    np.testing.assert_allclose(part[:, [0, 2]], queries @ vectors[[6, 0]].T, atol=1e-6)


def test_no_offers_is_an_empty_table() -> None:
    table = build_offer_table([])
    assert len(table) == 0
    sims, held = table.similarities(unit_rows(2, 4), ExactIndex(DIM))
    assert sims.shape == (2, 0) and len(held) == 0


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

        def spy(session: Session, *, employees: Sequence[int] | None = None) -> Any:
            asked.append(None if employees is None else sorted(employees))
            return offer_rows(session, employees=employees)

        monkeypatch.setattr(store.repo, "offer_rows", spy)
        with v.session() as s:  # profiles last edited days ago, minutes apart: beyond the re-read slack
            for eid in s.execute(select(Employee.id)).scalars().all():
                when = datetime.now(UTC) - timedelta(days=2, minutes=5 * eid)
                s.execute(update(Employee).where(Employee.id == eid).values(updated_at=when))
        with v.reading() as s:
            before = store.view(s, v.sync.index).offers
        assert asked == [None]  # the first read reads everything

        put(v, "garden", "Gunnar Garden", ["Kompostointi ja kasvimaat", "Composting"], unit="Talous")
        put(v, "newbie", "Niina Uusi", ["Excel-makrot ja Power Query"], unit="Talous")
        put(v, "tulkki", "Tuula Tulkki", ["Tulkkaan arabiaa ja somalia"], unit="Kotihoito", visible=False)
        with v.session() as s:
            v.profiles.erase(s, external_id="asker", actor=Actor.admin())
        with v.reading() as s:
            ids = dict(s.execute(select(Employee.external_id, Employee.id)).all())
            after = store.view(s, v.sync.index).offers
            full = TopicStore(model_id=store.model_id, dimension=store.dimension, min_size=store.min_size)
            monkeypatch.setattr(full.repo, "offer_rows", offer_rows)
            whole = full.view(s, v.sync.index).offers

        changed = sorted([ids["garden"], ids["newbie"], ids["tulkki"]])
        assert len(asked) == 2 and asked[1] is not None and set(changed) <= set(asked[1])
        assert len(asked[1]) < len(ids)  # not everyone was re-read
        assert after is not before
        assert after.ids.tolist() == whole.ids.tolist()
        assert after.employees.tolist() == whole.employees.tolist()
        assert after.languages.tolist() == whole.languages.tolist()
        assert ids["tulkki"] not in after.employees.tolist()  # hidden
        assert ids["newbie"] in after.employees.tolist()
        assert len(set(before.employees.tolist()) - set(ids.values())) == 1  # the erased one, now gone
        assert set(after.employees.tolist()) <= set(ids.values())


@pytest.mark.parametrize("group", [1, 2])
def test_matched_offers_do_not_depend_on_how_providers_are_grouped(
    group: int, own_org: Org, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each (request, top-3 provider) gets that provider's nearest offer, whatever the fetch groups."""
    v = own_org.velho
    store = v.insights.store

    def fresh() -> TopicStore:
        return TopicStore(model_id=store.model_id, dimension=store.dimension, min_size=store.min_size)

    with v.reading() as s:
        whole = fresh().view(s, v.sync.index)
        monkeypatch.setattr(store_module, "PROVIDERS_PER_FETCH", group)
        grouped = fresh().view(s, v.sync.index)
        owner = dict(s.execute(select(StrengthStatement.id, StrengthStatement.employee_id)).all())
    assert (whole.top_offer >= 0).sum() >= 10
    np.testing.assert_array_equal(grouped.top_offer, whole.top_offer)
    matched = whole.top_offer >= 0
    # Every matched offer belongs to the provider it was matched for.
    assert all(
        owner[int(o)] == int(e) for o, e in zip(whole.top_offer[matched], whole.top_employee[matched], strict=True)
    )
