"""Embedding cache keyed by model id + kind + text hash, so unchanged text is never re-encoded.

A small SQLite file in the data dir, shared by the live store, fresh stores and `velho eval`.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from embeddings.encoder import Encoder, EncoderInfo, Vectors, empty_vectors

Kind = Literal["query", "document"]


def text_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text: the cache key and the statement's stored hash."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    """Persistent map (model id, kind, text hash) → float32 vector."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self._lock = threading.Lock()
        with self._lock, self._conn:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS embedding (model_id TEXT NOT NULL, kind TEXT NOT NULL,"
                " text_hash TEXT NOT NULL, vector BLOB NOT NULL, PRIMARY KEY (model_id, kind, text_hash))"
            )

    def get_many(self, model_id: str, kind: Kind, hashes: Sequence[str]) -> dict[str, Vectors]:
        """The cached vectors among `hashes` (missing ones are absent from the result)."""
        found: dict[str, Vectors] = {}
        unique = list(dict.fromkeys(hashes))
        with self._lock:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(
                    f"SELECT text_hash, vector FROM embedding WHERE model_id=? AND kind=? AND text_hash IN ({marks})",
                    (model_id, kind, *chunk),
                ).fetchall()
                for h, blob in rows:
                    found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model_id: str, kind: Kind, items: Sequence[tuple[str, Vectors]]) -> None:
        """Store vectors; an existing entry for the same key is kept (same text, same model)."""
        with self._lock, self._conn:
            self._conn.executemany(
                "INSERT OR IGNORE INTO embedding (model_id, kind, text_hash, vector) VALUES (?, ?, ?, ?)",
                [(model_id, kind, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items],
            )

    def count(self, model_id: str | None = None) -> int:
        """Number of cached vectors (for one model, or all)."""
        with self._lock:
            if model_id is None:
                return int(self._conn.execute("SELECT count(*) FROM embedding").fetchone()[0])
            return int(self._conn.execute("SELECT count(*) FROM embedding WHERE model_id=?", (model_id,)).fetchone()[0])

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._conn.close()


class CachedEncoder:
    """An `Encoder` that looks every text up in an `EmbeddingCache` before encoding it."""

    def __init__(self, encoder: Encoder, cache: EmbeddingCache, *, cache_queries: bool = False) -> None:
        self.inner = encoder
        self.cache = cache
        # Requests are one-off texts: caching them would only grow the file.
        self._cache_queries = cache_queries

    @property
    def info(self) -> EncoderInfo:
        """The wrapped encoder's identity."""
        return self.inner.info

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode requests (cached only when configured)."""
        if not self._cache_queries:
            return self.inner.encode_queries(texts, progress=progress)
        return self._encode(texts, "query", progress)

    def encode_queries_cached(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode recurring query texts (calibration sentences) through the cache."""
        return self._encode(texts, "query", progress)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Encode statements, re-using every cached vector."""
        return self._encode(texts, "document", progress)

    def _encode(self, texts: Sequence[str], kind: Kind, progress: bool) -> Vectors:
        info = self.inner.info
        if not texts:
            return empty_vectors(info.dimension)
        hashes = [text_hash(t) for t in texts]
        found = self.cache.get_many(info.model_id, kind, hashes)
        missing: dict[str, str] = {}
        for h, t in zip(hashes, texts, strict=True):
            if h not in found and h not in missing:
                missing[h] = t
        if missing:
            fn = self.inner.encode_queries if kind == "query" else self.inner.encode_documents
            # Encode shortest first: batches of similar length waste less padding.
            order = sorted(missing, key=lambda h: len(missing[h]))
            vecs = fn([missing[h] for h in order], progress=progress)
            new = list(zip(order, vecs, strict=True))
            self.cache.put_many(info.model_id, kind, new)
            found.update(new)
        return np.stack([found[h] for h in hashes]).astype(np.float32, copy=False)
