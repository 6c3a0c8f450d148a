"""Immutable view of the indexed employees and statements, swapped whole when the index changes.

Filters and explanations need employee fields and statement texts for every hit; reading them
from the database per request would cost more than the vector search itself. A roster is never
changed in place: `with_changes` returns a new one, and a request keeps the roster it started
with, so a change applied meanwhile can never pull an employee out from under its results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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


def roster_entry(employee: Employee, statements: Iterable[StrengthStatement] | None = None) -> Entry:
    """The roster form of an employee (statements loaded) and their statements."""
    stmts = [
        RosterStatement(
            id=s.id,
            employee_id=employee.id,
            text=s.text,
            level=s.level,
            language=s.language,
            kind=str(s.kind),
            rating=s.rating,
        )
        for s in (employee.statements if statements is None else statements)
    ]
    entry = RosterEmployee(
        id=employee.id,
        external_id=employee.external_id,
        name=employee.name,
        unit=employee.unit,
        title=employee.title,
        languages=frozenset(employee.languages or []),
        availability=str(employee.availability),
        capacity=employee.capacity,
        statement_ids=tuple(s.id for s in stmts),
    )
    return entry, stmts


def roster_entries(employees: Iterable[Any], statements: Iterable[Any]) -> list[Entry]:
    """Entries from plain column rows (`ProfileRepository.iter_roster_rows`), statements grouped by employee."""
    by_employee: dict[int, list[RosterStatement]] = {}
    for s in statements:
        by_employee.setdefault(s.employee_id, []).append(
            RosterStatement(s.id, s.employee_id, s.text, s.level, s.language, str(s.kind), s.rating)
        )
    out: list[Entry] = []
    for e in employees:
        stmts = by_employee.get(e.id, [])
        entry = RosterEmployee(
            id=e.id, external_id=e.external_id, name=e.name, unit=e.unit, title=e.title,
            languages=frozenset(e.languages or []), availability=str(e.availability), capacity=e.capacity,
            statement_ids=tuple(s.id for s in stmts),
        )  # fmt: skip
        out.append((entry, stmts))
    return out


class Roster:
    """Indexed employees and statements, with lookups by unit and language. Never mutated."""

    __slots__ = ("employees", "statements", "by_external_id", "_by_unit", "_by_language")

    def __init__(
        self,
        employees: Mapping[int, RosterEmployee] | None = None,
        statements: Mapping[int, RosterStatement] | None = None,
        by_external_id: Mapping[str, int] | None = None,
        by_unit: Mapping[str, frozenset[int]] | None = None,
        by_language: Mapping[str, frozenset[int]] | None = None,
    ) -> None:
        self.employees: Mapping[int, RosterEmployee] = employees or {}
        self.statements: Mapping[int, RosterStatement] = statements or {}
        self.by_external_id: Mapping[str, int] = by_external_id or {}
        self._by_unit: Mapping[str, frozenset[int]] = by_unit or {}
        self._by_language: Mapping[str, frozenset[int]] = by_language or {}

    @classmethod
    def build(cls, entries: Iterable[Entry]) -> Roster:
        """A roster holding exactly these entries."""
        return cls().with_changes(put=entries)

    def with_changes(self, *, put: Iterable[Entry] = (), drop: Iterable[int] = ()) -> Roster:
        """A new roster without the `drop` employees and with the `put` ones inserted or replaced.

        Copies the maps (a C-level copy, milliseconds even at 500,000 statements) rather than
        editing them, so readers holding this roster see it unchanged.
        """
        employees = dict(self.employees)
        statements = dict(self.statements)
        by_external_id = dict(self.by_external_id)
        units = _GroupEdit(self._by_unit)
        langs = _GroupEdit(self._by_language)

        def remove(employee_id: int) -> None:
            old = employees.pop(employee_id, None)
            if old is None:
                return
            if by_external_id.get(old.external_id) == employee_id:
                del by_external_id[old.external_id]
            units.discard(old.unit, employee_id)
            for lang in old.languages:
                langs.discard(lang, employee_id)
            for sid in old.statement_ids:
                statements.pop(sid, None)

        for employee_id in drop:
            remove(employee_id)
        for entry, stmts in put:
            remove(entry.id)
            employees[entry.id] = entry
            by_external_id[entry.external_id] = entry.id
            units.add(entry.unit, entry.id)
            for lang in entry.languages:
                langs.add(lang, entry.id)
            for stmt in stmts:
                statements[stmt.id] = stmt
        return Roster(employees, statements, by_external_id, units.result(), langs.result())

    def employees_in_units(self, units: Iterable[str]) -> set[int]:
        """Employee ids in any of the units."""
        out: set[int] = set()
        for unit in units:
            out |= self._by_unit.get(unit, frozenset())
        return out

    def employees_speaking(self, languages: Iterable[str]) -> set[int]:
        """Employee ids who speak any of the languages."""
        out: set[int] = set()
        for lang in languages:
            out |= self._by_language.get(lang, frozenset())
        return out

    def statement_ids_of(self, employee_ids: Iterable[int]) -> set[int]:
        """Every indexed statement id of these employees."""
        out: set[int] = set()
        for eid in employee_ids:
            entry = self.employees.get(eid)
            if entry is not None:
                out.update(entry.statement_ids)
        return out

    def __len__(self) -> int:
        return len(self.employees)


class _GroupEdit:
    """Copy-on-write edits of a map of id groups: only the groups touched are copied."""

    def __init__(self, groups: Mapping[str, frozenset[int]]) -> None:
        self._groups = groups
        self._edited: dict[str, set[int]] = {}

    def _group(self, key: str) -> set[int]:
        if key not in self._edited:
            self._edited[key] = set(self._groups.get(key, frozenset()))
        return self._edited[key]

    def add(self, key: str, member: int) -> None:
        self._group(key).add(member)

    def discard(self, key: str, member: int) -> None:
        if key in self._edited or member in self._groups.get(key, frozenset()):
            self._group(key).discard(member)

    def result(self) -> dict[str, frozenset[int]]:
        out = dict(self._groups)
        for key, members in self._edited.items():
            if members:
                out[key] = frozenset(members)
            else:
                out.pop(key, None)
        return out
