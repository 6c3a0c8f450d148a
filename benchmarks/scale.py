"""100,000 people × 5 statements through the API: the approximate index against the exact one, side by side.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/structured_org.py --people 100000 \\
        --store SPEED_WORK/velho/velho.db --out BIG                  # the structured store, once
    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/scale.py --store BIG --esco SPEED_WORK/velho \\
        [--requests 200] [--backends ivf faiss] [--before MAIN_CHECKOUT]

SPEED_WORK is a work dir of `speed_vs_peer.py` (its ESCO store supplies the base vectors and the
converted model). One Velho process per index backend (`ivf`: IVF-Flat, the one chosen for large
organisations by `ann_choice.py`; `faiss`: exact flat), each on its own copy of the store: started
once to build and save its index, then restarted, and the restart from the saved index timed. Then
one client, requests taking turns between the backends: p50/p99 unfiltered, with a unit filter
(1 of 40 units) and a language filter (Swedish, ~5% of people); the share of filtered lists that
came back full (10 people) and the recall of people@10 of each backend against `faiss` (exact);
serving RSS. Prints each figure with its ratio to the exact index. `--before DIR` adds the same
backends run from another checkout (e.g. `git archive main | tar -x -C DIR`) as `before-<backend>`,
in the same run, so a change is measured against its baseline. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from cluster import ApiProcess  # noqa: E402
from latency import parse_server_timing, pct  # noqa: E402
from speed_vs_peer import request_texts, rss_mb  # noqa: E402

FILTERS: dict[str, dict[str, list[str]]] = {
    "none": {},
    "unit (1/40)": {"units": ["Unit 3"]},
    "language sv (~5%)": {"languages": ["sv"]},
}


def server(name: str, store: Path, esco: Path, code: Path | None = None) -> ApiProcess:
    """A Velho process on its own copy of the big store; `name` is the backend, after "before-" for `code`."""
    backend = name.removeprefix("before-")
    data = store / f"scale-{name}"
    if not (data / "velho.db").exists():
        data.mkdir(parents=True, exist_ok=True)
        shutil.copy(store / "velho.db", data / "velho.db")
        # Else SQLite's first WAL checkpoint fsyncs the copy's gigabyte of dirty pages inside a match.
        os.sync()
    env = {
        "VELHO_MODEL": "e5",
        "VELHO_INDEX_BACKEND": backend,
        "VELHO_CACHE_DIR": str(esco / "cache"),
        "VELHO_LOG_LEVEL": "WARNING",
        "VELHO_FEEDBACK__ENABLED": "true",
    }
    url = f"sqlite:///{data / 'velho.db'}"
    return ApiProcess(database_url=url, data_dir=data, env=env, name=f"scale-{name}", code_dir=code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="dir holding the structured velho.db")
    parser.add_argument("--esco", type=Path, required=True, help="data dir of the ESCO store (model cache)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--backends", nargs="*", default=["ivf", "faiss"])
    parser.add_argument("--before", type=Path, help="a baseline checkout: its servers run as before-<backend>")
    parser.add_argument("--before-backends", nargs="*", default=["ivf"])
    args = parser.parse_args()
    texts = request_texts(args.requests)
    print(f"{len(texts)} requests; load average {os.getloadavg()[0]:.1f}", flush=True)
    procs = {b: server(b, args.store, args.esco) for b in args.backends}
    if args.before:
        for b in args.before_backends:
            procs[f"before-{b}"] = server(f"before-{b}", args.store, args.esco, args.before)
    built: dict[str, float] = {}
    for b, p in procs.items():  # first start: build from the stored vectors (once per store copy), save
        if not (p.data_dir / "index").exists():
            p.start()
            built[b] = p.wait_ready(1800)
            p.stop()
    started: dict[str, float] = {}
    lat: dict[tuple[str, str], list[float]] = {}
    people: dict[tuple[str, str, int], list[str]] = {}
    rss: dict[str, tuple[float, float]] = {}
    parts: dict[str, list[dict[str, float]]] = {}
    try:
        for b, p in procs.items():  # one at a time, so each start has the machine to itself
            p.start()
            started[b] = p.wait_ready(1800)
        clients = {b: p.client(timeout=120) for b, p in procs.items()}
        for c in clients.values():  # warm-up
            for text in texts[:5]:
                c.post("/v1/match", json={"text": text, "k": 10}).raise_for_status()
        for fname, flt in FILTERS.items():
            for i, text in enumerate(texts):
                for b, c in clients.items():
                    t = time.perf_counter()
                    r = c.post("/v1/match", json={"text": text, "k": 10, "filters": flt})
                    r.raise_for_status()
                    lat.setdefault((b, fname), []).append((time.perf_counter() - t) * 1000)
                    parts.setdefault(b, []).append(parse_server_timing(r.headers.get("server-timing", "")))
                    people[(b, fname, i)] = [x["external_id"] for x in r.json()["results"]]
        for b, p in procs.items():
            rss[b] = rss_mb(p.process.pid)  # type: ignore[union-attr]
        for c in clients.values():
            c.close()
    finally:
        for p in procs.values():
            p.stop()
    exact = "faiss" if "faiss" in procs else None

    def ratio(b: str, value: float, of: float | None) -> str:
        return f"{value:8.1f}" + (f" ({value / of:.2f}x exact)" if of and b != exact else "")

    print(f"\nload average after the run {os.getloadavg()[0]:.1f}")
    for b in procs:
        print(f"\n== backend {b}")
        if b in built:
            print(f"  first start, index built from the stored vectors: {built[b]:.1f} s")
        print(f"  start from the saved index: {ratio(b, started[b], started.get(exact) if exact else None)} s")
        print(f"  RSS {ratio(b, rss[b][0], rss[exact][0] if exact else None)} MB (peak {rss[b][1]:.0f} MB)")
        for fname in FILTERS:
            v = lat[(b, fname)]
            e = lat.get((exact, fname)) if exact else None
            full = sum(len(people[(b, fname, i)]) == 10 for i in range(len(texts))) / len(texts)
            rec = ""
            if exact and b != exact:
                hits = [
                    len(set(people[(b, fname, i)]) & set(people[(exact, fname, i)]))
                    / max(1, len(people[(exact, fname, i)]))
                    for i in range(len(texts))
                ]
                rec = f"  recall of people@10 vs exact {sum(hits) / len(hits):.4f} (min {min(hits):.1f})"
            p50 = ratio(b, pct(v, 0.5), pct(e, 0.5) if e else None)
            p99 = ratio(b, pct(v, 0.99), pct(e, 0.99) if e else None)
            print(f"  {fname:18s} p50 {p50} ms  p99 {p99} ms  full lists {full:.0%}{rec}")
        names = sorted({k for t in parts[b] for k in t})
        print("  server parts p50 (all filters): " + "  ".join(
            f"{n} {pct([t.get(n, 0.0) for t in parts[b]], 0.5):.1f}" for n in names) + " ms")  # fmt: skip
    for b in procs:
        base = f"before-{b}"
        if base not in procs:
            continue
        print(f"\n== {b} against {base} (same run)")
        print(f"  start {started[b] / started[base]:.2f}x   RSS {rss[b][0] / rss[base][0]:.2f}x")
        for fname in FILTERS:
            v, w = lat[(b, fname)], lat[(base, fname)]
            print(f"  {fname:18s} p50 {pct(v, 0.5) / pct(w, 0.5):.2f}x   p99 {pct(v, 0.99) / pct(w, 0.99):.2f}x")


if __name__ == "__main__":
    main()
