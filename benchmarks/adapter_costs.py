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
    """Time prepare for both e5 variants, then batch encoding and single queries, interleaved."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("set", type=Path)
    ap.add_argument("--statements", type=int, default=1000, help="distinct statements to encode")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    data = load_eval_set(args.set)
    texts = list(dict.fromkeys(s.text for _, p in data.profiles for s in p.strengths))[: args.statements]
    queries = [r.text for r in data.requests][:60]
    models = ("e5-unadapted", "e5-adapted")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        encoders = {}
        for model in models:
            t0 = time.perf_counter()
            prepare_model(model, cache)
            prepared = time.perf_counter() - t0
            t0 = time.perf_counter()
            encoders[model] = build_encoder(model, cache_dir=cache)
            print(f"{model:<13} prepare (convert{' + adapter' if model == 'e5-adapted' else ''} + ONNX export) "
                  f"{prepared:5.1f} s, load {time.perf_counter() - t0:4.1f} s")  # fmt: skip
        # Interleaved, so both models see the same load from whatever else shares the cores.
        rates: dict[str, list[float]] = {m: [] for m in models}
        lat: dict[str, list[float]] = {m: [] for m in models}
        for model in models:
            encoders[model].encode_documents(texts[:64])
            encoders[model].encode_queries(queries[:3])
        for _ in range(args.rounds):
            for model in models:
                t0 = time.perf_counter()
                encoders[model].encode_documents(texts)
                rates[model].append(len(texts) / (time.perf_counter() - t0))
        for q in queries:
            for model in models:
                t0 = time.perf_counter()
                encoders[model].encode_queries([q])
                lat[model].append((time.perf_counter() - t0) * 1000)
        for model in models:
            ms = sorted(lat[model])
            median, p90 = statistics.median(ms), ms[int(0.9 * len(ms))]
        print(
            f"{model:<13} {max(rates[model]):6.1f} statements/s (best of {args.rounds}, {len(texts)} distinct ESCO "
            f"statements), single query median {median:5.1f} ms, p90 {p90:5.1f} ms"
        )


if __name__ == "__main__":
    main()
