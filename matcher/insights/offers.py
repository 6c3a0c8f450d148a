"""The offers insights reads, held column-wise: visible employees' declared statements.

At 100,000 people an organisation holds 500,000 offers. As one object each, with its text and
its stored vector's bytes beside a decoded float32 matrix, they took about 2 GB in every serving
process, and reading them peaked near 4 GB more (`benchmarks/footprint.py --insights`). Here they
are three arrays: statement ids, owners and languages. Their vectors are the ones the vector
index already holds, in the same language centering, so they are read from it where needed
(`VectorSource`) rather than kept a second time; and texts stay in the database, read by id for
the few offers a call names (`InsightsRepository.offer_texts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# Offers whose vectors are fetched from the index per step (a few MB at a time).
CHUNK = 20_000


class VectorSource(Protocol):
    """Stored statement vectors by id: the snapshot's vector index (`matcher.index.base.VectorIndex`)."""

    def vectors(self, ids: npt.NDArray[np.int64]) -> tuple[npt.NDArray[np.bool_], Vectors]: ...


@dataclass(frozen=True)
class OfferTable:
    """Every visible declared offer, by ascending statement id."""

    ids: npt.NDArray[np.int64]
    employees: npt.NDArray[np.int64]
    languages: npt.NDArray[np.str_]

    @classmethod
    def empty(cls) -> OfferTable:
        return cls(np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, "<U8"))

    def __len__(self) -> int:
        return len(self.ids)

    def similarities(
        self, queries: Vectors, source: VectorSource, positions: npt.NDArray[np.intp] | None = None
    ) -> tuple[Vectors, npt.NDArray[np.bool_]]:
        """Cosine of each query row with each offer (all, or those at `positions`), and which of
        them the index holds a vector for; -inf where it holds none (an offer stored a moment ago
        that this process's index has not applied yet, or one of another model)."""
        pos = np.arange(len(self.ids)) if positions is None else positions
        sims = np.full((len(queries), len(pos)), -np.inf, np.float32)
        held = np.zeros(len(pos), bool)
        for lo in range(0, len(pos), CHUNK):
            found, rows = source.vectors(self.ids[pos[lo : lo + CHUNK]])
            held[lo : lo + len(found)] = found
            if len(rows):
                sims[:, lo + np.flatnonzero(found)] = queries @ rows.T
        return sims, held

    def sorted(self) -> OfferTable:
        """The same offers by ascending id (rows read in several batches come in batch order)."""
        order = np.argsort(self.ids, kind="stable")
        return OfferTable(self.ids[order], self.employees[order], self.languages[order])

    def replacing(self, employees: npt.NDArray[np.int64], fresh: OfferTable) -> OfferTable:
        """A new table without these employees' offers, with `fresh` (their offers now) in their
        place; the table a call may still be reading is never changed."""
        keep = ~np.isin(self.employees, employees)
        return OfferTable(
            np.concatenate([self.ids[keep], fresh.ids]),
            np.concatenate([self.employees[keep], fresh.employees]),
            np.concatenate([self.languages[keep], fresh.languages]),
        ).sorted()


def build_offer_table(rows: Iterable[Sequence[Any]]) -> OfferTable:
    """From (id, employee_id, language) rows, in any order."""
    ids: list[int] = []
    employees: list[int] = []
    languages: list[str] = []
    for sid, employee_id, language in rows:
        ids.append(sid)
        employees.append(employee_id)
        languages.append(language)
    if not ids:
        return OfferTable.empty()
    table = OfferTable(np.asarray(ids, np.int64), np.asarray(employees, np.int64), np.asarray(languages))
    return table if bool(np.all(table.ids[1:] > table.ids[:-1])) else table.sorted()
