"""`POST /v1/match` over HTTP once the feedback loop has a mature history, against the same store with feedback off.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/history_latency.py --work DIR \\
        [--history 4000] [--requests 300] [--seed 11]

Builds the history the way the organisation would: the `velho demo` organisation as a simulation
(`matcher/evaluation/simulation.py`, ~300 people on the real e5) answers `--history` requests, each
matched, offered, accepted or declined and rated through the real services. Then three real servers
(`cluster.ApiProcess`: uvicorn on loopback) each on a private copy of a store, all running at once:

    history       that store, feedback on (as deployed)
    history-off   the same store, VELHO_FEEDBACK__ENABLED=false: the same search, no feedback pass
    fresh         the same organisation with no requests yet, feedback on

One client sends the demo's request texts to each server in turn (one request per server per
round, so all three share whatever else loads the machine). Prints client-side p50/p99, the mean
of each `Server-Timing` part, and each server's ratio to `history-off`; and how much history the
ranked candidates carried (the results whose competence the ratings moved). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from cluster import ApiProcess  # noqa: E402
from latency import parse_server_timing, pct  # noqa: E402

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from matcher.evaluation.simulation import SimConfig, run_simulation, scenario_for  # noqa: E402

DB = "simulation.db"


def build_store(work: Path, *, requests: int, seed: int, cache_dir: Path | None) -> Path:
    """A simulated organisation's store after `requests` requests (0: profiles only)."""
    # With 0, one request is answered (a run needs one) and its rows removed afterwards.
    n = max(requests, 1)
    config = SimConfig(scenario="demo", requests=n, window=n, seed=seed, cache_dir=cache_dir)
    data = work / f"store-{requests}"
    started = time.perf_counter()
    run_simulation(config, data)
    if requests == 0:
        with sqlite3.connect(data / DB) as con:
            for table in ("rating", "engagement", "help_request"):
                con.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
    print(f"store of {requests} requests built in {time.perf_counter() - started:.0f} s", flush=True)
    return data


def history_size(data: Path) -> str:
    with sqlite3.connect(data / DB) as con:
        rated = con.execute("SELECT count(*) FROM rating").fetchone()[0]
        top = con.execute("SELECT max(n) FROM (SELECT count(*) AS n FROM rating GROUP BY provider_id)").fetchone()[0]
        requests = con.execute("SELECT count(*) FROM help_request").fetchone()[0]
    return f"{requests} requests, {rated} rated engagements, at most {top} for one provider"


def serve(name: str, data: Path, work: Path, *, feedback: bool) -> ApiProcess:
    """A started API process on a private copy of `data` (the one in production use: `e5`)."""
    copy = work / f"serve-{name}"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data, copy)
    env = {"VELHO_MODEL": "e5", "VELHO_INDEX_BACKEND": "faiss", "VELHO_FEEDBACK__ENABLED": str(feedback).lower()}
    return ApiProcess(database_url=f"sqlite:///{copy / DB}", data_dir=copy, env=env, name=name).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--history", type=int, default=4000, help="requests the simulation answers first")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per server")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cache-dir", type=Path, default=None, help="embedding cache of the demo scenario")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)

    mature = build_store(args.work, requests=args.history, seed=args.seed, cache_dir=args.cache_dir)
    fresh = build_store(args.work, requests=0, seed=args.seed, cache_dir=args.cache_dir)
    print("history:", history_size(mature))
    scenario = scenario_for(SimConfig(scenario="demo", seed=args.seed, cache_dir=args.cache_dir))
    texts = [t for topic in scenario.topics for t in scenario.phrasings[topic]]
    texts = [texts[i % len(texts)] for i in range(args.requests)]

    arms = {"history": (mature, True), "history-off": (mature, False), "fresh": (fresh, True)}
    procs: dict[str, ApiProcess] = {}
    clients: dict[str, httpx.Client] = {}
    try:
        for name, (data, feedback) in arms.items():
            procs[name] = serve(name, data, args.work, feedback=feedback)
        for name, proc in procs.items():
            proc.wait_ready(timeout=900)
            clients[name] = proc.client(timeout=60)
        latencies: dict[str, list[float]] = {name: [] for name in arms}
        parts: dict[str, dict[str, list[float]]] = {name: {} for name in arms}
        moved = dict.fromkeys(arms, 0)
        for n, text in enumerate([*texts[:10], *texts]):  # the first 10 warm each server up
            for name, client in clients.items():
                started = time.perf_counter()
                response = client.post("/v1/match", json={"text": text, "k": 5, "requester_id": "history-latency"})
                elapsed = (time.perf_counter() - started) * 1000
                response.raise_for_status()
                if n < 10:
                    continue
                latencies[name].append(elapsed)
                for part, ms in parse_server_timing(response.headers.get("Server-Timing", "")).items():
                    parts[name].setdefault(part, []).append(ms)
                moved[name] += sum(1 for r in response.json()["results"] if r["components"].get("competence", 0) != 0)
    finally:
        for client in clients.values():
            client.close()
        for proc in procs.values():
            proc.stop()

    base50, base99 = pct(latencies["history-off"], 0.5), pct(latencies["history-off"], 0.99)
    print(f"\n{args.requests} requests per server, k=5, one client, servers taking turns")
    names = sorted({p for arm in parts.values() for p in arm})
    print("| server | p50 ms | p99 ms | p50 / off | p99 / off | results moved by ratings | " + " | ".join(names) + " |")
    print("|---" * (6 + len(names)) + "|")
    for name in arms:
        p50, p99 = pct(latencies[name], 0.5), pct(latencies[name], 0.99)
        means = " | ".join(f"{statistics.fmean(parts[name].get(p, [0.0])):.1f}" for p in names)
        print(
            f"| {name} | {p50:.1f} | {p99:.1f} | {p50 / base50:.2f} | {p99 / base99:.2f} | "
            f"{moved[name] / (5 * len(latencies[name])):.0%} | {means} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
