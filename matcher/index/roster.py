"""Immutable view of the indexed employees and statements, swapped whole when the index changes.

Filters and explanations need employee fields and statement texts for every hit; reading them
from the database per request would cost more than the vector search itself. A roster is never
changed in place: `with_changes` returns a new one, and a request keeps the roster it started
with, so a change applied meanwhile can never pull an employee out from under its results.

Rows live in NumPy columns (`roster_columns`); `employees` and `statements` are read-only maps
that build a `RosterEmployee` / `RosterStatement` when one is looked up, and retrieval reads the
facts of a whole hit list at once (`statement_facts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.index.roster_columns import (
    EmployeeColumns,
    Int64,
    RosterRows,
    RosterVocab,
    StatementColumns,
    empty_columns,
    from_optional,
)
from profiles.models import Employee, StrengthStatement


@dataclass(frozen=True, slots=True)
class RosterStatement:
    """What retrieval and explanations need of a statement."""

    id: int
    employee_id: int
    text: str
    level: int | None
    language: str
    kind: str
    rating: int | None


@dataclass(frozen=True, slots=True)
class RosterEmployee:
    """What filters and results need of an indexed employee."""

    id: int
    external_id: str
    name: str
    unit: str
    title: str | None
    languages: frozenset[str]
    availability: str
    capacity: int
    statement_ids: tuple[int, ...] = ()


Entry = tuple[RosterEmployee, Sequence[RosterStatement]]


@dataclass(frozen=True)
class StatementFacts:
    """What ranking needs of the statements of a hit list. `known` marks the ids the roster holds
    (not those of a change applied after it was taken); the lists hold the known ones, in order."""

    known: npt.NDArray[np.bool_]
    owner: list[int]
    kind: list[str]
    level: list[int | None]
    rating: list[int | None]


def roster_entry(employee: Employee, statements: Iterable[StrengthStatement] | None = None) -> Entry:
    """The roster form of an employee (statements loaded) and their statements."""
    stmts = [
        RosterStatement(s.id, employee.id, s.text, s.level, s.language, str(s.kind), s.rating)
        for s in (employee.statements if statements is None else statements)
    ]
    entry = RosterEmployee(
        id=employee.id, external_id=employee.external_id, name=employee.name, unit=employee.unit,
        title=employee.title, languages=frozenset(employee.languages or []),
        availability=str(employee.availability), capacity=employee.capacity,
        statement_ids=tuple(s.id for s in stmts),
    )  # fmt: skip
    return entry, stmts


def entry_rows(entries: Iterable[Entry]) -> RosterRows:
    """Rows of these entries."""
    rows = RosterRows()
    for e, stmts in entries:
        rows.add_employee(e.id, e.external_id, e.name, e.unit, e.title, e.languages, e.availability, e.capacity)
        for s in stmts:
            rows.add_statement(s.id, e.id, s.text, s.language, s.kind, s.level, s.rating)
    return rows


def column_rows(employees: Sequence[Sequence[Any]], statements: Sequence[Sequence[Any]]) -> RosterRows:
    """Rows from plain column rows (`ProfileRepository.iter_roster_rows`, fields in `add_employee`
    and `add_statement` order); statements of other employees than these are left out."""
    rows = RosterRows()
    rows.add_employee_rows(employees)
    ids = {e[0] for e in employees}
    rows.add_statement_rows([s for s in statements if s[1] in ids])
    return rows


class RosterBuilder:
    """A roster gathered batch by batch: each batch becomes columns as it is added, so its per-row
    Python objects are freed (and their memory reused) before the next batch is read."""

    def __init__(self) -> None:
        self._vocab = RosterVocab()
        self._emps: list[EmployeeColumns] = []
        self._stmts: list[StatementColumns] = []

    def add(self, rows: RosterRows) -> None:
        """Add one batch (employees must not repeat across batches)."""
        self._vocab, emps, stmts = rows.columns(self._vocab)
        self._emps.append(emps)
        self._stmts.append(stmts)

    def build(self) -> Roster:
        """The roster of every batch added."""
        if not self._emps:
            return Roster()
        return Roster._sorted(EmployeeColumns.concat(self._emps), StatementColumns.concat(self._stmts), self._vocab)


class Roster:
    """Indexed employees and statements, with lookups by unit and language. Never mutated."""

    __slots__ = ("_emps", "_stmts", "_vocab", "_sid_order", "_sorted_sids", "by_external_id", "employees", "statements")

    def __init__(
        self,
        emps: EmployeeColumns | None = None,
        stmts: StatementColumns | None = None,
        vocab: RosterVocab | None = None,
        by_external_id: Mapping[str, int] | None = None,
    ) -> None:
        if emps is None or stmts is None:
            emps, stmts = empty_columns()
        self._emps = emps
        self._stmts = stmts
        self._vocab = vocab or RosterVocab()
        # Statements are stored by employee; this is the order that sorts them by id, for lookups.
        self._sid_order = np.argsort(stmts.ids, kind="stable")
        self._sorted_sids = stmts.ids[self._sid_order]
        if by_external_id is None:
            by_external_id = dict(zip(emps.external_id.tolist(), emps.ids.tolist(), strict=True))
        self.by_external_id: Mapping[str, int] = by_external_id
        self.employees: Mapping[int, RosterEmployee] = _EmployeeMap(self)
        self.statements: Mapping[int, RosterStatement] = _StatementMap(self)

    # -- building ---------------------------------------------------------------------------
    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Roster:
        """A roster holding exactly these entries."""
        return cls().with_changes(put=entries)

    @classmethod
    def _sorted(
        cls,
        emps: EmployeeColumns,
        stmts: StatementColumns,
        vocab: RosterVocab,
        by_external_id: dict[str, int] | None = None,
    ) -> Roster:
        # Stable: an employee's statements keep their profile order.
        return cls(
            emps.take(np.argsort(emps.ids, kind="stable")),
            stmts.take(np.argsort(stmts.owner, kind="stable")),
            vocab,
            by_external_id,
        )

    def with_changes(self, *, put: Iterable[Entry] = (), drop: Iterable[int] = ()) -> Roster:
        """A new roster without the `drop` employees and with the `put` ones inserted or replaced.

        Copies the columns (C-level copies, milliseconds even at 500,000 statements) rather than
        editing them, so readers holding this roster see it unchanged.
        """
        entries = {e.id: (e, stmts) for e, stmts in put}  # the last entry of an employee wins
        gone = np.fromiter(set(drop) | entries.keys(), dtype=np.int64)
        vocab, new_emps, new_stmts = entry_rows(entries.values()).columns(self._vocab)
        kept = ~np.isin(self._emps.ids, gone)
        by_external_id = dict(self.by_external_id)
        for ext, eid in zip(self._emps.external_id[~kept].tolist(), self._emps.ids[~kept].tolist(), strict=True):
            if by_external_id.get(ext) == eid:
                del by_external_id[ext]
        by_external_id.update(zip(new_emps.external_id.tolist(), new_emps.ids.tolist(), strict=True))
        emps = EmployeeColumns.concat([self._emps.take(kept), new_emps])
        stmts = StatementColumns.concat([self._stmts.take(~np.isin(self._stmts.owner, gone)), new_stmts])
        return self._sorted(emps, stmts, vocab, by_external_id)

    # -- lookups ----------------------------------------------------------------------------
    def employees_in_units(self, units: Iterable[str]) -> set[int]:
        """Employee ids in any of the units."""
        codes = self._vocab.units.codes_of(units)
        return set(self._emps.ids[np.isin(self._emps.unit, codes)].tolist()) if codes else set()

    def employees_speaking(self, languages: Iterable[str]) -> set[int]:
        """Employee ids who speak any of the languages."""
        wanted = set(languages)
        sets = self._vocab.language_sets
        codes = [code for code, langs in enumerate(sets.values) if langs & wanted]
        return set(self._emps.ids[np.isin(self._emps.languages, codes)].tolist()) if codes else set()

    def employees_without_capacity(self) -> frozenset[int]:
        """Employees who take no offers at all (capacity 0 or less)."""
        return frozenset(self._emps.ids[self._emps.capacity <= 0].tolist())

    def capacities(self, employee_ids: Iterable[int]) -> dict[int, int]:
        """Capacity of each of these employees the roster holds (unknown ones are absent)."""
        ids = np.fromiter(employee_ids, dtype=np.int64)
        all_ids = self._emps.ids
        if not len(ids) or not len(all_ids):
            return {}
        pos = np.minimum(np.searchsorted(all_ids, ids), len(all_ids) - 1)
        known = all_ids[pos] == ids
        return dict(zip(ids[known].tolist(), self._emps.capacity[pos[known]].tolist(), strict=True))

    def statement_ids_of(self, employee_ids: Iterable[int]) -> set[int]:
        """Every indexed statement id of these employees."""
        return set(self.statement_id_array(employee_ids).tolist())

    def statement_id_array(self, employee_ids: Iterable[int]) -> Int64:
        """Every indexed statement id of these employees, grouped by employee (ascending)."""
        wanted = np.unique(np.fromiter(employee_ids, dtype=np.int64))
        owner = self._stmts.owner
        starts = np.searchsorted(owner, wanted, side="left")
        lengths = np.searchsorted(owner, wanted, side="right") - starts
        total = int(lengths.sum())
        # The positions starts[j] .. starts[j] + lengths[j] - 1 of every employee j, in one array.
        offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
        return self._stmts.ids[offsets]

    def all_statement_ids(self) -> Int64:
        """Every indexed statement id, ascending."""
        return self._sorted_sids

    def statement_facts(self, ids: Int64) -> StatementFacts:
        """Owner, kind, level and rating of each of `ids` (one vectorised lookup for a hit list)."""
        rows, known = self._statement_rows(np.asarray(ids, dtype=np.int64))
        rows = rows[known]
        labels = self._vocab.labels.values
        s = self._stmts
        return StatementFacts(
            known=known,
            owner=s.owner[rows].tolist(),
            kind=[labels[c] for c in s.kind[rows].tolist()],
            level=[from_optional(v) for v in s.level[rows].tolist()],
            rating=[from_optional(v) for v in s.rating[rows].tolist()],
        )

    def texts(self) -> Iterator[tuple[int, str, str]]:
        """(id, text, language) of every indexed statement (to build a lexical index)."""
        labels = self._vocab.labels.values
        s = self._stmts
        for sid, text, lang in zip(s.ids.tolist(), s.text.tolist(), s.language.tolist(), strict=True):
            yield sid, text, labels[lang]

    def __len__(self) -> int:
        return len(self._emps)

    # -- rows -------------------------------------------------------------------------------
    def _statement_rows(self, ids: Int64) -> tuple[Int64, npt.NDArray[np.bool_]]:
        """Row of each id (meaningless where not known) and whether it is known."""
        if not len(self._sorted_sids):
            return np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=bool)
        pos = np.minimum(np.searchsorted(self._sorted_sids, ids), len(self._sorted_sids) - 1)
        return self._sid_order[pos], self._sorted_sids[pos] == ids

    def _employee_row(self, employee_id: int) -> int:
        ids = self._emps.ids
        pos = int(np.searchsorted(ids, employee_id))
        return pos if pos < len(ids) and ids[pos] == employee_id else -1

    def _employee(self, row: int) -> RosterEmployee:
        e, v = self._emps, self._vocab
        eid = int(e.ids[row])
        return RosterEmployee(
            id=eid, external_id=e.external_id[row], name=e.name[row], unit=v.units[int(e.unit[row])],
            title=e.title[row], languages=v.language_sets[int(e.languages[row])],
            availability=v.labels[int(e.availability[row])], capacity=int(e.capacity[row]),
            statement_ids=tuple(self.statement_id_array([eid]).tolist()),
        )  # fmt: skip

    def _statement(self, row: int) -> RosterStatement:
        s, labels = self._stmts, self._vocab.labels
        return RosterStatement(
            id=int(s.ids[row]), employee_id=int(s.owner[row]), text=s.text[row],
            level=from_optional(int(s.level[row])), language=labels[int(s.language[row])],
            kind=labels[int(s.kind[row])], rating=from_optional(int(s.rating[row])),
        )  # fmt: skip


class _EmployeeMap(Mapping[int, RosterEmployee]):
    """`Roster.employees`: a read-only map whose values are built on lookup."""

    __slots__ = ("_roster",)

    def __init__(self, roster: Roster) -> None:
        self._roster = roster

    def __getitem__(self, employee_id: int) -> RosterEmployee:
        row = self._roster._employee_row(employee_id)
        if row < 0:
            raise KeyError(employee_id)
        return self._roster._employee(row)

    def __contains__(self, employee_id: object) -> bool:
        return isinstance(employee_id, int | np.integer) and self._roster._employee_row(int(employee_id)) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._roster._emps.ids.tolist())

    def __len__(self) -> int:
        return len(self._roster._emps)


class _StatementMap(Mapping[int, RosterStatement]):
    """`Roster.statements`: a read-only map whose values are built on lookup."""

    __slots__ = ("_roster",)

    def __init__(self, roster: Roster) -> None:
        self._roster = roster

    def _row(self, statement_id: object) -> int:
        if not isinstance(statement_id, int | np.integer):
            return -1
        rows, known = self._roster._statement_rows(np.asarray([statement_id], dtype=np.int64))
        return int(rows[0]) if known[0] else -1

    def __getitem__(self, statement_id: int) -> RosterStatement:
        row = self._row(statement_id)
        if row < 0:
            raise KeyError(statement_id)
        return self._roster._statement(row)

    def __contains__(self, statement_id: object) -> bool:
        return self._row(statement_id) >= 0

    def __iter__(self) -> Iterator[int]:
        return iter(self._roster._sorted_sids.tolist())

    def __len__(self) -> int:
        return len(self._roster._sorted_sids)
