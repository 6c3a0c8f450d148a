"""What the adapted encoder costs: the one-off `velho model prepare`, statements/s, query latency.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/adapter_costs.py ../shared/data/esco_org_dev

Prepares both converted variants in a fresh temp cache (timed), then encodes the set's distinct
statements with each (documents, batched) and 60 of its requests one at a time (the ONNX path a
match request takes). Prints numbers; timings on shared 2-core machines are noisy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embeddings.factory import build_encoder, prepare_model  # noqa: E402
from matcher.evaluation.dataset import load_eval_set  # noqa: E402


def main() -> None:
    """Time prepare, batch encoding and single queries for the unadapted and the adapted e5."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--statements", type=int, default=1500, help="distinct statements to encode")
    args = ap.parse_args()
    data = load_eval_set(args.set)
    texts = list(dict.fromkeys(s.text for _, p in data.profiles for s in p.strengths))[: args.statements]
    queries = [r.text for r in data.requests][:60]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        for model in ("e5-unadapted", "e5-adapted"):
            t0 = time.perf_counter()
            prepare_model(model, cache)
            prepared = time.perf_counter() - t0
            t0 = time.perf_counter()
            enc = build_encoder(model, cache_dir=cache)
            loaded = time.perf_counter() - t0
            enc.encode_documents(texts[:64])  # warm-up
            t0 = time.perf_counter()
            enc.encode_documents(texts)
            rate = len(texts) / (time.perf_counter() - t0)
            enc.encode_queries(queries[:5])
            lat = []
            for q in queries:
                t0 = time.perf_counter()
                enc.encode_queries([q])
                lat.append((time.perf_counter() - t0) * 1000)
            print(f"{model:<13} prepare (convert + adapter + ONNX export) {prepared:5.1f} s, load {loaded:4.1f} s, "
                  f"{rate:6.1f} statements/s ({len(texts)} distinct ESCO statements), "
                  f"single query median {statistics.median(lat):5.1f} ms, p90 {sorted(lat)[int(0.9 * len(lat))]:5.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
