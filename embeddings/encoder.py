"""The `Encoder` protocol every embedding backend implements."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class EncoderInfo:
    """Identity of a vector space: vectors with different `model_id`s never mix."""

    model_id: str
    dimension: int


@runtime_checkable
class Encoder(Protocol):
    """Turns text into L2-normalised float32 vectors.

    Queries (requests) and documents (strength statements) are encoded separately
    because asymmetric models such as e5 prefix them differently.
    """

    @property
    def info(self) -> EncoderInfo:
        """Model id and dimension of the vectors this encoder returns."""
        ...

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode request texts.

        Args:
            texts: the texts, any length (long texts are windowed or truncated by the backend).
            progress: show a progress bar on stderr.

        Returns:
            An `(len(texts), dimension)` float32 array with unit-length rows.
        """
        ...

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode strength statements; same contract as `encode_queries`."""
        ...


def l2_normalise(vectors: npt.ArrayLike) -> Vectors:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    arr = np.asarray(vectors, dtype=np.float32)
    if arr.ndim == 1:
        arr = arr[None, :]
    norms = np.linalg.norm(arr, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(arr / norms, dtype=np.float32)


def empty_vectors(dimension: int) -> Vectors:
    """A `(0, dimension)` float32 array, for encoders asked to encode nothing."""
    return np.zeros((0, dimension), dtype=np.float32)
