"""Single-query encode of the adapted e5 through ONNX Runtime: graph variants and thread settings.

    HF_HUB_OFFLINE=1 .venv/bin/python benchmarks/query_encode_variants.py --cache DIR [--queries 300]

Builds (once, into a temp dir) the variants of the fp32 export `velho model prepare` writes:
ORT's BERT fusions (`onnxruntime.transformers.optimizer`) and int8 dynamic quantisation of each,
then times single-query runs of every variant and thread setting *interleaved*, query by query,
so they share whatever else loads the machine. Prints p50/p99 per variant and its ratio to the
shipped setting (fp32, 2 intra-op threads, no spinning), batch throughput (16 texts a run),
and each variant's cosine to fp32 on the ESCO dev requests. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from latency import pct  # noqa: E402

from embeddings.adaptation.adapter import load_adapter  # noqa: E402
from embeddings.fast_e5_encoder import FastE5Encoder, prepare_e5_onnx  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "esco_org_dev"


def session(path: Path, threads: int, spin: bool):  # type: ignore[no-untyped-def]
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.add_session_config_entry("session.intra_op.allow_spinning", "1" if spin else "0")
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def fused(src: Path, out: Path) -> Path:
    from onnxruntime.transformers.optimizer import optimize_model

    model = optimize_model(str(src), model_type="bert", num_heads=12, hidden_size=384, opt_level=1)
    print("fusions:", json.dumps(model.get_fused_operator_statistics()))
    model.save_model_to_file(str(out))
    return out


def int8(src: Path, out: Path) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # The fused graph has com.microsoft ops that shape inference cannot type: say their outputs are fp32.
    extra = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    quantize_dynamic(str(src), str(out), weight_type=QuantType.QInt8, per_channel=True, extra_options=extra)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, required=True, help="a data dir's cache/ with the adapted e5 prepared")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--fused", action="store_true", help="also ORT's BERT fusions (slow to build: minutes)")
    args = ap.parse_args()
    enc = FastE5Encoder(args.cache, adapter=load_adapter())
    fp32 = prepare_e5_onnx(args.cache, adapter=load_adapter())
    texts = [json.loads(line)["text"] for line in (DATA / "requests.jsonl").read_text().splitlines() if line.strip()]
    ids = [enc.token_ids(t, is_query=True) for t in texts]
    words = enc._word_vectors
    tmp = Path(tempfile.mkdtemp(prefix="velho-qvariants-"))
    t0 = time.perf_counter()
    q8 = int8(fp32, tmp / "int8.onnx")
    mb = fp32.stat().st_size / 1e6, q8.stat().st_size / 1e6
    print(f"int8 in {time.perf_counter() - t0:.1f}s; {mb[0]:.1f} MB -> {mb[1]:.1f} MB")
    variants = {
        "fp32 t2 (shipped)": session(fp32, 2, False),
        "fp32 t1": session(fp32, 1, False),
        "fp32 t2 spin": session(fp32, 2, True),
        "int8 t2": session(q8, 2, False),
        "int8 t1": session(q8, 1, False),
        "int8 t2 spin": session(q8, 2, True),
    }
    if args.fused:
        t0 = time.perf_counter()
        fz = fused(fp32, tmp / "fused.onnx")
        fq8 = int8(fz, tmp / "fused-int8.onnx")
        print(f"fused + its int8 in {time.perf_counter() - t0:.1f}s")
        variants |= {"fused t2": session(fz, 2, False), "fused-int8 t2": session(fq8, 2, False)}

    def run(sess, batch: list[list[int]]) -> np.ndarray:  # type: ignore[no-untyped-def]
        width = max(len(x) for x in batch)
        embeds = np.zeros((len(batch), width, 384), dtype=np.float32)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, x in enumerate(batch):
            embeds[row, : len(x)] = words[x]
            mask[row, : len(x)] = 1
        (pooled,) = sess.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        v = np.asarray(pooled, dtype=np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    ref = np.concatenate([run(variants["fp32 t2 (shipped)"], [x]) for x in ids])
    for name, sess in variants.items():
        vec = np.concatenate([run(sess, [x]) for x in ids])
        cos = (vec * ref).sum(1)
        top = (vec @ ref.T).argmax(1) == np.arange(len(ids))
        print(f"cosine to fp32 [{name}]: mean {cos.mean():.5f} min {cos.min():.5f}; self-top1 {top.mean():.3f}")
    times: dict[str, list[float]] = {n: [] for n in variants}
    for i in range(args.queries):
        x = ids[i % len(ids)]
        for name, sess in variants.items():
            t = time.perf_counter()
            run(sess, [x])
            times[name].append((time.perf_counter() - t) * 1000)
    base = statistics.median(times["fp32 t2 (shipped)"])
    base99 = pct(times["fp32 t2 (shipped)"], 0.99)
    print(f"\nsingle query, {args.queries} requests per variant, interleaved (ms)")
    print(f"{'variant':20s} {'p50':>7s} {'p99':>7s} {'mean':>7s} {'p50 ratio':>9s} {'p99 ratio':>9s}")
    for name, xs in times.items():
        p50, p99 = statistics.median(xs), pct(xs, 0.99)
        print(f"{name:20s} {p50:7.2f} {p99:7.2f} {statistics.fmean(xs):7.2f} {p50 / base:9.2f} {p99 / base99:9.2f}")
    # Batch throughput: 16 texts a run, as profile edits use the ONNX path.
    batches = [ids[i : i + 16] for i in range(0, min(len(ids), 160), 16)]
    rate: dict[str, float] = {}
    for name in [n for n in variants if n.endswith("t2") or n.endswith("(shipped)")]:
        t = time.perf_counter()
        for b in batches:
            run(variants[name], b)
        rate[name] = sum(len(b) for b in batches) / (time.perf_counter() - t)
    print("\nbatch throughput (16 texts a run, texts/s):")
    for name, r in rate.items():
        print(f"  {name:20s} {r:7.1f}  ({r / rate['fp32 t2 (shipped)']:.2f}x)")


if __name__ == "__main__":
    main()
