"""Brute-force NumPy index: the reference the FAISS index is tested against."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher.index.base import Hits, IdFilter, Ids


class ExactIndex:
    """Keeps vectors in one matrix; exact top-k by argpartition."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._ids: Ids = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimension), dtype=np.float32)

    def add(self, ids: Ids, vectors: npt.NDArray[np.float32]) -> None:
        """Add or replace."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        self.remove(ids)
        self._ids = np.concatenate([self._ids, ids])
        self._vectors = np.concatenate([self._vectors, vectors])

    def remove(self, ids: Ids) -> int:
        """Drop the given ids."""
        keep = ~np.isin(self._ids, np.asarray(ids, dtype=np.int64))
        removed = int((~keep).sum())
        self._ids, self._vectors = self._ids[keep], self._vectors[keep]
        return removed

    def search(self, query: npt.NDArray[np.float32], k: int, id_filter: IdFilter | None = None) -> Hits:
        """Exact top-k among admitted ids."""
        ids, vectors = self._ids, self._vectors
        if id_filter is not None:
            mask = id_filter.admits(ids)
            ids, vectors = ids[mask], vectors[mask]
        if k <= 0 or len(ids) == 0:
            return Hits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        scores = vectors @ np.asarray(query, dtype=np.float32).reshape(-1)
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        # Ties broken by id so results are deterministic.
        order = np.lexsort((ids[top], -scores[top]))
        top = top[order]
        return Hits(ids[top].copy(), scores[top].astype(np.float32))

    def ids(self) -> Ids:
        """Every id."""
        return self._ids.copy()

    def __len__(self) -> int:
        return len(self._ids)

    def save(self, directory: Path) -> None:
        """One npz file."""
        directory.mkdir(parents=True, exist_ok=True)
        np.savez(directory / "exact.npz", ids=self._ids, vectors=self._vectors)

    def load(self, directory: Path) -> None:
        """Read the npz file."""
        with np.load(directory / "exact.npz") as data:
            self._ids = data["ids"].astype(np.int64)
            self._vectors = data["vectors"].astype(np.float32)
