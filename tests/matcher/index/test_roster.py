"""The column-backed roster answers every lookup as a plain map of its entries would, through any
sequence of changes, and a roster once taken never changes."""

from __future__ import annotations

import random

import numpy as np
import pytest

from matcher.index.roster import Entry, Roster, RosterBuilder, RosterEmployee, RosterStatement, entry_rows

UNITS = ["Kotihoito Itä", "Päivystys", "Hallinto", ""]
LANGS = [frozenset({"fi"}), frozenset({"fi", "sv"}), frozenset({"en"}), frozenset()]


def make_entry(rng: random.Random, eid: int, next_sid: list[int]) -> Entry:
    stmts = []
    for _ in range(rng.randint(0, 4)):
        next_sid[0] += 1
        stmts.append(
            RosterStatement(
                id=next_sid[0],
                employee_id=eid,
                text=f"taito {next_sid[0]} ä",
                level=rng.choice([None, 1, 5]),
                language=rng.choice(["fi", "sv", "en"]),
                kind=rng.choice(["declared", "evidence"]),
                rating=rng.choice([None, 2, 5]),
            )  # fmt: skip
        )
    emp = RosterEmployee(
        id=eid, external_id=f"e{eid}", name=f"Nimi {eid}", unit=rng.choice(UNITS), title=rng.choice([None, "hoitaja"]),
        languages=rng.choice(LANGS), availability=rng.choice(["available", "limited"]), capacity=rng.randint(0, 3),
        statement_ids=tuple(s.id for s in stmts),
    )  # fmt: skip
    return emp, stmts


def assert_same(roster: Roster, model: dict[int, Entry]) -> None:
    """Every lookup of `roster` agrees with the plain map `model` (employee id → entry)."""
    assert len(roster) == len(model) == len(roster.employees)
    assert set(roster.employees) == set(model)
    all_stmts = {s.id: s for _, stmts in model.values() for s in stmts}
    assert set(roster.statements) == set(all_stmts) and len(roster.statements) == len(all_stmts)
    assert roster.all_statement_ids().tolist() == sorted(all_stmts)
    for eid, (emp, stmts) in model.items():
        assert roster.employees[eid] == emp
        assert roster.by_external_id[emp.external_id] == eid
        assert roster.statement_ids_of([eid]) == {s.id for s in stmts}
    for sid, stmt in all_stmts.items():
        assert roster.statements[sid] == stmt
    assert set(roster.by_external_id) == {e.external_id for e, _ in model.values()}
    for unit in UNITS + ["nowhere"]:
        assert roster.employees_in_units([unit]) == {eid for eid, (e, _) in model.items() if e.unit == unit}
    for lang in ["fi", "sv", "en", "de"]:
        assert roster.employees_speaking([lang]) == {eid for eid, (e, _) in model.items() if lang in e.languages}
    assert roster.employees_without_capacity() == {eid for eid, (e, _) in model.items() if e.capacity <= 0}
    assert roster.capacities([*model, 10**9]) == {eid: e.capacity for eid, (e, _) in model.items()}
    assert sorted(roster.texts()) == sorted((s.id, s.text, s.language) for s in all_stmts.values())


@pytest.mark.parametrize("seed", range(5))
def test_changes_agree_with_a_plain_map_and_old_rosters_stay_as_they_were(seed: int) -> None:
    rng = random.Random(seed)
    next_sid = [1000]
    model: dict[int, Entry] = {}
    roster = Roster.build([])
    history: list[tuple[Roster, dict[int, Entry]]] = []
    for _ in range(30):
        put = [make_entry(rng, rng.randint(1, 40), next_sid) for _ in range(rng.randint(0, 6))]
        drop = rng.sample(range(1, 45), rng.randint(0, 4))
        roster = roster.with_changes(put=put, drop=drop)
        for eid in drop:
            model.pop(eid, None)
        for entry in put:
            model[entry[0].id] = entry
        assert_same(roster, model)
        history.append((roster, dict(model)))
    for old, then in history:
        assert_same(old, then)


def test_statement_facts_and_unknown_ids() -> None:
    rng = random.Random(7)
    next_sid = [0]
    entries = [make_entry(rng, eid, next_sid) for eid in (3, 1, 2)]
    roster = Roster.build(entries)
    stmts = {s.id: s for _, ss in entries for s in ss}
    ids = np.asarray([*stmts, -5, 10**6][::-1], dtype=np.int64)
    facts = roster.statement_facts(ids)
    assert facts.known.tolist() == [i in stmts for i in ids.tolist()]
    known = [stmts[i] for i in ids.tolist() if i in stmts]
    assert facts.owner == [s.employee_id for s in known]
    assert facts.kind == [s.kind for s in known]
    assert facts.level == [s.level for s in known] and facts.rating == [s.rating for s in known]
    assert 10**6 not in roster.statements and roster.statements.get(-5) is None
    assert roster.employees.get(99) is None and 99 not in roster.employees


def test_built_in_batches_equals_built_at_once() -> None:
    rng = random.Random(3)
    next_sid = [0]
    entries = [make_entry(rng, eid, next_sid) for eid in range(1, 60)]
    builder = RosterBuilder()
    for start in range(0, len(entries), 7):
        builder.add(entry_rows(entries[start : start + 7]))
    assert_same(builder.build(), {e.id: (e, s) for e, s in entries})
    assert_same(Roster.build(entries), {e.id: (e, s) for e, s in entries})
    assert len(RosterBuilder().build()) == 0
