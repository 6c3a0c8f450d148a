"""Brute-force NumPy index: the reference the FAISS index is tested against."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matcher.index.base import Hits, IdFilter, Ids


class ExactIndex:
    """Keeps vectors in one matrix; exact top-k by argpartition."""

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        # Ids and vectors are replaced together as one tuple, so a search never pairs the ids of
        # one version with the vectors of another.
        self._data: tuple[Ids, npt.NDArray[np.float32]] = (
            np.zeros(0, dtype=np.int64),
            np.zeros((0, dimension), dtype=np.float32),
        )
        self._write = threading.Lock()

    def add(self, ids: Ids, vectors: npt.NDArray[np.float32]) -> None:
        """Add or replace."""
        ids = np.asarray(ids, dtype=np.int64)
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        with self._write:
            old_ids, old_vectors = self._data
            keep = ~np.isin(old_ids, ids)
            self._data = (np.concatenate([old_ids[keep], ids]), np.concatenate([old_vectors[keep], vectors]))

    def remove(self, ids: Ids) -> int:
        """Drop the given ids."""
        with self._write:
            old_ids, old_vectors = self._data
            keep = ~np.isin(old_ids, np.asarray(ids, dtype=np.int64))
            self._data = (old_ids[keep], old_vectors[keep])
            return int((~keep).sum())

    def search(self, query: npt.NDArray[np.float32], k: int, id_filter: IdFilter | None = None) -> Hits:
        """Exact top-k among admitted ids."""
        ids, vectors = self._data
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
        return self._data[0].copy()

    def vectors(self, ids: Ids) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
        """Which of `ids` are held, and their stored vectors."""
        stored, matrix = self._data
        ids = np.asarray(ids, dtype=np.int64)
        if not len(stored):
            return np.zeros(len(ids), bool), np.zeros((0, self.dimension), np.float32)
        order = np.argsort(stored)
        pos = np.minimum(np.searchsorted(stored, ids, sorter=order), len(stored) - 1)
        held = stored[order[pos]] == ids
        return held, matrix[order[pos[held]]]

    def __len__(self) -> int:
        return len(self._data[0])

    def save(self, directory: Path) -> None:
        """One npz file."""
        directory.mkdir(parents=True, exist_ok=True)
        ids, vectors = self._data
        np.savez(directory / "exact.npz", ids=ids, vectors=vectors)

    def load(self, directory: Path) -> None:
        """Read the npz file."""
        with np.load(directory / "exact.npz") as data:
            self._data = (data["ids"].astype(np.int64), data["vectors"].astype(np.float32))
