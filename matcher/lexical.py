"""Lexical signal: BM25 over statements with per-language normalisation (Snowball stemming
or prefix truncation), kept in step with the roster. Used as a measured boost for exact rare
terms and as a fallback ranker that needs no encoder."""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable

_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*", re.UNICODE)
_SNOWBALL = {"fi": "finnish", "sv": "swedish", "en": "english"}


@functools.lru_cache(maxsize=8)
def _stemmer(lang: str):  # type: ignore[no-untyped-def]
    import snowballstemmer

    return snowballstemmer.stemmer(_SNOWBALL.get(lang, "finnish"))


@functools.lru_cache(maxsize=200_000)
def _normalise(word: str, lang: str, mode: str, prefix: int) -> str:
    if mode == "truncate":
        return word[:prefix]
    return str(_stemmer(lang).stemWord(word))


def terms(text: str, lang: str, *, mode: str = "stem", prefix: int = 5) -> list[str]:
    """Lower-cased word normal forms; compound parts split at hyphens count too."""
    out: list[str] = []
    for match in _WORD.finditer(text.lower()):
        word = match.group(0)
        parts = [word] + (word.split("-") if "-" in word else [])
        out += [_normalise(p, lang, mode, prefix) for p in parts if len(p) > 1]
    return out


class LexicalIndex:
    """Inverted index of statement terms with BM25 scoring."""

    def __init__(self, *, mode: str = "stem", prefix: int = 5, k1: float = 1.2, b: float = 0.75) -> None:
        self.mode, self.prefix, self.k1, self.b = mode, prefix, k1, b
        self._postings: dict[str, dict[int, int]] = defaultdict(dict)
        self._lengths: dict[int, int] = {}
        self._terms: dict[int, list[str]] = {}
        self._total = 0
        self._lock = threading.Lock()

    def add(self, statement_id: int, text: str, lang: str) -> None:
        """Index one statement (replacing an earlier version)."""
        self.remove([statement_id])
        counts = Counter(terms(text, lang, mode=self.mode, prefix=self.prefix))
        with self._lock:
            for term, tf in counts.items():
                self._postings[term][statement_id] = tf
            self._terms[statement_id] = list(counts)
            n = sum(counts.values())
            self._lengths[statement_id] = n
            self._total += n

    def remove(self, statement_ids: Iterable[int]) -> None:
        """Drop statements from every posting list they are in."""
        with self._lock:
            for sid in statement_ids:
                n = self._lengths.pop(sid, None)
                if n is None:
                    continue
                self._total -= n
                for term in self._terms.pop(sid, []):
                    postings = self._postings.get(term)
                    if postings is not None:
                        postings.pop(sid, None)
                        if not postings:
                            del self._postings[term]

    def idf(self, term: str) -> float:
        """BM25 idf (never negative)."""
        n = len(self._lengths)
        df = len(self._postings.get(term, {}))
        return math.log(1 + (n - df + 0.5) / (df + 0.5)) if df else 0.0

    def search(self, text: str, lang: str, *, limit: int = 200) -> dict[int, float]:
        """BM25 score of every statement sharing a term with the query (top `limit`)."""
        qterms = set(terms(text, lang, mode=self.mode, prefix=self.prefix))
        if not qterms or not self._lengths:
            return {}
        avg = self._total / max(len(self._lengths), 1)
        scores: dict[int, float] = defaultdict(float)
        with self._lock:
            for term in qterms:
                postings = self._postings.get(term)
                if not postings:
                    continue
                idf = self.idf(term)
                for sid, tf in postings.items():
                    length = self._lengths[sid]
                    norm = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / avg))
                    scores[sid] += idf * norm
        best = sorted(scores.items(), key=lambda kv: -kv[1])[:limit]
        return dict(best)

    def __len__(self) -> int:
        return len(self._lengths)
