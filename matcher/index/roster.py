"""In-memory view of the indexed employees and statements, kept in step with the index.

Filters and explanations need employee fields and statement texts for every hit; reading
them from the database per request would cost more than the vector search itself. The
lexical (BM25) indexes live here too: every `put`/`drop`/`clear` that changes the vector
index's statements changes them alike, so profile changes, erasure and rebuilds reach both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.index.lexical import LexicalIndex
from profiles.models import Employee

# A lexical index's normalisation: ("stem", 0) or ("truncate", prefix length).
LexicalKey = tuple[str, int]


def lexical_key(mode: str, prefix: int) -> LexicalKey:
    """The key of a normalisation (the prefix matters only when truncating)."""
    return (mode, prefix if mode == "truncate" else 0)


def _empty_lexical(key: LexicalKey) -> LexicalIndex:
    mode, prefix = key
    return LexicalIndex(mode=mode, prefix=prefix or 5)  # stemming ignores the prefix


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
    """Indexed employees and statements, with lookups by unit and language.

    `lexical` lists the normalisations whose BM25 index to keep; one asked for later through
    `lexical_index` is built from the statements then and kept in step from then on.
    """

    def __init__(self, lexical: Iterable[LexicalKey] = ()) -> None:
        self._lexical: dict[LexicalKey, LexicalIndex] = {key: _empty_lexical(key) for key in lexical}
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
            for lex in self._lexical.values():
                lex.add(stmt.id, stmt.text, stmt.language)
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
        for lex in self._lexical.values():
            lex.remove(entry.statement_ids)
        return list(entry.statement_ids)

    def clear(self) -> None:
        """Forget every employee and statement (the lexical normalisations stay wanted, empty)."""
        self.__init__(self.lexical_keys())  # type: ignore[misc]

    def lexical_keys(self) -> list[LexicalKey]:
        """The normalisations whose lexical index is kept (a rebuilt roster keeps the same)."""
        return list(self._lexical)

    def lexical_index(self, mode: str, prefix: int) -> LexicalIndex:
        """The BM25 index of every statement under this normalisation, built on first use.

        Callers hold the sync lock, as for every other roster read during a search.
        """
        key = lexical_key(mode, prefix)
        lex = self._lexical.get(key)
        if lex is None:
            lex = _empty_lexical(key)
            for stmt in self.statements.values():
                lex.add(stmt.id, stmt.text, stmt.language)
            self._lexical[key] = lex
        return lex

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
