"""In-process `/v1/match` path on a stored organisation: p50/p99 per part, and a profile of `rank`.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/match_parts.py --data-dir COPY [--requests 300] [--profile]

Runs `MatchService.match` in a unit of work (commit included, as the route does) over the ESCO
dev requests against a copy of a data dir (`speed_vs_peer.py --work` leaves one: copy it, this
writes requests into it). Prints p50/p99/mean of each `Server-Timing` part and of the total.
`--profile` adds a pyinstrument profile of the whole loop (the `bench` extra). No HTTP, so the
figures are the engine's own; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from latency import pct  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from matcher.app.settings import Settings  # noqa: E402
from matcher.app.wiring import build  # noqa: E402
from matcher.matching.schemas import MatchCreate  # noqa: E402
from matcher.timing import PARTS, timings_scope  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "esco_org_dev"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--requests", type=int, default=300)
    ap.add_argument("--profile", action="store_true")
    args = ap.parse_args()
    settings = Settings(data_dir=args.data_dir, model="e5", log_level="WARNING", _env_file=None)  # type: ignore[call-arg]
    velho = build(settings)
    velho.start()
    texts = [json.loads(line)["text"] for line in (DATA / "requests.jsonl").read_text().splitlines() if line.strip()]
    parts: dict[str, list[float]] = {p: [] for p in (*PARTS, "total")}

    def one(text: str) -> None:
        started = time.perf_counter()
        with timings_scope() as t, velho.session() as s:
            velho.matching.match(s, MatchCreate(text=text, k=10))
            velho.uow.commit(s)
        parts["total"].append((time.perf_counter() - started) * 1000)
        for p in PARTS:
            parts[p].append(t.seconds.get(p, 0.0) * 1000)

    for text in texts[:20]:  # warm-up
        one(text)
    for p in parts.values():
        p.clear()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    for i in range(args.requests):
        one(texts[i % len(texts)])
    if profiler is not None:
        profiler.stop()
    print(f"in-process match, {args.requests} requests, k=10 (ms)")
    for name, xs in parts.items():
        p50, p99, mean = statistics.median(xs), pct(xs, 0.99), statistics.fmean(xs)
        print(f"  {name:7s} p50 {p50:7.2f}  p99 {p99:7.2f}  mean {mean:7.2f}")
    if profiler is not None:
        print(profiler.output_text(unicode=False, color=False, show_all=False))
    velho.close(save=False)


if __name__ == "__main__":
    main()
