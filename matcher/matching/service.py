"""`MatchService`: encode the request, search with filters, rank, explain, and store the request.

`RankingWeights.mode` picks the ranker: "dense" (e5 + FAISS, optionally with a BM25 boost of
`lexical_weight`) or "lexical" (BM25 alone, no request encoding: the fallback and the baseline).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder, Vectors
from embeddings.language import detect_language
from matcher.matching.explain import explanation, matched_strengths
from matcher.index.sync import IndexSync
from matcher.matching.models import HelpRequest, MatchResult
from matcher.matching.ranking import StatementHit, relevance
from matcher.matching.repository import RequestRepository
from matcher.matching.retrieval import as_query, eligibility, lexical_scores, retrieve, retrieve_lexical
from matcher.matching.schemas import MatchCreate, MatchItem, MatchRead
from matcher.matching.weights import RankingWeights

logger = logging.getLogger(__name__)


@dataclass
class Candidate:
    """One employee being ranked: relevance first, feedback effects add named components."""

    employee_id: int
    hits: list[StatementHit]
    components: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Sum of the components."""
        return float(sum(self.components.values()))


class FeedbackPass(Protocol):
    """The feedback effects of one request (see `matcher.feedback.ranker`)."""

    deny: frozenset[int]

    def apply(self, candidates: list[Candidate], query: Vectors) -> None:
        """Add named feedback components and notes to the candidates, in place."""
        ...


class FeedbackHook(Protocol):
    """Opens a `FeedbackPass` per request, or None when feedback effects are switched off."""

    def prepare(self, session: Session, *, requester_id: str | None, text: str) -> FeedbackPass | None:
        """Read what the ranking of this request needs (load, declines)."""
        ...


