"""Approximate FAISS index for large organisations: inverted lists (IVF-Flat) with a tuned nprobe.

Preferred to HNSW (benchmarks/ann_choice.py compares them on structured vectors; README "Speed and
scale"): at 500,000 statements IVF reaches the recall target, removes ids in place (the index
follower replaces an edited profile's vectors; FAISS's HNSW cannot remove), keeps filtered searches
full (a restrictive filter is scored exactly over just the admitted vectors, which an IVF keeps by
id), holds no graph (less memory) and loads from disk without a rebuild.

Vectors are stored as float16 (`storage="fp16"`, the default): half the memory of float32 (at
500,000 statements 384 MB instead of 768 MB) for score errors around 1e-4, far below the gaps
between the people it ranks (README: the same recall of people as float32 lists).

Below `min_train` vectors there is one list, i.e. an exact scan: small organisations lose nothing.
When the index grows to `retrain_growth` times the size its lists were trained at, the lists are
retrained in the writer's thread (the follower's), so they keep fitting the data.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Literal

import faiss as _faiss
import numpy as np
import numpy.typing as npt

from matcher.index.base import Hits, IdFilter, Ids
from matcher.index.faiss_index import one_thread_per_search, selector_params
from matcher.index.rwlock import ReadWriteLock

# faiss-cpu's stubs miss the SWIG extras used here (DirectMap, this.disown, invlists).
faiss: Any = _faiss

# Measured at 500,000 structured statements (README): nlist 2048, nprobe 48 gives person recall@10
# ≥ 0.99 unfiltered and filtered, at about 2 ms per search on one core.
NPROBE = 48
MIN_TRAIN = 20_000
RETRAIN_GROWTH = 4.0
# Allow-lists up to this many ids (the engine's second pass: every statement of the chosen people)
# are scored exactly from the stored vectors; larger ones probe lists in proportion (README).
EXACT_ALLOW_MAX = 2_000
TRAIN_PER_LIST = 40
Storage = Literal["fp16", "flat"]


def lists_for(n: int) -> int:
    """Number of inverted lists for n vectors: one below MIN_TRAIN, else about 3·√n, a power of two."""
    if n < MIN_TRAIN:
        return 1
    return int(2 ** round(math.log2(3 * math.sqrt(n))))


class IvfIndex:
    """IVF-Flat inner-product index keyed by statement id, with exact scoring of small allow-lists."""

    FILE = "ivf.index"
    META = "ivf.json"

    def __init__(
        self,
        dimension: int,
        *,
        nprobe: int = NPROBE,
        min_train: int = MIN_TRAIN,
        exact_allow_max: int = EXACT_ALLOW_MAX,
        nlist: int | None = None,
        storage: Storage = "fp16",
        seed: int = 1234,
    ) -> None:
        # `nlist` fixes the number of lists (benchmarks); by default it follows the size (`lists_for`).
        self.nlist = nlist
        self.dimension = dimension
        self.nprobe = nprobe
        self.exact_allow_max = exact_allow_max
        self.min_train = min_train
        self.seed = seed
        self.storage = storage
        self._lock = ReadWriteLock()
        self._index: Any = self._empty(1)
        self._trained_at = 0
        # Every id held, ascending (a Python set of 500,000 ints would take ~40 MB).
        self._ids: Ids = np.zeros(0, dtype=np.int64)

    # -- building -------------------------------------------------------------------------------
    def _empty(self, nlist: int) -> Any:
        quantizer = faiss.IndexFlatIP(self.dimension)
        if self.storage == "fp16":
            # Not by residual: a code is the vector itself, so scoring and reconstruction need no centroid.
            index = faiss.IndexIVFScalarQuantizer(
                quantizer, self.dimension, nlist, faiss.ScalarQuantizer.QT_fp16, faiss.METRIC_INNER_PRODUCT, False
            )
        else:
            index = faiss.IndexIVFFlat(quantizer, self.dimension, nlist, faiss.METRIC_INNER_PRODUCT)
        index.own_fields = True
        quantizer.this.disown()  # the IVF index frees its quantizer
        # A hash table from id to list position: removal and exact scoring by id.
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        if nlist == 1:  # one list holding everything: nothing to train
            quantizer.add(np.zeros((1, self.dimension), dtype=np.float32))
            index.is_trained = True
        return index

    def _trained(self, vectors: npt.NDArray[np.float32]) -> Any:
        """A new empty index whose lists are trained on (a sample of) these vectors."""
        nlist = (self.nlist or lists_for(len(vectors))) if len(vectors) >= self.min_train else 1
        index = self._empty(nlist)
        if nlist == 1:
            return index
        sample = vectors
        if len(vectors) > nlist * TRAIN_PER_LIST:
            rng = np.random.default_rng(self.seed)
            sample = vectors[np.sort(rng.choice(len(vectors), nlist * TRAIN_PER_LIST, replace=False))]
        clus = faiss.Clustering(self.dimension, nlist)
        clus.niter = 10
        clus.seed = self.seed
        clus.spherical = True  # unit vectors: centroids on the sphere fit inner product
        clus.max_points_per_centroid = TRAIN_PER_LIST
        clus.train(np.ascontiguousarray(sample), index.quantizer)
        index.is_trained = True
        return index

    def _needs_training(self, total: int) -> bool:
        if total < self.min_train:
            return False
        return self._index.nlist == 1 or total >= RETRAIN_GROWTH * self._trained_at

    def add(self, ids: Ids, vectors: npt.NDArray[np.float32]) -> None:
        """Add or replace; trains the lists once there are enough vectors and retrains after much growth."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        if not len(ids):
            return
        with self._lock.writing():
            known = ids[self._holds(ids)]
            if len(known):
                _remove(self._index, known)
                self._ids = np.setdiff1d(self._ids, known, assume_unique=True)
            total = len(self._ids) + len(ids)
            if self._needs_training(total):
                old = self._ids
                if len(old):
                    ids = np.concatenate([old, ids])
                    vectors = np.concatenate([self._index.reconstruct_batch(old), vectors])
                index = self._trained(vectors)
                index.add_with_ids(vectors, ids)
                self._index, self._trained_at = index, total
            else:
                self._index.add_with_ids(vectors, ids)
            self._ids = np.union1d(self._ids, ids)

    def remove(self, ids: Ids) -> int:
        """Drop the given ids."""
        with self._lock.writing():
            ids = np.unique(np.asarray(ids, dtype=np.int64))
            present = ids[self._holds(ids)]
            if not len(present):
                return 0
            removed = _remove(self._index, present)
            self._ids = np.setdiff1d(self._ids, present, assume_unique=True)
        return removed

    def _holds(self, ids: Ids) -> npt.NDArray[np.bool_]:
        """Which of `ids` the index holds."""
        if not len(self._ids):
            return np.zeros(len(ids), dtype=bool)
        pos = np.minimum(np.searchsorted(self._ids, ids), len(self._ids) - 1)
        held: npt.NDArray[np.bool_] = self._ids[pos] == ids
        return held

    # -- searching ------------------------------------------------------------------------------
    def search(self, query: npt.NDArray[np.float32], k: int, id_filter: IdFilter | None = None) -> Hits:
        """Top-k admitted ids: exact over a small allow-list, else the probed lists (widened until k)."""
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, self.dimension)
        one_thread_per_search()
        with self._lock.reading():
            n = self._index.ntotal
            k = min(k, n)
            if k <= 0:
                return _none()
            nlist = self._index.nlist
            if id_filter is not None and id_filter.allow is not None and len(id_filter.allow) <= self.exact_allow_max:
                return self._exact(q[0], k, id_filter)
            nprobe = self.nprobe
            if id_filter is not None and id_filter.allow is not None:
                # Probe enough lists to meet about as many admitted vectors as an unfiltered search.
                nprobe = math.ceil(nprobe * n / max(1, len(id_filter.allow)))
            nprobe = min(nprobe, nlist)
            while True:
                ivf_params = faiss.SearchParametersIVF()
                ivf_params.nprobe = nprobe
                params, keep = selector_params(id_filter, ivf_params)
                scores, found = self._index.search(q, k, params=params)
                del keep
                got = found[0] >= 0
                # Filters can leave the probed lists short of k admitted vectors: probe more.
                if got.sum() >= k or nprobe >= nlist:
                    return Hits(found[0][got].astype(np.int64), scores[0][got].astype(np.float32))
                nprobe = min(nlist, nprobe * 4)

    def _exact(self, q: npt.NDArray[np.float32], k: int, id_filter: IdFilter) -> Hits:
        assert id_filter.allow is not None
        ids = np.fromiter((i for i in id_filter.allow if i not in id_filter.deny), dtype=np.int64)
        ids = np.sort(ids[self._holds(ids)])
        if not len(ids):
            return _none()
        scores = self._index.reconstruct_batch(ids) @ q
        k = min(k, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.lexsort((ids[top], -scores[top]))]
        return Hits(ids[top], scores[top].astype(np.float32))

    def ids(self) -> Ids:
        """Every id."""
        with self._lock.reading():
            return self._ids.copy()

    def vectors(self, ids: Ids) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.float32]]:
        """Which of `ids` are held, and their stored vectors (decoded from float16 where stored so)."""
        ids = np.ascontiguousarray(ids, dtype=np.int64)
        with self._lock.reading():
            held = self._holds(ids)
            if not held.any():
                return held, np.zeros((0, self.dimension), np.float32)
            return held, np.asarray(self._index.reconstruct_batch(ids[held]), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    # -- files ----------------------------------------------------------------------------------
    def save(self, directory: Path) -> None:
        """The FAISS file (lists, centroids, direct map) and the size the lists were trained at."""
        directory.mkdir(parents=True, exist_ok=True)
        with self._lock.reading():
            faiss.write_index(self._index, str(directory / self.FILE))
            (directory / self.META).write_text(json.dumps({"trained_at": self._trained_at}))

    def load(self, directory: Path) -> None:
        """Read what `save` wrote; ids come from the direct map, nothing is rebuilt."""
        index = faiss.read_index(str(directory / self.FILE))
        if index.d != self.dimension:
            raise ValueError(f"index on disk has dimension {index.d}, expected {self.dimension}")
        if self.storage == "fp16" and type(index) is faiss.IndexIVFFlat:
            index = self._as_fp16(index)  # saved before float16 storage: same lists, no retraining
        expected = faiss.IndexIVFScalarQuantizer if self.storage == "fp16" else faiss.IndexIVFFlat
        if type(index) is not expected:  # read_index returns the concrete type
            raise ValueError(f"index on disk is a {type(index).__name__}, expected {expected.__name__}")
        ivf = index
        meta = json.loads((directory / self.META).read_text())
        parts = [np.zeros(0, dtype=np.int64)]
        for list_no in range(ivf.nlist):
            size = ivf.invlists.list_size(list_no)
            if size:
                parts.append(faiss.rev_swig_ptr(ivf.invlists.get_ids(list_no), size).copy())
        with self._lock.writing():
            self._index = ivf
            self._trained_at = int(meta["trained_at"])
            self._ids = np.sort(np.concatenate(parts))

    def _as_fp16(self, flat: Any) -> Any:
        """The float32 lists of `flat` as float16 codes in the same lists (centroids and ids kept)."""
        index = self._empty(flat.nlist)
        index.quantizer.reset()
        index.quantizer.add(flat.quantizer.reconstruct_n(0, flat.nlist))
        index.is_trained = True
        for list_no in range(flat.nlist):
            size = flat.invlists.list_size(list_no)
            if not size:
                continue
            ids = faiss.rev_swig_ptr(flat.invlists.get_ids(list_no), size).copy()
            codes = faiss.rev_swig_ptr(flat.invlists.get_codes(list_no), size * flat.code_size)
            vectors = np.ascontiguousarray(codes.view(np.float32).reshape(size, self.dimension))
            lists = np.full(size, list_no, dtype=np.int64)
            index.add_core(size, faiss.swig_ptr(vectors), faiss.swig_ptr(ids), faiss.swig_ptr(lists))
        return index


def _remove(index: Any, ids: Ids) -> int:
    """Remove ids through the direct map (which takes only an array selector)."""
    arr = np.ascontiguousarray(ids, dtype=np.int64)
    return int(index.remove_ids(faiss.IDSelectorArray(len(arr), faiss.swig_ptr(arr))))


def _none() -> Hits:
    return Hits(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
