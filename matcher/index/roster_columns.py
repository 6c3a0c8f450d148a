"""The roster's storage: one NumPy row per indexed employee and per statement, and how rows are gathered.

Per-row Python objects (a frozen dataclass, its ints and its repeated short strings) cost about
five times the data they hold; at 100,000 people × 5 statements that was most of the roster's
few hundred MB. Here a row is a slot in each column: ids and numbers in typed arrays, repeated
values (unit, language set, language, kind, availability) as `Vocabulary` codes, and only the
free texts (names, titles, statement texts) as Python strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from typing import Any, Self, TypeVar

import numpy as np
import numpy.typing as npt

from matcher.index.vocabulary import Codes, Vocabulary

Int64 = npt.NDArray[np.int64]
Int16 = npt.NDArray[np.int16]
Objects = npt.NDArray[np.object_]
# Level and rating are small positive numbers or absent.
ABSENT = -1


def objects(values: Sequence[Any]) -> Objects:
    """A 1-d object array holding exactly these values (NumPy would unpack nested sequences)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def optional(values: Sequence[int | None]) -> Int16:
    return np.fromiter((ABSENT if v is None else v for v in values), dtype=np.int16, count=len(values))


def from_optional(value: int) -> int | None:
    return None if value == ABSENT else int(value)


_C = TypeVar("_C", bound="_Columns")


@dataclass(frozen=True, eq=False)
class _Columns:
    """Row selection and concatenation over every column of a dataclass of equal-length arrays."""

    def take(self, rows: npt.NDArray[Any]) -> Self:
        """The rows at `rows` (indices or a boolean mask), in that order."""
        return replace(self, **{f.name: getattr(self, f.name)[rows] for f in fields(self)})

    @staticmethod
    def concat(parts: Sequence[_C]) -> _C:
        """All rows of `parts` (at least one), in order."""
        columns = {f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(parts[0])}
        return replace(parts[0], **columns)

    def __len__(self) -> int:
        return len(getattr(self, fields(self)[0].name))


@dataclass(frozen=True, eq=False)
class EmployeeColumns(_Columns):
    """Indexed employees, ascending by id."""

    ids: Int64
    external_id: Objects
    name: Objects
    title: Objects
    unit: Codes  # RosterVocab.units
    languages: Codes  # RosterVocab.language_sets
    availability: Codes  # RosterVocab.labels
    capacity: Int64


@dataclass(frozen=True, eq=False)
class StatementColumns(_Columns):
    """Indexed statements, grouped by employee (ascending), each employee's in profile order."""

    ids: Int64
    owner: Int64
    text: Objects
    language: Codes  # RosterVocab.labels
    kind: Codes  # RosterVocab.labels
    level: Int16
    rating: Int16


@dataclass(frozen=True)
class RosterVocab:
    """The vocabularies a roster's codes refer to."""

    units: Vocabulary = Vocabulary()
    language_sets: Vocabulary = Vocabulary()  # frozensets of language codes
    labels: Vocabulary = Vocabulary()  # statement languages, kinds, availabilities


def empty_columns() -> tuple[EmployeeColumns, StatementColumns]:
    """Columns without rows."""
    _, emps, stmts = RosterRows().columns(RosterVocab())
    return emps, stmts


class RosterRows:
    """Rows gathered as plain lists, then turned into columns in one go.

    `RosterBuilder` turns each database batch into columns before the next is read, so the per-row
    Python objects of one batch are freed (and their memory reused) before the next one arrives.
    """

    def __init__(self) -> None:
        self._emp: tuple[list[Any], ...] = tuple([] for _ in range(8))
        self._stmt: tuple[list[Any], ...] = tuple([] for _ in range(7))

    def add_employee(
        self, id: int, external_id: str, name: str, unit: str, title: str | None,
        languages: Iterable[str] | None, availability: str, capacity: int,
    ) -> None:  # fmt: skip
        """One employee (fields in `EmployeeColumns` order)."""
        self.add_employee_rows([(id, external_id, name, unit, title, languages, availability, capacity)])

    def add_statement(
        self, id: int, employee_id: int, text: str, language: str, kind: str, level: int | None, rating: int | None
    ) -> None:
        """One statement (fields in `StatementColumns` order); its employee must be added too."""
        self.add_statement_rows([(id, employee_id, text, language, kind, level, rating)])

    def add_employee_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Many employees at once, each a sequence in `add_employee`'s field order, column by column
        (at 100,000 people per-row appends were a third of a start)."""
        if not rows:
            return
        eid, ext, name, unit, title, langs, avail, cap = zip(*rows, strict=True)
        values = (eid, ext, name, unit, title, [frozenset(v or ()) for v in langs], map(str, avail), cap)
        for column, more in zip(self._emp, values, strict=True):
            column.extend(more)

    def add_statement_rows(self, rows: Sequence[Sequence[Any]]) -> None:
        """Many statements at once, each a sequence in `add_statement`'s field order."""
        if not rows:
            return
        sid, owner, text, lang, kind, level, rating = zip(*rows, strict=True)
        for column, more in zip(self._stmt, (sid, owner, text, lang, map(str, kind), level, rating), strict=True):
            column.extend(more)

    def __len__(self) -> int:
        return len(self._emp[0])

    def columns(self, vocab: RosterVocab) -> tuple[RosterVocab, EmployeeColumns, StatementColumns]:
        """The gathered rows as columns (vocabularies extended as needed), and the vocabularies."""
        eid, ext, name, unit, title, langs, avail, cap = self._emp
        sid, owner, text, lang, kind, level, rating = self._stmt
        vocab = RosterVocab(
            units=vocab.units.extended(unit),
            language_sets=vocab.language_sets.extended(langs),
            labels=vocab.labels.extended([*avail, *lang, *kind]),
        )
        emps = EmployeeColumns(
            ids=np.asarray(eid, dtype=np.int64).reshape(-1),
            external_id=objects(ext),
            name=objects(name),
            title=objects(title),
            unit=vocab.units.encode(unit),
            languages=vocab.language_sets.encode(langs),
            availability=vocab.labels.encode(avail),
            capacity=np.asarray(cap, dtype=np.int64).reshape(-1),
        )
        stmts = StatementColumns(
            ids=np.asarray(sid, dtype=np.int64).reshape(-1),
            owner=np.asarray(owner, dtype=np.int64).reshape(-1),
            text=objects(text),
            language=vocab.labels.encode(lang),
            kind=vocab.labels.encode(kind),
            level=optional(level),
            rating=optional(rating),
        )
        return vocab, emps, stmts
