"""How a request's neighbourhood is stored (`HelpRequest.neighbourhood`).

The declared statements nearest a request when it was ranked, with the request's similarity to
each, so a later request can be compared with it in its own neighbourhood
(`effects.OwnNeighbourhoods`) without the past request meeting those statements again.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from matcher.feedback.effects import OwnNeighbourhoods
from matcher.index.base import VectorIndex

# One entry per statement: 12 bytes, 360 per request at `local_nearest` 30.
NEIGHBOURHOOD = np.dtype([("statement_id", "<i8"), ("similarity", "<f4")])


def encode_neighbourhood(statement_ids: np.ndarray, similarities: np.ndarray) -> bytes:
    """The stored form of one request's neighbourhood."""
    stored = np.empty(len(statement_ids), dtype=NEIGHBOURHOOD)
    stored["statement_id"], stored["similarity"] = statement_ids, similarities
    return stored.tobytes()


def decode_neighbourhoods(stored: Sequence[bytes | None]) -> tuple[np.ndarray, np.ndarray]:
    """Stored neighbourhoods as (ids, similarities), one row per request, padded with id −1."""
    lengths = np.fromiter((len(b or b"") // NEIGHBOURHOOD.itemsize for b in stored), dtype=np.int64, count=len(stored))
    flat = np.frombuffer(b"".join(b or b"" for b in stored), dtype=NEIGHBOURHOOD)
    if len(lengths) and lengths.min() == lengths.max():  # the usual case: every list as long
        rows = flat.reshape(len(lengths), -1)
        return rows["statement_id"].astype(np.int64), rows["similarity"].astype(np.float32)
    # Entry j of request i goes to (i, j); a shorter list leaves the rest of its row empty.
    row = np.repeat(np.arange(len(lengths)), lengths)
    col = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    ids = np.full((len(lengths), int(lengths.max(initial=0))), -1, dtype=np.int64)
    similarities = np.zeros(ids.shape, dtype=np.float32)
    ids[row, col], similarities[row, col] = flat["statement_id"], flat["similarity"]
    return ids, similarities


def own_neighbourhoods(stored: Sequence[bytes | None], index: VectorIndex) -> OwnNeighbourhoods | None:
    """Past requests' stored neighbourhoods with their statements' vectors from `index`, each
    fetched once; a statement no longer held gets row −1. None when nothing was stored."""
    ids, similarities = decode_neighbourhoods(stored)
    if ids.size == 0:
        return None
    stored_id = ids >= 0
    # Never ask for the padding: one miss sends the FAISS index down its slow path.
    unique, inverse = np.unique(ids[stored_id], return_inverse=True)
    held, statements = index.vectors(unique)
    position = np.where(held, np.cumsum(held) - 1, -1)  # row of each unique id in `statements`
    rows = np.full(ids.shape, -1, dtype=np.int64)
    rows[stored_id] = position[inverse.reshape(-1)]
    return OwnNeighbourhoods(statements, rows, similarities)
