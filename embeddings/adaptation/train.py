"""Fine-tune the top layers of the converted e5 on ESCO fi/en pairs and write the shipped adapter.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python -m embeddings.adaptation.train \\
        --skills ../shared/data/esco_parallel/skills.jsonl

Loss: in-batch-negatives ranking (sentence-transformers' MultipleNegativesRankingLoss, written
out here: cross-entropy over 20 × cosine of each query against every passage in its batch),
batches without a repeated skill, layers below `first_trainable_layer` and the embeddings
frozen. Seeded: the same file, seed and thread count give the same weights.
"""

from __future__ import annotations

import argparse
import logging
import random
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.adaptation.adapter import ADAPTER_DIR, write_adapter
from embeddings.adaptation.pairs import Pair, build_pairs, distinct_skill_batches, pairs_sha256, read_skills
from embeddings.e5_convert import PROMPTS, e5_fingerprint, prepare_e5_folder
from embeddings.e5_encoder import E5_MODEL_ID, nfc
from embeddings.model_folder import sha256_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    """Every knob of a training run; all of it is written into the manifest."""

    seed: int = 13
    batch_size: int = 32
    max_seq_length: int = 64
    first_trainable_layer: int = 10  # layers 0–9 and the embeddings stay frozen
    learning_rate: float = 2e-5
    warmup_share: float = 0.1
    weight_decay: float = 0.01
    max_grad_norm: float = 1.0
    scale: float = 20.0  # MultipleNegativesRankingLoss's default similarity scale
    epochs: int = 1
    second_pair_share: float = 0.2
    threads: int = 2
    max_steps: int | None = None  # smoke runs only


def train(pairs: list[Pair], base_folder: Path, s: TrainSettings) -> dict[str, npt.NDArray[np.float32]]:
    """Train on `pairs` from the converted folder; returns the trained tensors (fp32) by name.

    The frozen layers see every text once, so their output is computed once up front (eval
    mode, fp32) and only the trainable top layers run per step: 1/6 of the work per step.
    """
    from embeddings.sentence_encoder import _import_sentence_transformers

    _import_sentence_transformers()  # keeps transformers offline
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    random.seed(s.seed)
    np.random.seed(s.seed)
    torch.manual_seed(s.seed)
    torch.set_num_threads(s.threads)
    # Eager attention takes the additive mask that calling single layers needs.
    model = BertModel.from_pretrained(str(base_folder), dtype=torch.float32, attn_implementation="eager")
    trainable: list[Any] = []
    for name, param in model.named_parameters():
        layer = _layer_of(name)
        param.requires_grad = layer is not None and layer >= s.first_trainable_layer
        if param.requires_grad:
            trainable.append(param)
    tok = Tokenizer.from_file(str(base_folder / "tokenizer.json"))
    tok.enable_truncation(max_length=s.max_seq_length)  # the template keeps </s> last
    layers = list(model.encoder.layer)
    frozen, top = layers[: s.first_trainable_layer], layers[s.first_trainable_layer :]

    batches = [b for e in range(s.epochs) for b in distinct_skill_batches(pairs, s.batch_size, seed=s.seed + e)]
    if s.max_steps is not None:
        batches = batches[: s.max_steps]
    wanted = {("query", p.query) for b in batches for p in b} | {("passage", p.passage) for b in batches for p in b}
    features = frozen_features(model, frozen, tok, sorted(wanted))
    log.info("frozen_features texts=%d", len(features))

    decay = [p for p in trainable if p.ndim > 1]
    no_decay = [p for p in trainable if p.ndim <= 1]  # biases and LayerNorms, as HF's Trainer does
    opt = torch.optim.AdamW(
        [{"params": decay, "weight_decay": s.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
        lr=s.learning_rate,
    )
    warmup = max(1, int(s.warmup_share * len(batches)))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min((step + 1) / warmup, max(0.0, (len(batches) - step) / max(1, len(batches) - warmup)))
    )

    def embed(keys: list[tuple[str, str]]) -> Any:
        hidden, mask = _padded([features[k] for k in keys])
        add = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in top:
            hidden = layer(hidden, add)
        m = mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * m).sum(1) / m.sum(1)  # mean over every token, prompt included, as served
        return torch.nn.functional.normalize(pooled, dim=-1)

    model.train()  # dropout on in the trained layers, as sentence-transformers fine-tunes
    started, running = time.perf_counter(), 0.0
    for step, batch in enumerate(batches):
        q = embed([("query", p.query) for p in batch])
        d = embed([("passage", p.passage) for p in batch])
        loss = torch.nn.functional.cross_entropy(s.scale * q @ d.T, torch.arange(len(batch)))
        opt.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]  # torch ships no annotation for it
        torch.nn.utils.clip_grad_norm_(trainable, s.max_grad_norm)
        opt.step()
        sched.step()
        value = float(loss.detach())
        running = 0.9 * running + 0.1 * value if step else value
        if (step + 1) % 50 == 0 or step + 1 == len(batches):
            log.info("train_step step=%d/%d loss=%.4f seconds=%.0f", step + 1, len(batches), running,
                     time.perf_counter() - started)  # fmt: skip
    return {
        name: param.detach().numpy().astype(np.float32).copy()
        for name, param in model.named_parameters()
        if param.requires_grad
    }


