"""Mixed load on two API processes sharing one PostgreSQL, then a consistency check.

    .venv/bin/python benchmarks/load_mixed.py --seconds 60

Starts a private PostgreSQL 15 cluster and two Velho API processes on loopback (or uses
`--database-url`), loads a few hundred people, then for `--seconds` sends mixed traffic from
concurrent clients to both processes: 80 % match, 15 % profile PUT, 5 % engagement steps. A probe
measures replication lag meanwhile: a profile written through one process, polled for in the
other's matches. Afterwards every profile must equal its last acknowledged write, and both
processes' indexes must hold exactly the statements the database says (`GET /v1/index`).
Prints p50/p99/errors per operation, the lag, and the inconsistencies; exits 1 on any error or
inconsistency. Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cluster import ADMIN_TOKEN, ApiProcess, PrivatePostgres  # noqa: E402

TOPICS = [
    "Excel-makrot ja pivot-taulukot", "haavanhoito ja sidosten vaihto", "lääkehoidon ohjaus", "arabian tulkkaus",
    "potilassiirrot ja ergonomia", "työvuorosuunnittelu", "mindfulness-harjoitukset", "laskujen käsittely",
    "barnskydd och familjearbete", "conflict de-escalation with clients", "insulin pump training", "SAP-raportit",
    "tietosuoja ja henkilötiedot", "ensiapukoulutus", "somalin kieli", "budjetin seuranta",
]  # fmt: skip
REQUESTS = [
    "tarvitsen apua Excelin kanssa", "who can help with wound dressings", "kuka osaa tulkata arabiaa",
    "behöver hjälp med barnskydd", "lääkehoidon kysymys", "ergonomia ja nostot", "stressinhallinta tiimille",
    "SAP-raportin tekeminen", "tietosuojakysymys asiakkaasta", "ensiapukoulutus työpaikalle",
]  # fmt: skip


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


@dataclass
class Stats:
    """Latencies and outcomes per operation."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)

    def record(self, op: str, seconds: float, status: int | None, *, refusals: tuple[int, ...] = ()) -> None:
        self.latency[op].append(seconds)
        if status is not None and status in refusals:
            self.refused[op] += 1
        elif status is None or status >= 400:
            self.errors[op] += 1


@dataclass
class World:
    """What the load clients know: people, their last acknowledged profile, recent matches."""

    people: list[str]
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)
    locks: dict[str, asyncio.Lock] = field(default_factory=lambda: defaultdict(asyncio.Lock))
    recent: list[tuple[str, list[str], str | None]] = field(default_factory=list)  # (request_id, providers, requester)


def body(rng: random.Random, i: int) -> dict[str, Any]:
    """A profile of person i with two random topics."""
    topics = rng.sample(TOPICS, 2)
    return {
        "name": f"Henkilö {i} v{rng.randrange(10**6)}",
        "unit": f"Yksikkö {i % 9}",
        "languages": ["fi", "en"],
        "capacity": 5,
        "strengths": [{"text": t} for t in topics],
    }


