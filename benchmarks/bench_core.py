"""Core benchmark: encode throughput, 3,500-person import, /v1/match latency over real HTTP
at 3,500 and 100,000 employees, and server RSS. Prints numbers; asserts nothing.

    .venv/bin/python benchmarks/bench_core.py [--large 100000] [--queries 200]

At 100,000 employees (5 statements each) the statement vectors are random unit vectors
standing in for encoded text (encoding 500,000 statements would take hours here); the
requests are still encoded by the real model, so latency includes encoding.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "esco_org_dev"
TOKEN = "bench-token"


def encode_throughput(n: int) -> dict[str, float]:
    """Statements/s of the default encoder on real, distinct ESCO statements (no cache)."""
    from embeddings.factory import build_encoder

    texts: list[str] = []
    for line in (DATA / "profiles.jsonl").read_text().splitlines():
        texts += json.loads(line)["strengths"]
    texts = list(dict.fromkeys(texts))[:n]
    enc = build_encoder("e5")
    enc.encode_documents(texts[:8])  # warm-up
    t = time.perf_counter()
    enc.encode_documents(texts)
    secs = time.perf_counter() - t
    words = statistics.mean(len(x.split()) for x in texts)
    return {"statements": len(texts), "mean_words": round(words, 1), "per_second": round(len(texts) / secs, 1)}


def import_esco(work: Path, *, cold: bool) -> float:
    """Seconds for `velho import` of the 3,500-person ESCO dev organisation (fresh DB)."""
    from matcher.evaluation.dataset import load_eval_set

    data = load_eval_set(DATA)
    rows = [{"external_id": ext, **p.model_dump()} for ext, p in data.profiles]
    src = work / "esco.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows))
    env = _env(work)
    if cold:  # drop cached embeddings, keep the converted model (built once per machine)
        (work / "cache" / "embeddings.sqlite").unlink(missing_ok=True)
    (work / "velho.db").unlink(missing_ok=True)
    shutil.rmtree(work / "index", ignore_errors=True)
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "matcher.cli", "import", str(src)],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def prepare_model(work: Path) -> float:
    """Seconds for `velho model prepare` (converting the bundled e5 once for this data dir)."""
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "matcher.cli", "model", "prepare"],
        env=_env(work),
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def _env(work: Path, db: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {"VELHO_DATA_DIR": str(work), "VELHO_ADMIN_TOKEN": TOKEN, "HF_HUB_OFFLINE": "1", "VELHO_LOG_LEVEL": "WARNING"}
    )
    if db is not None:
        env["VELHO_DATABASE_URL"] = f"sqlite:///{db}"
    return env


def fill_synthetic(db: Path, n: int, *, dim: int = 384, per: int = 5, seed: int = 0) -> None:
    """n employees with `per` random-vector statements each, written straight to the database."""
    from sqlalchemy import insert

    from matcher.app.migrate import upgrade_database
    from profiles.db import make_engine
    from profiles.models import Employee, ProfileChange, StrengthStatement

    engine = make_engine(f"sqlite:///{db}")
    upgrade_database(engine)
    rng = np.random.default_rng(seed)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        for start in range(0, n, 5000):
            ids = range(start + 1, min(start + 5000, n) + 1)
            conn.execute(
                insert(Employee),
                [
                    {
                        "id": i,
                        "external_id": f"S{i:06d}",
                        "name": f"Synthetic {i}",
                        "unit": f"Unit {i % 40}",
                        "title": None,
                        "supervisor": False,
                        "languages": ["fi"],
                        "availability": "available",
                        "capacity": 3,
                        "visible": True,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for i in ids
                ],
            )
            vecs = rng.normal(size=(len(ids) * per, dim)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            conn.execute(
                insert(StrengthStatement),
                [
                    {
                        "employee_id": i,
                        "position": j,
                        "text": f"synthetic statement {j} of {i}",
                        "level": None,
                        "language": "fi",
                        "kind": "declared",
                        "text_hash": f"{i}-{j}",
                        "model_id": "multilingual-e5-small-q4",
                        "embedding": vecs[(i - start - 1) * per + j].tobytes(),
                        "created_at": now,
                    }
                    for i in ids
                    for j in range(per)
                ],
            )
        conn.execute(insert(ProfileChange), [{"employee_id": 0, "at": now}])
    engine.dispose()


def serve_and_measure(work: Path, db: Path | None, queries: list[str], port: int) -> dict[str, float]:
    """Start the real server, wait until ready, time POST /v1/match, read its RSS."""
    env = _env(work, db)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:create_app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        t0 = time.perf_counter()
        with httpx.Client(base_url=base, timeout=60) as client:
            while True:
                try:
                    if client.get("/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if proc.poll() is not None or time.perf_counter() - t0 > 1800:
                    raise RuntimeError("server did not become ready")
                time.sleep(0.5)
            startup = time.perf_counter() - t0
            headers = {"Authorization": f"Bearer {TOKEN}"}
            for q in queries[:5]:
                client.post("/v1/match", json={"text": q}, headers=headers)
            lat = []
            for q in queries:
                t = time.perf_counter()
                r = client.post("/v1/match", json={"text": q, "k": 10}, headers=headers)
                lat.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
            filt = []
            for q in queries[:50]:
                t = time.perf_counter()
                client.post(
                    "/v1/match",
                    json={"text": q, "k": 10, "filters": {"units": ["Unit 3", "Sairaalapalvelut"]}},
                    headers=headers,
                ).raise_for_status()
                filt.append((time.perf_counter() - t) * 1000)
        rss = _rss_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    lat.sort()
    return {
        "startup_s": round(startup, 1),
        "p50_ms": round(lat[len(lat) // 2], 1),
        "p99_ms": round(lat[min(len(lat) - 1, int(len(lat) * 0.99))], 1),
        "filtered_p50_ms": round(sorted(filt)[len(filt) // 2], 1),
        "rss_mb": rss,
    }


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--encode", type=int, default=300, help="statements for the throughput test")
    parser.add_argument("--large", type=int, default=100_000, help="synthetic employees (0 skips)")
    parser.add_argument("--queries", type=int, default=200, help="timed requests per size")
    args = parser.parse_args()
    queries = [json.loads(line)["text"][:2000] for line in (DATA / "requests.jsonl").read_text().splitlines()]
    queries = (queries * (args.queries // len(queries) + 1))[: args.queries]
    work = Path(tempfile.mkdtemp(prefix="velho-bench-"))
    try:
        print(
            "encode throughput (default encoder, distinct ESCO statements):", encode_throughput(args.encode), flush=True
        )
        print(f"model prepare (convert bundled e5, first start only): {prepare_model(work):.1f} s", flush=True)
        cold = import_esco(work, cold=True)
        warm = import_esco(work, cold=False)
        print(
            f"import 3,500 employees (ESCO dev, velho import): cold cache {cold:.1f} s, warm cache {warm:.1f} s",
            flush=True,
        )
        print("match over HTTP, 3,500 employees:", serve_and_measure(work, None, queries, 8711), flush=True)
        if args.large:
            big = work / "large"
            big.mkdir()
            t = time.perf_counter()
            fill_synthetic(big / "large.db", args.large)
            print(
                f"synthetic {args.large:,} employees x 5 statements written in {time.perf_counter() - t:.1f} s",
                flush=True,
            )
            shutil.copytree(work / "cache", big / "cache")
            print(
                f"match over HTTP, {args.large:,} employees (random unit vectors):",
                serve_and_measure(big, big / "large.db", queries, 8712),
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
