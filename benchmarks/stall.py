"""The concurrency stall on the feedback path: each of its suspected causes switched back on, side by side.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/stall.py --work DIR [--requests 200] [--rounds 3]

DIR is a work dir of `speed_vs_peer.py` (its imported ESCO store, 3,500 people). Each variant is
its own Velho process on a private copy of that store, all started at once and measured in turn,
round after round, so they share whatever else loads the machine. Every variant has feedback on
except `feedback-off` (the issue's clue). The others each undo one fix of the shipped server:

    shipped            as deployed
    feedback-off       VELHO_FEEDBACK__ENABLED=false
    expiry-update      the stall itself put back: each match's feedback pass first runs the expiry
                       UPDATE it ran before issue 8 (the request then holds SQLite's one write lock
                       through search and ranking until its commit, and the others wait in the
                       busy handler's naps of up to 100 ms)
    busy-handler       commits not queued in the process: SQLite's busy handler arbitrates the writer
    omp-team           FAISS searches on OpenMP's default thread team
    ungrouped-encode   each request runs its own ONNX query encode (intra-op threads on both cores)

For 4 clients at once: throughput, p50/p99, serving RSS after the run, and the p99 and mean of
each `Server-Timing` part plus `wait` (client latency minus the server's total: the event loop,
the thread pool, the GIL), with each variant's ratio to `shipped`. A part whose p99 jumps when one
fix is undone is the stall that fix removed. The variants are made by patching the server at start
(`serve` below), never by settings. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

VARIANTS = ("shipped", "feedback-off", "expiry-update", "busy-handler", "omp-team", "ungrouped-encode")
PARTS = ("encode", "search", "rank", "db", "wait", "total")
CLIENTS = 4


def patch(variant: str) -> None:
    """Undo one fix in this process (the server side of a variant)."""
    if variant == "expiry-update":
        from sqlalchemy import update

        from matcher.feedback.models import Engagement, EngagementStatus
        from matcher.feedback.ranker import FeedbackRanker
        from profiles.models import utcnow

        prepare = FeedbackRanker.prepare

        def sweep_first(self: FeedbackRanker, session: Any, snap: Any, **kwargs: Any) -> Any:
            session.execute(
                update(Engagement)
                .where(Engagement.status == EngagementStatus.proposed, Engagement.expires_at <= utcnow())
                .values(status=EngagementStatus.expired, expired_at=Engagement.expires_at)
            )
            return prepare(self, session, snap, **kwargs)

        FeedbackRanker.prepare = sweep_first  # type: ignore[method-assign]
    elif variant == "busy-handler":
        from matcher.app import unit_of_work

        init = unit_of_work.UnitOfWork.__init__

        def no_queue(self: unit_of_work.UnitOfWork, *args: object, **kwargs: object) -> None:
            init(self, *args, **{**kwargs, "serial_commits": False})  # type: ignore[arg-type]

        unit_of_work.UnitOfWork.__init__ = no_queue  # type: ignore[method-assign]
    elif variant == "omp-team":
        from matcher.index import faiss_index

        faiss_index.one_thread_per_search = lambda: None
    elif variant == "ungrouped-encode":
        from embeddings.group_runner import GroupRunner

        GroupRunner.run = lambda self, item: self._run_batch([item])[0]  # type: ignore[method-assign]


def serve(variant: str, port: int) -> None:
    """Run one variant's API server (uvicorn, as `ApiProcess` does)."""
    import uvicorn

    patch(variant)
    uvicorn.run("api.app:create_app", factory=True, host="127.0.0.1", port=port, log_level="warning")


