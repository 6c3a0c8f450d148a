"""A tiny deterministic `Encoder` for simulations and tests: words to seeded vectors, no model.

Every word gets a fixed pseudo-random unit vector (hash of seed and word), so any text encodes
instantly and identically on every machine. Words declared as *concepts* count fully; all other
words count `filler_weight`, so phrasing adds a little noise without changing the topic. A
concept may lean on a parent concept (a topic on its domain), which makes a vague statement
("happy to help with computers") moderately similar to a specific request ("excel macros").
It is not a language model: it only exists so the feedback loop can run thousands of requests
through the real services in seconds.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence

import numpy as np

from embeddings.encoder import EncoderInfo, Vectors, empty_vectors, l2_normalise

_WORD = re.compile(r"[\w-]+", re.UNICODE)


class TopicEncoder:
    """Bag of seeded word vectors; `parents` maps a concept to (parent concept, share of the parent)."""

    def __init__(
        self,
        concepts: Sequence[str] = (),
        *,
        parents: Mapping[str, tuple[str, float]] | None = None,
        dimension: int = 64,
        seed: int = 0,
        filler_weight: float = 0.15,
        model_id: str | None = None,
    ) -> None:
        self.dimension = dimension
        self.seed = seed
        self.filler_weight = filler_weight
        self.concepts = {c.lower() for c in concepts}
        self.parents = {k.lower(): (p.lower(), s) for k, (p, s) in (parents or {}).items()}
        self.concepts |= {p for p, _ in self.parents.values()}
        self._model_id = model_id or f"synthetic-topics-{dimension}d-seed{seed}"
        self._cache: dict[str, Vectors] = {}

    @property
    def info(self) -> EncoderInfo:
        """A model id of its own, so its vectors never mix with a real model's."""
        return EncoderInfo(self._model_id, self.dimension)

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Same vectors as documents: the synthetic space is symmetric."""
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        """Sum of word vectors, L2-normalised."""
        return self._encode(texts)

    def word_vector(self, word: str) -> Vectors:
        """The unit vector of one (lower-cased) word, a concept leaning on its parent if it has one."""
        word = word.lower()
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        vec = self._random(word)
        if word in self.parents:
            parent, share = self.parents[word]
            vec = share * self.word_vector(parent) + float(np.sqrt(max(0.0, 1 - share * share))) * vec
            vec = l2_normalise(vec)[0]
        self._cache[word] = vec
        return vec

    def _random(self, word: str) -> Vectors:
        digest = hashlib.blake2b(f"{self.seed}:{word}".encode(), digest_size=8).digest()
        rng = np.random.default_rng(int.from_bytes(digest, "big"))
        row: Vectors = l2_normalise(rng.standard_normal(self.dimension))[0]
        return row

    def _encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return empty_vectors(self.dimension)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                weight = 1.0 if word in self.concepts else self.filler_weight
                out[i] += weight * self.word_vector(word)
            if not out[i].any():
                out[i] = self._random("<empty>")
        return l2_normalise(out)
