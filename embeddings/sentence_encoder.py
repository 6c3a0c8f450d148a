"""Any sentence-transformers model, named by a local folder or (where reachable) a hub id."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.e5_encoder import nfc
from embeddings.encoder import EncoderInfo, Vectors, empty_vectors, l2_normalise


def _import_sentence_transformers() -> Any:
    # Never reach for a hub unless the deployment explicitly allows it.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", os.environ["HF_HUB_OFFLINE"])
    try:
        import sentence_transformers
    except ImportError as exc:  # pragma: no cover - dependency is pinned
        raise RuntimeError(
            "this encoder needs sentence-transformers: pip install sentence-transformers==6.2.0"
        ) from exc
    return sentence_transformers


class SentenceTransformerEncoder:
    """A sentence-transformers model with optional query/document prefixes.

    Prefixes are model configuration (e5 wants `query: ` / `passage: `; MiniLM none).
    """

    def __init__(
        self,
        model: str | Path,
        *,
        model_id: str | None = None,
        query_prefix: str = "",
        document_prefix: str = "",
        batch_size: int = 64,
        device: str = "cpu",
    ) -> None:
        st = _import_sentence_transformers()
        self._model = st.SentenceTransformer(str(model), device=device)
        self._query_prefix = query_prefix
        self._document_prefix = document_prefix
        self._batch_size = batch_size
        dim = self._model.get_embedding_dimension() if hasattr(self._model, "get_embedding_dimension") else None
        if dim is None:
            dim = self._model.get_sentence_embedding_dimension()
        self._info = EncoderInfo(model_id or _default_model_id(model), int(dim))

    @property
    def info(self) -> EncoderInfo:
        """Model id and dimension."""
        return self._info

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode requests, with the query prefix."""
        return self._encode([self._query_prefix + t for t in nfc(texts)], progress)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode statements, with the document prefix."""
        return self._encode([self._document_prefix + t for t in nfc(texts)], progress)

    def _encode(self, texts: list[str], progress: bool) -> Vectors:
        if not texts:
            return empty_vectors(self._info.dimension)
        vecs = self._model.encode(
            texts,
            batch_size=self._batch_size,
            show_progress_bar=progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return l2_normalise(np.asarray(vecs, dtype=np.float32))


def _default_model_id(model: str | Path) -> str:
    """A stable id: the folder name for paths, the hub name otherwise."""
    path = Path(model)
    return path.name if path.exists() else str(model)
