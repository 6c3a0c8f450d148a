"""The feedback pass's request-likeness product with numpy's BLAS on its default team or on one thread.

    python benchmarks/blas_threads.py [--clients 1 4] [--calls 400] [--history 1500] [--busy 1]

Times `RequestLikeness` (the candidates' 30 nearest declared statements against their past
requests: what every match with feedback computes) from 1 and 4 Python threads at once, as
server threads would, first with OpenBLAS's default team (one thread per core), then limited to
one thread by threadpoolctl, as `velho serve` does (`matcher/app/threads.py`). `--busy N` keeps N
other processes spinning meanwhile, as a server's encoder and other requests keep its cores busy.
Prints the median and p99 per call and calls per second. Random unit vectors: the cost depends on
the shapes only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import threading
import time
from contextlib import nullcontext

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from matcher.feedback.effects import RequestLikeness


def unit_rows(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    x = rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def likeness(query: np.ndarray, basis: np.ndarray, transform: np.ndarray | None = None) -> RequestLikeness:
    """The request likeness as the production weights build it (ramps, 20 statements, nearest 30)."""
    return RequestLikeness(
        query, basis, cosine=(0.4, 0.7), local=(0.45, 0.75), min_basis=20, nearest=30, transform=transform
    )


def spin(seconds: float) -> None:
    """Keep one core busy for `seconds` (stands for other work on the server's cores)."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def run(clients: int, calls: int, basis: np.ndarray, history: np.ndarray, queries: np.ndarray) -> tuple[float, ...]:
    """(median ms, p99 ms, calls per second) with `clients` threads computing likeness weights."""
    times: list[float] = []

    def work(offset: int) -> None:
        for i in range(calls):
            q = queries[(offset + i) % len(queries)]
            started = time.perf_counter()
            likeness(q, basis).weights(history)
            times.append(time.perf_counter() - started)

    threads = [threading.Thread(target=work, args=(n * 97,)) for n in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    return float(np.median(times) * 1e3), float(np.quantile(times, 0.99) * 1e3), clients * calls / wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", nargs="+", type=int, default=[1, 4])
    parser.add_argument("--calls", type=int, default=400)
    parser.add_argument("--history", type=int, default=1500, help="past rated requests among the candidates")
    parser.add_argument("--statements", type=int, default=60, help="declared statements of the candidates")
    parser.add_argument("--busy", type=int, default=0, help="other processes spinning meanwhile")
    parser.add_argument("--busy-seconds", type=float, default=120.0, help="how long they spin at most")
    args = parser.parse_args(argv)
    spinners = [multiprocessing.Process(target=spin, args=(args.busy_seconds,), daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    rng = np.random.default_rng(0)
    basis, history, queries = unit_rows(rng, args.statements), unit_rows(rng, args.history), unit_rows(rng, 64)
    teams = {i["internal_api"]: i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"}
    print(
        f"BLAS: {teams}; {args.statements} statements, {args.history} past requests, "
        f"{args.calls} calls per client, {args.busy} other processes spinning"
    )
    print("| BLAS threads | clients | median ms | p99 ms | calls/s |\n|---|---|---|---|---|")
    for label, limit in (("default", None), ("1", 1)):
        for clients in args.clients:
            ctx = threadpool_limits(limits=limit, user_api="blas") if limit else nullcontext()
            with ctx:
                median, p99, rate = run(clients, args.calls, basis, history, queries)
            print(f"| {label} | {clients} | {median:.2f} | {p99:.2f} | {rate:.0f} |")
    for p in spinners:
        p.terminate()
    return 0


if __name__ == "__main__":
    sys.exit(main())
