"""Where a serving process's memory goes: resident-set deltas per component, in one process.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/footprint.py --data DIR --cache ESCO/cache \\
        [--backend ivf] [--lexical] [--insights] [--trace] [--code OTHER_CHECKOUT]

DIR holds `velho.db` (and, after a first run, its saved index under `index/`); ESCO/cache is the
converted model and embedding cache of a `speed_vs_peer.py` store. Steps, each measured as the
change in VmRSS after `gc.collect()`: imports; the encoder (ONNX session, tokenizer, memory-mapped
word vectors); the first request (language identifier, ONNX arenas); the index start from the
saved index (vectors, roster, and the BM25 index with `--lexical`); 20 matches; with `--insights`,
the insights warm-up a serving process runs in the background (offers and stored requests, with
its peak: VmHWM). Then the parts
are dropped one at a time (roster, lexical, vectors) and the RSS each gives back is printed: a
lower bound of what each holds (freed memory the allocator keeps is not given back).
`--trace` adds tracemalloc's top allocation sites of the start (Python objects only; slower),
`--profile` cProfile's top functions of the start (where its seconds go; `VELHO_PROFILE_SORT=tottime`
sorts them by their own time).
`--code` runs another checkout's packages (a baseline) with the same script. Asserts nothing.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def use_store(code: Path, data: Path, cache: Path, backend: str) -> None:
    """Import Velho from `code` and configure it (by environment) to serve the store in `data`."""
    sys.path.insert(0, str(code.resolve()))
    os.environ.update(
        {
            "VELHO_DATA_DIR": str(data),
            "VELHO_DATABASE_URL": f"sqlite:///{data / 'velho.db'}",
            "VELHO_CACHE_DIR": str(cache),
            "VELHO_MODEL": "e5",
            "VELHO_INDEX_BACKEND": backend,
            "VELHO_LOG_LEVEL": "WARNING",
            "HF_HUB_OFFLINE": "1",
        }
    )


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident set now (or `VmHWM`: its peak so far), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def settle() -> tuple[float, float]:
    """RSS after a full collection, then after the C allocator handed its free pages back."""
    gc.collect()
    before = rss_mb()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    return before, rss_mb()


class Steps:
    def __init__(self) -> None:
        self.last = settle()[1]
        print(f"{'step':42s} {'RSS':>8s}     {'delta':>8s}     (RSS before malloc_trim)", flush=True)
        print(f"{'python':42s} {self.last:8.0f} MB", flush=True)

    def mark(self, name: str, seconds: float | None = None) -> None:
        untrimmed, now = settle()
        took = f"  {seconds:.1f} s" if seconds is not None else ""
        print(f"{name:42s} {now:8.0f} MB  {now - self.last:+8.0f} MB  ({untrimmed:.0f}){took}", flush=True)
        self.last, self.untrimmed = now, untrimmed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="data dir holding velho.db")
    parser.add_argument("--cache", type=Path, required=True, help="model and embedding cache dir")
    parser.add_argument("--backend", default="ivf")
    parser.add_argument("--lexical", action="store_true", help="keep a BM25 index too (lexical boost on)")
    parser.add_argument("--insights", action="store_true", help="run the serving process's insights warm-up too")
    parser.add_argument("--trace", action="store_true", help="tracemalloc's top sites of the start")
    parser.add_argument("--profile", action="store_true", help="cProfile's top functions of the start")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose packages to measure")
    args = parser.parse_args()
    use_store(args.code, args.data, args.cache, args.backend)
    if args.lexical:
        os.environ["VELHO_RANKING__LEXICAL_WEIGHT"] = "0.1"
    steps = Steps()
    import api.app  # noqa: F401 - everything a serving process imports
    from matcher.app.settings import Settings
    from matcher.app.wiring import build, build_encoder_from

    print(f"code from {Path(api.app.__file__).parents[1]}")
    steps.mark("imports (api, matcher, faiss, numpy)")
    settings = Settings()
    t = time.perf_counter()
    encoder = build_encoder_from(settings)
    steps.mark("encoder (ONNX, tokenizer, word vectors)", time.perf_counter() - t)
    from embeddings.language import detect_language

    detect_language("tarvitsen apua Excelin kanssa")
    encoder.encode_queries(["tarvitsen apua Excelin pivot-taulukoiden kanssa"])
    steps.mark("first request (language id, ONNX arenas)")
    velho = build(settings, encoder=encoder)
    if args.trace:
        import tracemalloc

        tracemalloc.start(1)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    t, cpu = time.perf_counter(), time.process_time()
    how = velho.start()
    took, cpu = time.perf_counter() - t, time.process_time() - cpu
    if profiler is not None:
        import pstats

        profiler.disable()
        order = os.environ.get("VELHO_PROFILE_SORT", "cumulative")  # or "tottime": where the seconds are spent
        print(f"\ncProfile of the start, by {order} time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(25)
    if args.trace:
        top = tracemalloc.take_snapshot().statistics("lineno")[:12]
        tracemalloc.stop()
    snap = velho.sync.snapshot
    steps.mark(f"index start ({how}, {len(snap.vectors):,} vectors, {len(snap.roster):,} people)", took)
    # CPU seconds of the whole process: less sensitive than wall time to a shared machine's load.
    print(f"{'  index start, CPU time':42s} {cpu:8.1f} s", flush=True)
    from matcher.matching.schemas import MatchCreate

    texts = ["tarvitsen apua Excelin pivot-taulukoiden kanssa", "help with wound care at home", "jag behöver hjälp"]
    t = time.perf_counter()
    for i in range(20):
        with velho.session() as session:
            velho.matching.match(session, MatchCreate(text=texts[i % 3], k=10))
    steps.mark("20 matches", time.perf_counter() - t)
    if args.insights:
        t = time.perf_counter()
        held = velho.warm_insights()
        steps.mark(f"insights warm-up ({held:,} stored requests)", time.perf_counter() - t)
    serving = steps.untrimmed, steps.last
    from matcher.index import make_index
    from matcher.index.lexical import LexicalIndexes
    from matcher.index.roster import Roster

    velho.follower.stop(save=False)
    for task in velho.tasks:
        task.stop()
    velho.matching.effects = None  # the ranker caches a roster-derived set
    del snap
    sync = velho.sync
    sync.snapshot = replace(sync.snapshot, roster=Roster())
    steps.mark("  dropped the roster")
    sync.snapshot = replace(sync.snapshot, lexical=LexicalIndexes())
    steps.mark("  dropped the lexical index")
    sync.snapshot = replace(sync.snapshot, vectors=make_index("faiss", 384))
    steps.mark("  dropped the vector index")
    print(f"\nserving RSS after start and 20 matches: {serving[0]:.0f} MB ({serving[1]:.0f} MB after malloc_trim)")
    print(f"peak RSS of the process (VmHWM): {rss_mb('VmHWM'):.0f} MB")
    if args.trace:
        print("\ntracemalloc, top sites of the start (Python allocations alive after it):")
        for stat in top:
            frame = stat.traceback[0]
            print(f"  {stat.size / 2**20:8.1f} MB {stat.count:>9,} blocks  {frame.filename}:{frame.lineno}")


if __name__ == "__main__":
    main()
