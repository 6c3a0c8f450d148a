"""FAISS index: exact inner product (IndexFlatIP) behind an id map, filters as id selectors."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from matcher.index.base import Hits, IdFilter, Ids
from matcher.index.rwlock import ReadWriteLock

try:
    import faiss
except ImportError as exc:  # pragma: no cover - dependency is pinned
    raise RuntimeError("the FAISS index needs the package faiss-cpu: pip install faiss-cpu==1.15.1") from exc


_thread = threading.local()
# Deny sets up to this many ids are applied by over-fetching rather than by an id selector.
DENY_BY_OVERFETCH = 2048


def one_thread_per_search() -> None:
    """Run this thread's FAISS searches on one OpenMP thread (set once per thread).

    A single query gains nothing from OpenMP, but every search opened a team of threads that
    spin and meet at a barrier: with four requests searching at once on two cores, or any other
    load on them, a search waited for descheduled team members. Measured on the ESCO organisation
    under load: one-client search p50 49 ms with the default team, 7 ms with one thread (README).
    Only request threads are limited; the follower's bulk adds and training keep every core.
    """
    if not getattr(_thread, "single", False):
        faiss.omp_set_num_threads(1)
        _thread.single = True


class FaissIndex:
    """Flat inner-product FAISS index with our statement ids.

    Flat search is exact and, at 500,000 vectors of 384 floats, still tens of milliseconds
    on two cores, so no approximate structure (and no recall loss) is needed at our scale.
    """

    FILE = "faiss.index"

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._index: Any = faiss.IndexIDMap2(faiss.IndexFlatIP(dimension))
        # FAISS searches may run side by side, but not beside a write.
        self._lock = ReadWriteLock()

    def add(self, ids: Ids, vectors: npt.NDArray[np.float32]) -> None:
        """Add or replace."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        with self._lock.writing():
            if len(ids):
                self._index.remove_ids(faiss.IDSelectorBatch(ids))
                self._index.add_with_ids(vectors, ids)

    def remove(self, ids: Ids) -> int:
        """Drop the given ids."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        if len(ids) == 0:
            return 0
        with self._lock.writing():
            return int(self._index.remove_ids(faiss.IDSelectorBatch(ids)))

    def search(self, query: npt.NDArray[np.float32], k: int, id_filter: IdFilter | None = None) -> Hits:
        """Top-k admitted ids; the filter runs inside the scan, so k admitted results come back when they exist."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dimension)
        one_thread_per_search()
        with self._lock.reading():
            n = self._index.ntotal
            k = min(k, n)
            if k <= 0:
                return Hits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
            if id_filter is not None and id_filter.allow is None and 0 < len(id_filter.deny) <= DENY_BY_OVERFETCH:
                # A few denied ids: fetch that many more without a selector and drop them. Exact,
                # and it keeps the fast blocked scan, which a selector turns into a per-id check
                # (at 500,000 vectors 620 ms against 150 ms for the same search unfiltered).
                scores, ids = self._index.search(q, min(n, k + len(id_filter.deny)))
                keep = ids[0] >= 0
                keep &= ~np.isin(ids[0], np.fromiter(id_filter.deny, dtype=np.int64, count=len(id_filter.deny)))
                return Hits(ids[0][keep][:k].astype(np.int64), scores[0][keep][:k].astype(np.float32))
            params, keep_alive = selector_params(id_filter)
            scores, ids = self._index.search(q, k, params=params)
            del keep_alive
        found = ids[0] >= 0
        return Hits(ids[0][found].astype(np.int64), scores[0][found].astype(np.float32))

    def ids(self) -> Ids:
        """Every id."""
        with self._lock.reading():
            return faiss.vector_to_array(self._index.id_map).astype(np.int64)

    def vectors(self, ids: Ids) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
        """Which of `ids` are held, and their stored vectors."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        with self._lock.reading():
            try:
                # Usually every id is held (the ranking asks for its own hits): 0.01 ms for 200 ids,
                # where copying the id map to check costs 3 ms at 500,000 statements.
                return np.ones(len(ids), dtype=bool), np.asarray(self._index.reconstruct_batch(ids), dtype=np.float32)
            except RuntimeError:
                pass  # some are not held: find which
            held = np.isin(ids, faiss.vector_to_array(self._index.id_map))
            if not held.any():
                return held, np.zeros((0, self.dimension), np.float32)
            return held, np.asarray(self._index.reconstruct_batch(ids[held]), dtype=np.float32)

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def save(self, directory: Path) -> None:
        """Write the FAISS file."""
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock.reading():
            faiss.write_index(self._index, str(directory / self.FILE))

    def load(self, directory: Path) -> None:
        """Read the FAISS file."""
        index = faiss.read_index(str(directory / self.FILE))
        if index.d != self.dimension:
            raise ValueError(f"index on disk has dimension {index.d}, expected {self.dimension}")
        with self._lock.writing():
            self._index = index


def selector_params(id_filter: IdFilter | None, params: Any = None) -> tuple[Any, list[Any]]:
    """FAISS search parameters (`params`, else plain SearchParameters) carrying the filter as an id
    selector, and the objects that must outlive the search; `params` as given when nothing is filtered."""
    if id_filter is None or (id_filter.allow is None and not id_filter.deny):
        return params, []
    keep: list[Any] = []
    selector: Any = None
    if id_filter.allow is not None:
        allow = np.fromiter(id_filter.allow, dtype=np.int64, count=len(id_filter.allow))
        selector = faiss.IDSelectorBatch(allow)
        keep.append(selector)
    if id_filter.deny:
        deny = np.fromiter(id_filter.deny, dtype=np.int64, count=len(id_filter.deny))
        deny_sel = faiss.IDSelectorBatch(deny)
        not_sel = faiss.IDSelectorNot(deny_sel)
        keep += [deny_sel, not_sel]
        if selector is None:
            selector = not_sel
        else:
            both = faiss.IDSelectorAnd(selector, not_sel)
            keep.append(both)
            selector = both
    if params is None:
        params = faiss.SearchParameters()
    params.sel = selector
    keep.append(params)
    return params, keep