async def call(client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> tuple[httpx.Response | None, float]:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.HTTPError:
        return None, time.perf_counter() - started
    return response, time.perf_counter() - started


async def worker(seed: int, clients: list[httpx.AsyncClient], world: World, stats: Stats, deadline: float) -> None:
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        client = rng.choice(clients)
        roll = rng.random()
        if roll < 0.80:
            requester = rng.choice(world.people)
            r, s = await call(
                client, "POST", "/v1/match", json={"text": rng.choice(REQUESTS), "k": 5, "requester_id": requester}
            )
            stats.record("match", s, r.status_code if r else None)
            if r is not None and r.status_code == 200:
                out = r.json()
                world.recent.append((out["request_id"], [x["external_id"] for x in out["results"]], requester))
                del world.recent[:-200]
        elif roll < 0.95:
            person = rng.choice(world.people)
            async with world.locks[person]:  # one write per profile at a time: "last acknowledged" is defined
                b = body(rng, int(person.split("-")[1]))
                r, s = await call(client, "PUT", f"/v1/employees/{person}", json=b)
                stats.record("profile_put", s, r.status_code if r else None)
                if r is not None and r.status_code == 200:
                    world.acked[person] = b | {"version": r.json()["version"]}
        else:
            await engagement_steps(rng, client, world, stats)
    return None


async def engagement_steps(rng: random.Random, client: httpx.AsyncClient, world: World, stats: Stats) -> None:
    """Propose a recent match to one of its providers, then accept or decline, complete and rate."""
    if not world.recent:
        return
    request_id, providers, requester = rng.choice(world.recent)
    if not providers:
        return
    provider = rng.choice(providers[:3])
    refusals = (409,)  # at capacity, already declined: outcomes of the rules, not errors
    r, s = await call(client, "POST", "/v1/engagements", json={"request_id": request_id, "provider_id": provider})
    stats.record("engagement", s, r.status_code if r else None, refusals=refusals)
    if r is None or r.status_code not in (200, 201) or r.json()["status"] != "proposed":
        return
    eid = r.json()["id"]
    if rng.random() < 0.3:
        r, s = await call(client, "POST", f"/v1/engagements/{eid}/decline", json={"actor_id": provider})
        stats.record("engagement", s, r.status_code if r else None, refusals=refusals)
        return
    for step, actor in (("accept", provider), ("complete", requester)):
        r, s = await call(client, "POST", f"/v1/engagements/{eid}/{step}", json={"actor_id": actor})
        stats.record("engagement", s, r.status_code if r else None, refusals=refusals)
        if r is None or r.status_code != 200:
            return
    score = rng.randint(2, 5)
    r, s = await call(client, "POST", f"/v1/engagements/{eid}/rating", json={"score": score, "actor_id": requester})
    stats.record("engagement", s, r.status_code if r else None, refusals=refusals)


async def lag_probe(clients: list[httpx.AsyncClient], deadline: float, lags: list[float], misses: list[str]) -> None:
    """Write a unique profile through one process and time until the other returns it first."""
    n = 0
    while time.monotonic() < deadline - 3:
        writer, reader = (clients[0], clients[1]) if n % 2 == 0 else (clients[1], clients[0])
        token = f"luotain{n:04d} Zyxwortti-asiantuntija"
        r = await writer.put(f"/v1/employees/probe-{n}", json={"name": f"Probe {n}", "strengths": [{"text": token}]})
        if r.status_code not in (200, 201):
            misses.append(f"probe {n}: PUT {r.status_code}")
        started = time.monotonic()
        while True:
            m = await reader.post("/v1/match", json={"text": token, "k": 1})
            results = m.json().get("results", []) if m.status_code == 200 else []
            if results and results[0]["external_id"] == f"probe-{n}":
                lags.append(time.monotonic() - started)
                break
            if time.monotonic() - started > 10:
                misses.append(f"probe {n}: not visible on the other process within 10 s")
                break
            await asyncio.sleep(0.02)
        n += 1
        await asyncio.sleep(1.5)


async def check(clients: list[httpx.AsyncClient], world: World) -> list[str]:
    """Every profile equals its last acknowledged write; every index equals the database."""
    problems: list[str] = []
    for person, want in world.acked.items():
        for i, client in enumerate(clients):
            got = (await client.get(f"/v1/employees/{person}")).json()
            same = (
                got.get("version") == want["version"]
                and got.get("name") == want["name"]
                and [s["text"] for s in got.get("strengths", [])] == [s["text"] for s in want["strengths"]]
            )
            if not same:
                problems.append(
                    f"{person} via process {i}: stored version {got.get('version')} is not the last acknowledged"
                )
    reports = [(await c.get("/v1/index")).json() for c in clients]
    for i, report in enumerate(reports):
        if not report.get("in_step"):
            problems.append(f"process {i}: index differs from the database ({report})")
    if len({r.get("digest") for r in reports}) != 1:
        problems.append("the two indexes differ")
    return problems


async def run(urls: list[str], seconds: float, people: int, concurrency: int, seed: int) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    limits = httpx.Limits(max_connections=concurrency + 4)
    clients = [httpx.AsyncClient(base_url=u, headers=headers, timeout=30, limits=limits) for u in urls]
    rng = random.Random(seed)
    world = World(people=[f"emp-{i:04d}" for i in range(people)])
    rows = "\n".join(json.dumps({"external_id": p} | body(rng, i)) for i, p in enumerate(world.people))
    r = await clients[0].post("/v1/employees/import", content=rows, headers={"content-type": "application/x-ndjson"})
    r.raise_for_status()
    for person in world.people:
        got = (await clients[0].get(f"/v1/employees/{person}")).json()
        world.acked[person] = {"name": got["name"], "version": got["version"], "strengths": got["strengths"]}
    await asyncio.sleep(1.0)  # both indexes have the seed (bulk import: the follower rebuilds)
    # Warm up each process (language model, first encodes and searches, connection pools), unmeasured.
    warm = Stats()
    await asyncio.gather(
        *(worker(10_000 + w, [c], world, warm, time.monotonic() + 3) for w in range(2) for c in clients)
    )
    stats, lags, misses = Stats(), [], []
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    await asyncio.gather(
        *(worker(seed + w, clients, world, stats, deadline) for w in range(concurrency)),
        lag_probe(clients, deadline, lags, misses),
    )
    elapsed = time.monotonic() - started
    await asyncio.sleep(2.0)  # let both followers apply the last writes
    problems = await check(clients, world) + misses
    for c in clients:
        await c.aclose()
    ops = {
        op: {
            "count": len(v),
            "p50_ms": round(1000 * statistics.median(v), 1),
            "p99_ms": round(1000 * percentile(v, 99), 1),
            "errors": stats.errors.get(op, 0),
            "refused_409": stats.refused.get(op, 0),
        }
        for op, v in sorted(stats.latency.items())
    }
    return {
        "seconds": round(elapsed, 1),
        "throughput_per_s": round(sum(len(v) for v in stats.latency.values()) / elapsed, 1),
        "operations": ops,
        "replication_lag_ms": {
            "probes": len(lags),
            "p50": round(1000 * statistics.median(lags), 1) if lags else None,
            "p99": round(1000 * percentile(lags, 99), 1) if lags else None,
            "max": round(1000 * max(lags), 1) if lags else None,
        },
        "errors": sum(stats.errors.values()),
        "inconsistencies": problems,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--people", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", help="an empty PostgreSQL database (default: a private cluster)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="velho-load-"))
    pg = None
    if args.database_url:
        url = args.database_url
    else:
        pg = PrivatePostgres()
        pg.start()
        url = pg.create_database("load")
    shared = {"VELHO_CACHE_DIR": str(work / "cache")}
    procs = [ApiProcess(database_url=url, data_dir=work / n / "data", env=shared, name=n) for n in ("a", "b")]
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.wait_ready()
        result = asyncio.run(run([p.base_url for p in procs], args.seconds, args.people, args.concurrency, args.seed))
    finally:
        for p in procs:
            p.stop()
        if pg is not None:
            pg.close()
    print(f"mixed load on 2 processes, {result['seconds']} s, {result['throughput_per_s']} requests/s")
    print(f"{'operation':<12}{'count':>8}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'409s':>7}")
    for op, m in result["operations"].items():
        print(f"{op:<12}{m['count']:>8}{m['p50_ms']:>9}{m['p99_ms']:>9}{m['errors']:>8}{m['refused_409']:>7}")
    lag = result["replication_lag_ms"]
    print(f"replication lag over {lag['probes']} probes: p50 {lag['p50']} ms, p99 {lag['p99']} ms, max {lag['max']} ms")
    print(f"errors {result['errors']}, inconsistencies {len(result['inconsistencies'])}")
    for problem in result["inconsistencies"][:20]:
        print(f"  {problem}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 1 if result["errors"] or result["inconsistencies"] else 0


if __name__ == "__main__":
    sys.exit(main())
