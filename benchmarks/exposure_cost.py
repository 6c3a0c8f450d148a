"""What fair exposure adds to a match: the `recent_exposure` query on a large stored history.

    .venv/bin/python benchmarks/exposure_cost.py [--employees 3500] [--requests 100000] [--k 10]
        [--database-url URL] [--rounds 200]

Fills a fresh database (SQLite in a temporary directory unless `--database-url` names an empty
one) with employees and `--requests` stored requests of `--k` results each, popular people shown
far more often than others (Zipf-like), then times, for 30 candidates per round (the popular and
the rare mixed, as a request's list is), the query the exposure component runs on every match
against the engagement statistics query every match already runs (`provider_stats`). Prints
p50/p99 of both and their ratio, measured in the same rounds. Asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, insert
from sqlalchemy.orm import Session

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matcher.app.migrate import upgrade_database  # noqa: E402
from matcher.feedback.repository import EngagementRepository  # noqa: E402
from matcher.matching.models import HelpRequest, MatchResult  # noqa: E402
from profiles.models import Employee  # noqa: E402

BATCH = 20_000


def fill(engine: object, employees: int, requests: int, k: int, seed: int) -> None:
    """Employees, then requests with `k` results each, people drawn with Zipf-like popularity."""
    rng = np.random.default_rng(seed)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with Session(engine) as s:  # type: ignore[call-overload]
        s.execute(
            insert(Employee),
            [
                {"external_id": f"e{i}", "name": f"E{i}", "unit": "u", "languages": ["fi"], "capacity": 3,
                 "visible": True, "version": 1, "created_at": start, "updated_at": start}
                for i in range(1, employees + 1)
            ],
        )  # fmt: skip
        s.commit()
        weights = 1.0 / np.arange(1, employees + 1)
        weights /= weights.sum()
        for lo in range(0, requests, BATCH):
            hi = min(requests, lo + BATCH)
            s.execute(
                insert(HelpRequest),
                [
                    {"id": f"r{i:08d}", "text": None, "language": "fi", "k": k, "filters": {},
                     "created_at": start + timedelta(minutes=i)}
                    for i in range(lo, hi)
                ],
            )  # fmt: skip
            rows = []
            for i in range(lo, hi):
                shown = rng.choice(employees, size=k, replace=False, p=weights) + 1
                rows += [
                    {"request_id": f"r{i:08d}", "employee_id": int(e), "rank": r + 1, "score": 0.5, "components": {}}
                    for r, e in enumerate(shown)
                ]
            s.execute(insert(MatchResult), rows)
            s.commit()
            print(f"  stored {hi:,} of {requests:,} requests", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(values, q))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=3500)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--window", type=int, default=300, help="exposure_requests")
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url", default=None, help="an empty database (default: SQLite in a temp dir)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="velho-exposure-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'velho.db'}"
        engine = create_engine(url)
        upgrade_database(engine)
        fill(engine, args.employees, args.requests, args.k, args.seed)
        repo = EngagementRepository()
        rng = np.random.default_rng(args.seed + 1)
        now = datetime(2027, 1, 1, tzinfo=UTC)
        exposure_ms: list[float] = []
        stats_ms: list[float] = []
        with Session(engine) as s:
            for n in range(args.rounds):
                ids = [int(i) for i in rng.choice(args.employees, size=30, replace=False) + 1]
                ids[:5] = range(1, 6)  # the most shown are in most lists
                timed = [("exposure", exposure_ms), ("stats", stats_ms)]
                for name, out in timed if n % 2 else reversed(timed):  # alternate which runs first
                    t0 = time.perf_counter()
                    if name == "exposure":
                        repo.recent_exposure(s, provider_ids=ids, requests=args.window)
                    else:
                        repo.provider_stats(s, provider_ids=ids, now=now)
                    out.append((time.perf_counter() - t0) * 1000)
        engine.dispose()

    print(f"{args.requests:,} stored requests × {args.k} results, {args.employees:,} employees, window {args.window}")
    for name, values in (("recent_exposure", exposure_ms), ("provider_stats (already on every match)", stats_ms)):
        print(f"  {name:<42} p50 {pct(values, 50):7.2f} ms   p99 {pct(values, 99):7.2f} ms")
    print(f"  ratio of medians: {statistics.median(exposure_ms) / statistics.median(stats_ms):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
