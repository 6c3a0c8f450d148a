"""The two rankers behind one small protocol, chosen by `make_ranker` from `RankingWeights.mode`.

- `DenseRanker` (default): e5 vectors in FAISS, relevance per person from their statements, an
  optional BM25 boost (`lexical_weight`), then the feedback effects as named components.
- `LexicalRanker`: BM25 alone, no request encoding: the fallback and the BM25 baseline.
"""

from __future__ import annotations

from typing import Protocol

from embeddings.encoder import Vectors
from matcher.index.sync import IndexSnapshot
from matcher.matching.query import Candidate, RankQuery
from matcher.matching.ranking import StatementHit, relevance, relevance_value
from matcher.matching.retrieval import Eligibility, lexical_scores, retrieve, retrieve_lexical
from matcher.matching.weights import RankingWeights


class FeedbackPass(Protocol):
    """The feedback effects of one request (see `matcher.feedback.ranker`)."""

    deny: frozenset[int]
    # Set by `apply`: the statements that formed the request's metric, stored with it (opaque here).
    neighbourhood: bytes | None

    def apply(self, candidates: list[Candidate], query: Vectors) -> None:
        """Add named feedback components and notes to the candidates, in place."""
        ...


class Ranker(Protocol):
    """Ranks the eligible people of one snapshot for a prepared request."""

    needs_vector: bool

    def rank(
        self, snap: IndexSnapshot, query: RankQuery, elig: Eligibility, feedback: FeedbackPass | None
    ) -> list[Candidate]:
        """Every candidate it scored (at least `query.k` when that many exist), best first."""
        ...

    def scored_hits(self, candidate: Candidate) -> list[tuple[StatementHit, float]]:
        """The candidate's statements with the score each counted for, best first (for explanations)."""
        ...


def _best_first(candidates: list[Candidate]) -> list[Candidate]:
    candidates.sort(key=lambda c: (-c.score, c.employee_id))
    return candidates


class DenseRanker:
    """Relevance from the vector index, an optional BM25 boost, then the feedback effects."""

    needs_vector = True

    def __init__(self, weights: RankingWeights) -> None:
        self.weights = weights

    def rank(
        self, snap: IndexSnapshot, query: RankQuery, elig: Eligibility, feedback: FeedbackPass | None
    ) -> list[Candidate]:
        """Pool max(k × pool_factor, pool_min) people by their statements, score, re-rank."""
        w = self.weights
        if query.vector is None:
            raise ValueError("the dense ranker needs the request vector")
        pool = max(query.k * w.pool_factor, w.pool_min)
        pool_score = (lambda hits: relevance_value(hits, w)) if w.pool_by == "relevance" else None
        grouped = retrieve(snap, query.vector, people=pool, elig=elig, pool_score=pool_score)
        candidates = []
        for eid, hits in grouped.items():
            rel, _ = relevance(hits, w)
            candidates.append(Candidate(eid, hits, components={"relevance": round(rel, 6)}))
        if w.lexical_weight > 0 and candidates:
            sids = [h.statement_id for c in candidates for h in c.hits]
            bm25 = lexical_scores(
                snap,
                query.text,
                query.language,
                mode=w.lexical_normalisation,
                prefix=w.lexical_prefix,
                statement_ids=sids,
            )
            for c in candidates:
                best = max((bm25.get(h.statement_id, 0.0) for h in c.hits), default=0.0)
                c.components["lexical"] = round(w.lexical_weight * best, 6)
        if feedback is not None:
            feedback.apply(candidates, query.vector)
        return _best_first(candidates)

    def scored_hits(self, candidate: Candidate) -> list[tuple[StatementHit, float]]:
        """Adjusted similarities, as relevance counted them."""
        return relevance(candidate.hits, self.weights)[1]


class LexicalRanker:
    """BM25 alone; person score = the best statement's normalised BM25.

    The extra-statement bonus, evidence discount and level nudge are in cosine units and do not
    fit this scale (with the bonus ESCO dev nDCG@10 fell from 0.233 to 0.103). Feedback effects
    need the request vector, so none are added; the feedback deny set still applies.
    """

    needs_vector = False

    def __init__(self, weights: RankingWeights) -> None:
        self.weights = weights

    def rank(
        self, snap: IndexSnapshot, query: RankQuery, elig: Eligibility, feedback: FeedbackPass | None
    ) -> list[Candidate]:
        """Every eligible person sharing a term with the request, by their best statement."""
        w = self.weights
        found = retrieve_lexical(
            snap, query.text, query.language, mode=w.lexical_normalisation, prefix=w.lexical_prefix, elig=elig
        )
        candidates = [
            Candidate(eid, hits, {"lexical": round(max(h.similarity for h in hits), 6)}) for eid, hits in found.items()
        ]
        return _best_first(candidates)

    def scored_hits(self, candidate: Candidate) -> list[tuple[StatementHit, float]]:
        """Normalised BM25 per matching statement."""
        return sorted(((h, h.similarity) for h in candidate.hits), key=lambda p: -p[1])


def make_ranker(weights: RankingWeights) -> Ranker:
    """The ranker `weights.mode` names."""
    if weights.mode == "lexical":
        return LexicalRanker(weights)
    return DenseRanker(weights)
