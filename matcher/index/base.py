"""The `VectorIndex` protocol, its filter and its result type."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

Ids = npt.NDArray[np.int64]


@dataclass(frozen=True)
class IdFilter:
    """Restrict a search: only `allow` ids (when given), never `deny` ids."""

    allow: frozenset[int] | None = None
    deny: frozenset[int] = frozenset()

    def admits(self, ids: Ids) -> npt.NDArray[np.bool_]:
        """Boolean mask of the ids this filter lets through."""
        mask = np.ones(len(ids), dtype=bool)
        if self.allow is not None:
            mask &= np.isin(ids, np.fromiter(self.allow, dtype=np.int64, count=len(self.allow)))
        if self.deny:
            mask &= ~np.isin(ids, np.fromiter(self.deny, dtype=np.int64, count=len(self.deny)))
        return mask


@dataclass(frozen=True)
class Hits:
    """Search results for one query: statement ids and inner-product scores, best first."""

    ids: Ids
    scores: npt.NDArray[np.float32]

    def __len__(self) -> int:
        return len(self.ids)


class VectorIndex(Protocol):
    """Inner-product search over unit vectors keyed by statement id (never by position)."""

    dimension: int

    def add(self, ids: Ids, vectors: npt.NDArray[np.float32]) -> None:
        """Add vectors; an id already present is replaced."""
        ...

    def remove(self, ids: Ids) -> int:
        """Remove ids (unknown ids are ignored); returns how many were removed."""
        ...

    def search(self, query: npt.NDArray[np.float32], k: int, id_filter: IdFilter | None = None) -> Hits:
        """The `k` best admitted ids for one query vector."""
        ...

    def ids(self) -> Ids:
        """Every id in the index."""
        ...

    def vectors(self, ids: Ids) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
        """Which of `ids` the index holds, and their stored vectors (one row per held id, in order)."""
        ...

    def __len__(self) -> int: ...

    def save(self, directory: Path) -> None:
        """Write the index files into `directory`."""
        ...

    def load(self, directory: Path) -> None:
        """Replace the contents with what `save` wrote."""
        ...
