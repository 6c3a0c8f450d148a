"""The offers insights reads, held column-wise: visible employees' declared statements and their vectors.

At 100,000 people an organisation holds 500,000 offers. As one object each, with its text and
its stored vector's bytes beside the decoded float32 matrix, they took about 2 GB in every
serving process, and reading them peaked near 4 GB more (`benchmarks/footprint.py --insights`).
Here they are arrays: statement and employee ids, languages, and the vectors in float16 (the
IVF index's own precision; cosine errors around 1e-4, far below what tells offers apart), read
in chunks so no full-size temporary is ever built. Texts stay in the database: a call reads them
by id for the few offers it names (`InsightsRepository.offer_texts`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.language import LanguageCentering

Vectors = npt.NDArray[np.float32]
# Rows decoded and language-corrected per step, and stored rows upcast per product.
CHUNK = 20_000


@dataclass(frozen=True)
class OfferTable:
    """Every visible declared offer, by ascending statement id; `rows` are those with a vector of the model."""

    ids: npt.NDArray[np.int64]
    employees: npt.NDArray[np.int64]
    languages: npt.NDArray[np.str_]
    rows: npt.NDArray[np.intp]  # positions in `ids` of the offers that have a vector
    vectors: npt.NDArray[np.float16]  # one row per entry of `rows`

    @classmethod
    def empty(cls, dimension: int) -> OfferTable:
        return cls(
            np.zeros(0, np.int64),
            np.zeros(0, np.int64),
            np.zeros(0, "<U8"),
            np.zeros(0, np.intp),
            np.zeros((0, dimension), np.float16),
        )

    def __len__(self) -> int:
        return len(self.ids)

    def similarities(self, queries: Vectors, cols: npt.NDArray[np.intp] | None = None) -> Vectors:
        """Cosine of each query row with the stored vectors (all, or the `cols` rows of `vectors`).

        float16 has no BLAS product: rows are upcast a chunk at a time.
        """
        stored = self.vectors if cols is None else self.vectors[cols]
        out = np.empty((len(queries), len(stored)), np.float32)
        for lo in range(0, len(stored), CHUNK):
            out[:, lo : lo + CHUNK] = queries @ stored[lo : lo + CHUNK].astype(np.float32).T
        return out

    def sorted(self) -> OfferTable:
        """The same offers by ascending id (rows read in several batches come in batch order)."""
        order = np.argsort(self.ids, kind="stable")
        at = np.full(len(self), -1, np.intp)  # each offer's row in `vectors`, -1 for none
        at[self.rows] = np.arange(len(self.rows))
        src = at[order]
        rows = np.flatnonzero(src >= 0)
        return OfferTable(
            self.ids[order],
            self.employees[order],
            self.languages[order],
            rows,
            self.vectors[src[rows]],
        )

    def replacing(self, employees: npt.NDArray[np.int64], fresh: OfferTable) -> OfferTable:
        """A new table without these employees' offers, with `fresh` (their offers now) in their place.

        The table a call may still be reading is never changed; the vectors are copied a chunk
        at a time, so the only full-size allocation is the new table itself.
        """
        keep = ~np.isin(self.employees, employees)
        # Where each offer's vector sits: in self.vectors, or after them in fresh.vectors; -1 for none.
        at_self = np.full(len(self), -1, np.intp)
        at_self[self.rows] = np.arange(len(self.rows))
        at_fresh = np.full(len(fresh), -1, np.intp)
        at_fresh[fresh.rows] = len(self.rows) + np.arange(len(fresh.rows))
        ids = np.concatenate([self.ids[keep], fresh.ids])
        order = np.argsort(ids, kind="stable")
        source = np.concatenate([at_self[keep], at_fresh])[order]
        rows = np.flatnonzero(source >= 0)
        vectors = np.empty((len(rows), self.vectors.shape[1]), np.float16)
        for lo in range(0, len(rows), CHUNK):
            src = source[rows[lo : lo + CHUNK]]
            old = src < len(self.rows)
            block = vectors[lo : lo + CHUNK]
            block[old] = self.vectors[src[old]]
            block[~old] = fresh.vectors[src[~old] - len(self.rows)]
        return OfferTable(
            ids[order],
            np.concatenate([self.employees[keep], fresh.employees])[order],
            np.concatenate([self.languages[keep], fresh.languages])[order],
            rows,
            vectors,
        )


def build_offer_table(
    rows: Iterable[Sequence[Any]], *, dimension: int, centering: LanguageCentering, expected: int = 0
) -> OfferTable:
    """From (id, employee_id, language, embedding or None) rows, a chunk at a time.

    `expected` (how many rows are coming) sizes the vector matrix up front: gathering blocks and
    joining them at the end left as much memory again freed but held by the allocator (about
    400 MB at 100,000 people, measured in a serving process).
    """
    ids: list[int] = []
    employees: list[int] = []
    languages: list[str] = []
    with_vector: list[int] = []
    matrix = np.empty((expected, dimension), np.float16)
    filled = 0
    pending: list[bytes] = []
    pending_languages: list[str] = []

    def flush() -> None:
        nonlocal matrix, filled
        raw = np.frombuffer(b"".join(pending), dtype=np.float32).reshape(len(pending), dimension)
        # The same language correction the index applies, so offers and requests share one space.
        block = np.asarray(centering.apply(raw, pending_languages), dtype=np.float32)
        if filled + len(block) > len(matrix):  # more rows than counted (a profile added meanwhile)
            grown = np.empty((max(2 * len(matrix), filled + len(block)), dimension), np.float16)
            grown[:filled] = matrix[:filled]
            matrix = grown
        matrix[filled : filled + len(block)] = block
        filled += len(block)
        pending.clear()
        pending_languages.clear()

    width = 4 * dimension
    for sid, employee_id, language, embedding in rows:
        if embedding is not None and len(embedding) == width:
            with_vector.append(len(ids))
            pending.append(embedding)
            pending_languages.append(language)
            if len(pending) >= CHUNK:
                flush()
        ids.append(sid)
        employees.append(employee_id)
        languages.append(language)
    if pending:
        flush()
    if not ids:
        return OfferTable.empty(dimension)
    table = OfferTable(
        np.asarray(ids, np.int64),
        np.asarray(employees, np.int64),
        np.asarray(languages),
        np.asarray(with_vector, np.intp),
        # A view when nearly full; a copy frees the rest when many offers had no vector of the model.
        matrix[:filled] if filled > len(matrix) // 2 else matrix[:filled].copy(),
    )
    return table if bool(np.all(table.ids[1:] > table.ids[:-1])) else table.sorted()
