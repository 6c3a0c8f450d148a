"""Choosing the approximate index by measurement: FAISS IVF-Flat (nlist × nprobe) vs HNSW (efSearch),
against the exact flat index, on a structured organisation (`structured_org.py`).

    .venv/bin/python benchmarks/ann_choice.py --store BIG/velho.db --esco ESCO_DATA_DIR [--queries 200]

Vectors are the store's statement vectors, language-corrected with the ESCO store's saved centering
(as the engine indexes them); queries are the request vectors the ESCO store has stored (real
encoded requests, corrected the same way). Recall is of *people* at 10: the first 10 distinct people
found, widening the statement budget as the engine does, against the exact index, without and with
filters (a unit, a language, a deny set). Prints build seconds, index MB, recall and search ms.
"""

from __future__ import annotations

import argparse
import itertools
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.index.base import IdFilter, VectorIndex  # noqa: E402


def load(store: Path, esco: Path, n_queries: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict, np.ndarray]:
    """(ids, centered vectors, owner per id, {filter name: IdFilter}, query vectors)."""
    from embeddings.language import LanguageCentering

    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rows = conn.execute("SELECT id, employee_id, language, embedding FROM strength_statement ORDER BY id").fetchall()
    people = conn.execute("SELECT id, unit, languages FROM employee").fetchall()
    conn.close()
    ids = np.asarray([r[0] for r in rows], dtype=np.int64)
    owner = np.asarray([r[1] for r in rows], dtype=np.int64)
    raw = np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
    [centering_file] = list((esco / "index").glob("*/centering.npz"))
    vecs = np.ascontiguousarray(LanguageCentering.load(centering_file).apply(raw, [r[2] for r in rows]), np.float32)
    del raw
    econn = sqlite3.connect(f"file:{esco / 'velho.db'}?mode=ro", uri=True)
    qs = econn.execute(
        "SELECT embedding FROM help_request WHERE embedding IS NOT NULL LIMIT ?", (n_queries,)
    ).fetchall()
    econn.close()
    queries = np.stack([np.frombuffer(q[0], dtype=np.float32) for q in qs])
    unit = {pid for pid, u, _ in people if u == "Unit 3"}
    swedish = {pid for pid, _, langs in people if "sv" in langs}
    english = {pid for pid, _, langs in people if "en" in langs}
    rng = np.random.default_rng(3)
    denied = set(rng.choice(len(people), 300, replace=False).tolist())

    def stmts(who: set[int]) -> frozenset[int]:
        return frozenset(ids[np.isin(owner, list(who))].tolist())

    filters = {
        "none": None,
        "unit (1/40)": IdFilter(allow=stmts(unit)),
        "language sv (5%)": IdFilter(allow=stmts(swedish)),
        "language en (15%)": IdFilter(allow=stmts(english)),
        "deny 300 people": IdFilter(deny=stmts(denied)),
    }
    return ids, vecs, owner, filters, queries


def top_people(index: VectorIndex, q: np.ndarray, owner_of: Callable[[np.ndarray], np.ndarray],
               flt: IdFilter | None, k: int = 10) -> list[int]:  # fmt: skip
    """The engine's widening: 4 statements per wanted person (at least 50), ×4 until k people."""
    budget = max(30 * 4, 50)
    while True:
        hits = index.search(q, budget, flt)
        people = list(dict.fromkeys(owner_of(hits.ids).tolist()))
        if len(people) >= k or len(hits) < budget:
            return people[:k]
        budget *= 4


