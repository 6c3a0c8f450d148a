"""Lexical signal: BM25 over statements with per-language normalisation (Snowball stemming
or prefix truncation), kept in step with the roster. Used as a measured boost for exact rare
terms and as a fallback ranker that needs no encoder."""

from __future__ import annotations

import functools
import math
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

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

    def search(
        self, text: str, lang: str, *, limit: int | None = 200, only: Collection[int] | None = None
    ) -> dict[int, float]:
        """BM25 score of every statement sharing a term with the query (top `limit`, None = all).

        `only` scores just these statements (a candidate list or an eligible set).
        """
        return self._score(set(terms(text, lang, mode=self.mode, prefix=self.prefix)), limit, only)[0]

    def search_normalised(
        self, text: str, lang: str, *, limit: int | None = None, only: Collection[int] | None = None
    ) -> dict[int, float]:
        """`search` divided by the query's ceiling, so 0 ≤ score < 1 whatever the query length.

        The ceiling is Σ idf(t)·(k1+1) over the query's indexed terms: BM25's term saturation
        bound, reached only by a statement repeating every query term endlessly. The order of
        statements is BM25's; a statement holding each query term once at average length scores
        1/(k1+1) ≈ 0.45.
        """
        scores, ceiling = self._score(set(terms(text, lang, mode=self.mode, prefix=self.prefix)), limit, only)
        return {sid: s / ceiling for sid, s in scores.items()} if ceiling > 0 else {}

    def _score(
        self, qterms: set[str], limit: int | None, only: Collection[int] | None
    ) -> tuple[dict[int, float], float]:
        """Scores (best first) and the query's ceiling Σ idf·(k1+1), read under one lock."""
        if not qterms or not self._lengths:
            return {}, 0.0
        if only is not None and not isinstance(only, (set, frozenset)):
            only = set(only)
        scores: dict[int, float] = defaultdict(float)
        ceiling = 0.0
        with self._lock:
            avg = self._total / max(len(self._lengths), 1)
            for term in qterms:
                postings = self._postings.get(term)
                if not postings:
                    continue
                idf = self.idf(term)
                ceiling += idf * (self.k1 + 1)
                if only is None:
                    pairs: Iterable[tuple[int, int]] = postings.items()
                elif len(only) < len(postings):
                    pairs = ((sid, postings[sid]) for sid in only if sid in postings)
                else:
                    pairs = ((sid, tf) for sid, tf in postings.items() if sid in only)
                for sid, tf in pairs:
                    length = self._lengths[sid]
                    norm = tf * (self.k1 + 1) / (tf + self.k1 * (1 - self.b + self.b * length / avg))
                    scores[sid] += idf * norm
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return dict(best if limit is None else best[:limit]), ceiling

    def __len__(self) -> int:
        return len(self._lengths)


# A lexical index's normalisation: ("stem", 0) or ("truncate", prefix length).
LexicalKey = tuple[str, int]


def lexical_key(mode: str, prefix: int) -> LexicalKey:
    """The key of a normalisation (the prefix matters only when truncating)."""
    return (mode, prefix if mode == "truncate" else 0)


class LexicalIndexes:
    """One BM25 index per normalisation in use, over the indexed statements.

    The index owner applies every change to all of them alongside the vector index; a
    normalisation asked for later is built from the statements then and kept in step from then on.
    """

    def __init__(self, keys: Iterable[LexicalKey] = ()) -> None:
        self._indexes: dict[LexicalKey, LexicalIndex] = {key: self._empty(key) for key in keys}
        self._lock = threading.Lock()

    @staticmethod
    def _empty(key: LexicalKey) -> LexicalIndex:
        mode, prefix = key
        return LexicalIndex(mode=mode, prefix=prefix or 5)  # stemming ignores the prefix

    def keys(self) -> list[LexicalKey]:
        """The normalisations kept (a rebuild keeps the same)."""
        return list(self._indexes)

    def get(self, key: LexicalKey, statements: Iterable[tuple[int, str, str]]) -> LexicalIndex:
        """The index of a normalisation, built from `statements` (id, text, language) on first use."""
        with self._lock:
            lex = self._indexes.get(key)
            if lex is None:
                lex = self._empty(key)
                for sid, text, lang in statements:
                    lex.add(sid, text, lang)
                self._indexes[key] = lex
            return lex

    def apply(self, *, remove: Iterable[int], add: Iterable[tuple[int, str, str]]) -> None:
        """Drop `remove` statement ids, then index `add` (id, text, language) in every normalisation."""
        with self._lock:
            if not self._indexes:  # none kept (lexical weight 0): don't walk every statement for nothing
                return
            removed = list(remove)
            added = list(add)
            for lex in self._indexes.values():
                lex.remove(removed)
                for sid, text, lang in added:
                    lex.add(sid, text, lang)
