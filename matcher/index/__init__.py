"""Vector indexes over statement vectors: FAISS, and an exact NumPy reference."""

from __future__ import annotations

from matcher.index.base import Hits, IdFilter, VectorIndex

# "auto" serves exact flat FAISS below this many statements and IVF from it (README "Speed and scale").
IVF_FROM_STATEMENTS = 200_000


def choose_backend(requested: str, statements: int) -> str:
    """The backend to build for `statements` vectors: `requested` itself unless it is "auto"."""
    if requested != "auto":
        return requested
    return "ivf" if statements >= IVF_FROM_STATEMENTS else "faiss"


def make_index(backend: str, dimension: int) -> VectorIndex:
    """An empty index of the named backend: "faiss" (exact, flat), "ivf" (approximate, large
    organisations) or "exact" (NumPy reference)."""
    if backend == "faiss":
        from matcher.index.faiss_index import FaissIndex

        return FaissIndex(dimension)
    if backend == "ivf":
        from matcher.index.ivf_index import IvfIndex

        return IvfIndex(dimension)
    if backend == "exact":
        from matcher.index.exact_index import ExactIndex

        return ExactIndex(dimension)
    raise ValueError(f"unknown index backend {backend!r}; use 'faiss', 'ivf' or 'exact'")


__all__ = ["IVF_FROM_STATEMENTS", "Hits", "IdFilter", "VectorIndex", "choose_backend", "make_index"]