def frozen_features(
    model: Any, frozen: list[Any], tok: Any, keys: list[tuple[str, str]], chunk: int = 64
) -> dict[tuple[str, str], Any]:
    """Output of the embeddings and frozen layers per (prompt, text), trimmed to its tokens."""
    import torch

    model.eval()
    encoded = tok.encode_batch([PROMPTS[prompt] + nfc([text])[0] for prompt, text in keys])
    order = sorted(range(len(keys)), key=lambda i: len(encoded[i].ids))  # little padding per chunk
    out: dict[tuple[str, str], Any] = {}
    with torch.inference_mode():
        for start in range(0, len(order), chunk):
            part = order[start : start + chunk]
            ids, mask = _padded_ids([encoded[i].ids for i in part])
            hidden = model.embeddings(input_ids=ids)
            add = (1.0 - mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
            for layer in frozen:
                hidden = layer(hidden, add)
            for row, i in enumerate(part):
                out[keys[i]] = hidden[row, : len(encoded[i].ids)].clone()
    return out


def _padded_ids(seqs: list[list[int]]) -> tuple[Any, Any]:
    import torch

    width = max(len(x) for x in seqs)
    ids = torch.full((len(seqs), width), 1, dtype=torch.long)  # 1 = <pad>
    mask = torch.zeros((len(seqs), width), dtype=torch.long)
    for row, x in enumerate(seqs):
        ids[row, : len(x)] = torch.tensor(x)
        mask[row, : len(x)] = 1
    return ids, mask


def _padded(rows: list[Any]) -> tuple[Any, Any]:
    import torch

    width = max(r.shape[0] for r in rows)
    hidden = torch.zeros((len(rows), width, rows[0].shape[1]), dtype=rows[0].dtype)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        hidden[i, : r.shape[0]] = r
        mask[i, : r.shape[0]] = 1
    return hidden, mask


def _layer_of(name: str) -> int | None:
    """The transformer layer index of a BertModel parameter name (None for embeddings/pooler)."""
    parts = name.split(".")
    if len(parts) > 2 and parts[0] == "encoder" and parts[1] == "layer":
        return int(parts[2])
    return None


def run(skills: Path, out_dir: Path, name: str, cache_dir: Path, s: TrainSettings) -> Path:
    """Derive pairs, train and write the adapter; returns its manifest path."""
    base = prepare_e5_folder(cache_dir)  # the unadapted converted folder, never an adapted one
    records = read_skills(skills)
    pairs = build_pairs(records, seed=s.seed, second_pair_share=s.second_pair_share)
    log.info("pairs_built skills=%d pairs=%d", len(records), len(pairs))
    started = time.perf_counter()
    tensors = train(pairs, base, s)
    seconds = time.perf_counter() - started
    kinds: dict[str, int] = {}
    for p in pairs:
        kinds[p.kind] = kinds.get(p.kind, 0) + 1
    steps = len(distinct_skill_batches(pairs, s.batch_size, seed=s.seed)) * s.epochs
    return write_adapter(
        out_dir,
        name,
        tensors,
        base_model_id=E5_MODEL_ID,
        base_source_sha256=e5_fingerprint()["source_sha256"],
        data={
            "source": "ESCO v1.1 fi/en skills, esco_parallel/skills.jsonl (skill-disjoint from the eval sets)",
            "file_sha256": sha256_of(skills),
            "skills": len(records),
            "pairs": len(pairs),
            "pair_kinds": dict(sorted(kinds.items())),
            "pairs_sha256": pairs_sha256(pairs),
        },
        training=asdict(s)
        | {
            "loss": "MultipleNegativesRankingLoss (in-batch negatives, cosine × scale), no skill twice per batch",
            "trained": f"encoder.layer.{s.first_trainable_layer}+ (all their tensors)",
            "steps": min(steps, s.max_steps) if s.max_steps else steps,
            "seconds": round(seconds, 1),
        },
    )


def main(argv: list[str] | None = None) -> None:
    """Command-line entry: `python -m embeddings.adaptation.train --skills FILE`."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--skills", type=Path, required=True, help="esco_parallel/skills.jsonl")
    ap.add_argument("--out", type=Path, default=ADAPTER_DIR, help="where the adapter files go")
    ap.add_argument("--name", default="esco-fien", help="file stem of the adapter")
    ap.add_argument("--cache-dir", type=Path, default=Path("~/.cache/velho").expanduser())
    ap.add_argument("--seed", type=int, default=TrainSettings.seed)
    ap.add_argument("--first-trainable-layer", type=int, default=TrainSettings.first_trainable_layer)
    ap.add_argument("--epochs", type=int, default=TrainSettings.epochs)
    ap.add_argument("--learning-rate", type=float, default=TrainSettings.learning_rate)
    ap.add_argument("--max-steps", type=int, default=None)
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    s = TrainSettings(
        seed=args.seed,
        first_trainable_layer=args.first_trainable_layer,
        epochs=args.epochs,
        learning_rate=args.learning_rate,
        max_steps=args.max_steps,
    )
    path = run(args.skills, args.out, args.name, args.cache_dir, s)
    log.info("adapter_written manifest=%s", path)


if __name__ == "__main__":
    main()