class MatchService:
    """Ranks providers for a request. Never commits: the caller's unit of work does."""

    def __init__(
        self,
        encoder: Encoder,
        sync: IndexSync,
        weights: RankingWeights,
        *,
        repository: RequestRepository | None = None,
        effects: FeedbackHook | None = None,
    ) -> None:
        self.encoder = encoder
        self.sync = sync
        self.weights = weights
        self.repo = repository or RequestRepository()
        self.effects = effects
        if weights.mode == "lexical" or weights.lexical_weight > 0:
            # Wanted from the start, the lexical index is built alongside the roster (not on a request).
            with sync.lock():
                sync.roster.lexical_index(weights.lexical_normalisation, weights.lexical_prefix)

    def encode_request(self, text: str) -> tuple[Vectors, str]:
        """The language-corrected request vector and the detected language."""
        language = detect_language(text)
        raw = self.encoder.encode_queries([text])
        return as_query(self.sync.centering.apply(raw, [language], queries=True)), language

    def query_for(self, text: str) -> tuple[Vectors | None, str]:
        """What `rank` needs of a request: its vector (None in lexical mode) and its language."""
        if self.weights.mode == "lexical":
            return None, detect_language(text)
        return self.encode_request(text)

    def rank(
        self,
        query: Vectors | None,
        *,
        k: int,
        text: str | None = None,
        language: str | None = None,
        requester_id: str | None = None,
        languages: Collection[str] | None = None,
        units: Collection[str] | None = None,
        exclude_units: Collection[str] | None = None,
        feedback: FeedbackPass | None = None,
    ) -> list[Candidate]:
        """The best `k` eligible candidates for an already encoded request, best first.

        With a `feedback` pass, providers it denies (at capacity, declined this request) are kept
        out of the search itself, so the list stays full, and its components join the score.
        The lexical ranker and the lexical boost also need the request `text` (and its
        `language`, detected when not given); lexical mode needs no `query`.
        """
        w = self.weights
        lexical = w.mode == "lexical" or w.lexical_weight > 0
        if lexical and text is None:
            raise ValueError("the lexical ranker needs the request text")
        if w.mode == "dense" and query is None:
            raise ValueError("the dense ranker needs the request vector")
        if lexical and language is None:
            language = detect_language(text or "")
        elig = eligibility(
            self.sync,
            requester_id=requester_id,
            languages=languages,
            units=units,
            exclude_units=exclude_units,
            also_deny=feedback.deny if feedback is not None else (),
        )
        norm, prefix = w.lexical_normalisation, w.lexical_prefix
        if w.mode == "lexical":
            # BM25 alone: same eligibility (the feedback deny set included); person score = the best
            # statement's normalised BM25. The extra-statement bonus, evidence discount and level
            # nudge are in cosine units and do not fit this scale (with the bonus ESCO dev nDCG@10
            # fell from 0.233 to 0.103). Feedback components need the request vector: not added.
            assert text is not None and language is not None
            found = retrieve_lexical(self.sync, text, language, mode=norm, prefix=prefix, elig=elig)
            candidates = [
                Candidate(eid, hits, {"lexical": round(max(h.similarity for h in hits), 6)})
                for eid, hits in found.items()
            ]
            candidates.sort(key=lambda c: (-c.score, c.employee_id))
            return candidates[:k]
        assert query is not None
        pool = max(k * w.pool_factor, w.pool_min)
        grouped = retrieve(self.sync, query, people=pool, elig=elig)
        candidates = []
        for eid, hits in grouped.items():
            rel, _ = relevance(hits, w)
            candidates.append(Candidate(eid, hits, components={"relevance": round(rel, 6)}))
        if w.lexical_weight > 0 and candidates:
            assert text is not None and language is not None
            sids = [h.statement_id for c in candidates for h in c.hits]
            bm25 = lexical_scores(self.sync, text, language, mode=norm, prefix=prefix, statement_ids=sids)
            for c in candidates:
                best = max((bm25.get(h.statement_id, 0.0) for h in c.hits), default=0.0)
                c.components["lexical"] = round(w.lexical_weight * best, 6)
        if feedback is not None:
            feedback.apply(candidates, query)
        candidates.sort(key=lambda c: (-c.score, c.employee_id))
        return candidates[:k]

    def match(self, session: Session, data: MatchCreate) -> MatchRead:
        """Rank providers for a request and store it (text stays in the database, never in logs)."""
        started = time.perf_counter()
        self.sync.catch_up(session)
        query, language = self.query_for(data.text)
        f = data.filters
        feedback = None
        if self.effects is not None:
            feedback = self.effects.prepare(session, requester_id=data.requester_id, text=data.text)
        ranked = self.rank(
            query,
            k=data.k,
            text=data.text,
            language=language,
            requester_id=data.requester_id,
            languages=f.languages,
            units=f.units,
            exclude_units=f.exclude_units,
            feedback=feedback,
        )
        request = HelpRequest(
            id=uuid.uuid4().hex,
            text=data.text,
            language=language,
            requester_id=data.requester_id,
            k=data.k,
            filters=f.model_dump(exclude_none=True),
            model_id=self.encoder.info.model_id if query is not None else None,
            embedding=np.asarray(query, dtype=np.float32).tobytes() if query is not None else None,
        )
        request.results = [
            MatchResult(employee_id=c.employee_id, rank=i + 1, score=c.score, components=c.components)
            for i, c in enumerate(ranked)
        ]
        self.repo.add(session, request=request)
        items = [self.to_item(c) for c in ranked]
        logger.info(
            "match_ranked request=%s results=%d seconds=%.3f", request.id, len(items), time.perf_counter() - started
        )
        return MatchRead(request_id=request.id, language=language, results=items)

    def to_item(self, c: Candidate) -> MatchItem:
        """The public result for one candidate."""
        roster = self.sync.roster
        emp = roster.employees[c.employee_id]
        if self.weights.mode == "lexical":  # hits carry normalised BM25, best first as ranked
            scored = sorted(((h, h.similarity) for h in c.hits), key=lambda p: -p[1])
        else:
            _, scored = relevance(c.hits, self.weights)
        strengths = matched_strengths(scored, roster.statements)
        return MatchItem(
            external_id=emp.external_id,
            name=emp.name,
            unit=emp.unit,
            title=emp.title,
            score=round(c.score, 6),
            components=c.components,
            matched_strengths=strengths,
            explanation=explanation(strengths, c.notes),
        )
