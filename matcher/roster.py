"""In-memory view of the indexed employees and statements, kept in step with the index.

Filters and explanations need employee fields and statement texts for every hit; reading
them from the database per request would cost more than the vector search itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from profiles.models import Employee


@dataclass(frozen=True)
class RosterStatement:
    """What retrieval and explanations need of a statement."""

    id: int
    employee_id: int
    text: str
    level: int | None
    language: str
    kind: str
    rating: int | None


@dataclass
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
    statement_ids: list[int] = field(default_factory=list)


class Roster:
    """Indexed employees and statements, with lookups by unit and language."""

    def __init__(self) -> None:
        self.employees: dict[int, RosterEmployee] = {}
        self.statements: dict[int, RosterStatement] = {}
        self.by_external_id: dict[str, int] = {}
        self._by_unit: dict[str, set[int]] = defaultdict(set)
        self._by_language: dict[str, set[int]] = defaultdict(set)

    def put(self, employee: Employee, statements: Iterable[RosterStatement]) -> None:
        """Insert or replace one employee and their statements."""
        self.drop(employee.id)
        entry = RosterEmployee(
            id=employee.id,
            external_id=employee.external_id,
            name=employee.name,
            unit=employee.unit,
            title=employee.title,
            languages=frozenset(employee.languages or []),
            availability=str(employee.availability),
            capacity=employee.capacity,
        )
        for stmt in statements:
            self.statements[stmt.id] = stmt
            entry.statement_ids.append(stmt.id)
        self.employees[entry.id] = entry
        self.by_external_id[entry.external_id] = entry.id
        self._by_unit[entry.unit].add(entry.id)
        for lang in entry.languages:
            self._by_language[lang].add(entry.id)

    def drop(self, employee_id: int) -> list[int]:
        """Remove an employee; returns the statement ids that must leave the index."""
        entry = self.employees.pop(employee_id, None)
        if entry is None:
            return []
        self.by_external_id.pop(entry.external_id, None)
        self._by_unit[entry.unit].discard(employee_id)
        for lang in entry.languages:
            self._by_language[lang].discard(employee_id)
        for sid in entry.statement_ids:
            self.statements.pop(sid, None)
        return list(entry.statement_ids)

    def clear(self) -> None:
        """Forget everything."""
        self.__init__()  # type: ignore[misc]

    def employees_in_units(self, units: Iterable[str]) -> set[int]:
        """Employee ids in any of the units."""
        out: set[int] = set()
        for unit in units:
            out |= self._by_unit.get(unit, set())
        return out

    def employees_speaking(self, languages: Iterable[str]) -> set[int]:
        """Employee ids who speak any of the languages."""
        out: set[int] = set()
        for lang in languages:
            out |= self._by_language.get(lang, set())
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