class Variant:
    """One variant's server on its own copy of the store."""

    def __init__(self, name: str, work: Path) -> None:
        from cluster import ADMIN_TOKEN, free_port

        self.name = name
        self.dir = work / "stall" / name
        if self.dir.exists():
            shutil.rmtree(self.dir)
        # The store and the saved index, copied: no variant sees another's stored requests or lock.
        shutil.copytree(work / "velho", self.dir, ignore=shutil.ignore_patterns("cache", "*.lock"))
        os.sync()  # else the first WAL checkpoint fsyncs the fresh copy inside a match
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        env = os.environ | {
            "VELHO_DATA_DIR": str(self.dir),
            "VELHO_CACHE_DIR": str(work / "velho" / "cache"),
            "VELHO_DATABASE_URL": f"sqlite:///{self.dir / 'velho.db'}",
            "VELHO_ADMIN_TOKEN": ADMIN_TOKEN,
            "VELHO_MODEL": "e5",
            "VELHO_LOG_LEVEL": "WARNING",
            "HF_HUB_OFFLINE": "1",
        }
        if name == "feedback-off":
            env["VELHO_FEEDBACK__ENABLED"] = "false"
        import subprocess

        self.log = open(self.dir.parent / f"{name}.log", "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [sys.executable, __file__, "serve", name, str(self.port)], env=env, cwd=ROOT,
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 600) -> None:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited; see {self.dir.parent / (self.name + '.log')}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError(self.name)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        self.log.close()


def load(v: Variant, texts: list[str]) -> tuple[list[float], float, list[dict[str, float]]]:
    """CLIENTS clients share `texts`: latencies (ms), q/s, and each request's Server-Timing parts."""
    from latency import concurrent, parse_server_timing

    def send(client: httpx.Client, text: str) -> dict[str, float]:
        r = client.post("/v1/match", json={"text": text, "k": 10})
        r.raise_for_status()
        return parse_server_timing(r.headers.get("server-timing", ""))

    run = concurrent(v.url, v.headers, texts, send, clients=CLIENTS)
    # `wait`: what the client waited beyond the server's own total (event loop, thread pool, GIL).
    parts = [
        t | {"wait": max(0.0, ms - t.get("total", 0.0))} for ms, t in zip(run.latencies_ms, run.answers, strict=True)
    ]
    return run.latencies_ms, run.per_second, parts


def main() -> None:
    from latency import pct
    from speed_vs_peer import request_texts

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, required=True, help="a speed_vs_peer.py work dir (imported store)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS), choices=VARIANTS)
    args = parser.parse_args()
    if not (args.work / "velho" / "velho.db").exists():
        raise SystemExit(f"no imported store in {args.work}: run speed_vs_peer.py --work {args.work} first")
    texts = request_texts(args.requests)
    print(f"{len(texts)} requests x {args.rounds} rounds, {CLIENTS} clients; load {os.getloadavg()[0]:.1f}")
    variants = [Variant(name, args.work) for name in args.variants]
    results: dict[str, tuple[list[float], list[float], list[dict[str, float]]]] = {
        v.name: ([], [], []) for v in variants
    }
    try:
        for v in variants:
            v.wait_ready()
        for v in variants:  # warm-up
            load(v, texts[:20])
        for _ in range(args.rounds):
            for v in variants:
                lat, qps, parts = load(v, texts)
                results[v.name][0].extend(lat)
                results[v.name][1].append(qps)
                results[v.name][2].extend(parts)
        from speed_vs_peer import rss_mb

        rss = {v.name: rss_mb(v.process.pid)[0] for v in variants}
    finally:
        for v in variants:
            v.stop()
    print(f"load average after the run {os.getloadavg()[0]:.1f}")

    def figures(name: str) -> dict[str, float]:
        lat, qps, parts = results[name]
        out = {"q/s": statistics.mean(qps), "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "RSS MB": rss[name]}
        for part in PARTS:
            vals = [p.get(part, 0.0) for p in parts]
            out[f"{part} p99"] = pct(vals, 0.99)
            out[f"{part} mean"] = statistics.mean(vals)
        return out

    table = {name: figures(name) for name in results}
    base = table.get("shipped")
    keys = list(next(iter(table.values())))
    print("\n| figure (ms unless q/s) | " + " | ".join(table) + " |")
    print("|---|" + "---|" * len(table))
    for key in keys:
        cells = []
        for name in table:
            value = table[name][key]
            ratio = f" ({value / base[key]:.2f}x)" if base and name != "shipped" and base[key] > 0 else ""
            cells.append(f"{value:.1f}{ratio}")
        print(f"| {key} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