class Hnsw:
    """FAISS HNSW-Flat behind the same search call (ids are positions here; no removal possible)."""

    def __init__(self, vecs: np.ndarray, ids: np.ndarray, m: int, ef_construction: int) -> None:
        import faiss

        self.faiss = faiss
        index = faiss.IndexHNSWFlat(vecs.shape[1], m, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = ef_construction
        self.index = faiss.IndexIDMap2(index)
        self.index.add_with_ids(vecs, ids)
        self.ef = 64

    def search(self, q: np.ndarray, k: int, flt: IdFilter | None = None):  # type: ignore[no-untyped-def]
        from matcher.index.base import Hits
        from matcher.index.faiss_index import selector_params

        params = self.faiss.SearchParametersHNSW()
        params.efSearch = max(self.ef, k)
        params, keep = selector_params(flt, params)
        scores, found = self.index.search(q.reshape(1, -1), k, params=params)
        del keep
        got = found[0] >= 0
        return Hits(found[0][got], scores[0][got])


def measure(name: str, index: VectorIndex, exact: VectorIndex, queries: np.ndarray, owner_of: Callable,
            filters: dict, truth: dict) -> None:  # fmt: skip
    for fname, flt in filters.items():
        recalls, times = [], []
        for qi, q in enumerate(queries):
            t = time.perf_counter()
            got = top_people(index, q, owner_of, flt)
            times.append((time.perf_counter() - t) * 1000)
            want = truth.setdefault((fname, qi), top_people(exact, q, owner_of, flt))
            recalls.append(len(set(got) & set(want)) / max(1, len(want)))
        times.sort()
        p50, p99 = times[len(times) // 2], times[int(len(times) * 0.99)]
        print(
            f"  {name:28s} {fname:18s} recall@10 {statistics.mean(recalls):.4f} (min {min(recalls):.1f})"
            f"  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--esco", type=Path, required=True, help="data dir of a store holding the ESCO organisation")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--nlist", type=int, nargs="*", default=[1024, 2048])
    parser.add_argument("--nprobe", type=int, nargs="*", default=[16, 32, 48, 64])
    parser.add_argument("--hnsw-m", type=int, default=32)
    parser.add_argument("--ef", type=int, nargs="*", default=[64, 128, 256])
    parser.add_argument("--storage", nargs="*", default=["flat", "fp16"], help="IVF list storage: float32, float16")
    parser.add_argument("--no-hnsw", action="store_true")
    args = parser.parse_args()
    import faiss

    from matcher.index.faiss_index import FaissIndex
    from matcher.index.ivf_index import IvfIndex, lists_for

    faiss.omp_set_num_threads(1)  # one request's search runs on one core, as it serves
    ids, vecs, owner, filters, queries = load(args.store, args.esco, args.queries)
    pos = {int(i): n for n, i in enumerate(ids)}

    def owner_of(found: np.ndarray) -> np.ndarray:
        return owner[[pos[int(i)] for i in found]]

    print(f"{len(ids):,} statements, {len(set(owner.tolist())):,} people, {len(queries)} queries; "
          f"default nlist for this size {lists_for(len(ids))}", flush=True)  # fmt: skip
    exact = FaissIndex(vecs.shape[1])
    exact.add(ids, vecs)
    truth: dict = {}
    measure("flat (exact)", exact, exact, queries, owner_of, filters, truth)
    faiss.omp_set_num_threads(2)
    for nlist, storage in itertools.product(args.nlist, args.storage):
        t = time.perf_counter()
        ivf = IvfIndex(vecs.shape[1], nlist=nlist, storage=storage)
        ivf.add(ids, vecs)
        took = time.perf_counter() - t
        mb = faiss.serialize_index(ivf._index).nbytes / 2**20
        print(f"IVF {storage} nlist {nlist}: built in {took:.1f} s, index {mb:.0f} MB", flush=True)
        faiss.omp_set_num_threads(1)
        for nprobe in args.nprobe:
            ivf.nprobe = nprobe
            measure(f"ivf {storage} {nlist} nprobe {nprobe}", ivf, exact, queries, owner_of, filters, truth)
        faiss.omp_set_num_threads(2)
        del ivf
    if not args.no_hnsw:
        t = time.perf_counter()
        hnsw = Hnsw(vecs, ids, args.hnsw_m, 40)
        print(f"HNSW-Flat M {args.hnsw_m}: built in {time.perf_counter() - t:.1f} s, "
              f"graph ~{len(ids) * args.hnsw_m * 2 * 4 / 2**20:.0f} MB over the vectors", flush=True)  # fmt: skip
        faiss.omp_set_num_threads(1)
        for ef in args.ef:
            hnsw.ef = ef
            measure(f"hnsw M {args.hnsw_m} efSearch {ef}", hnsw, exact, queries, owner_of, filters, truth)


if __name__ == "__main__":
    main()
