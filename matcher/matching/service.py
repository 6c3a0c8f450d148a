"""`MatchService`: prepare the request, rank on one index snapshot, explain, and store the request.

A match only reads the index: it takes the current snapshot once and ranks, explains and shapes
every result from it, whatever the index follower applies meanwhile.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Protocol

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder, Vectors
from embeddings.language import detect_language
from matcher.index.sync import IndexSnapshot, IndexSync
from matcher.matching.explain import explanation, matched_strengths
from matcher.matching.models import HelpRequest, MatchResult
from matcher.matching.query import Candidate, RankQuery
from matcher.matching.rankers import FeedbackPass, Ranker, make_ranker
from matcher.matching.repository import RequestRepository
from matcher.matching.retrieval import as_query, eligibility
from matcher.matching.schemas import MatchCreate, MatchItem, MatchRead
from matcher.matching.strength import Strength, band_of, best_of
from matcher.matching.weights import RankingWeights
from matcher.timing import span
from profiles.actor import Actor
from profiles.errors import Forbidden, ServiceUnavailable
from profiles.models import as_utc, utcnow
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)


class FeedbackHook(Protocol):
    """Opens a `FeedbackPass` per request, or None when feedback effects are switched off."""

    def prepare(
        self, session: Session, snap: IndexSnapshot, *, requester_id: str | None, text: str, k: int
    ) -> FeedbackPass | None:
        """Read what the ranking of this request needs (load, declines); `k` is how many will be shown."""
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
        ranker: Ranker | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.encoder = encoder
        # When a request is filed (a simulation or notebook sets simulated time, as on engagements).
        self.clock = clock
        self.sync = sync
        self._weights = weights
        self.repo = repository or RequestRepository()
        self.profiles = ProfileRepository()
        self.effects = effects
        self.ranker = ranker or make_ranker(weights)

    @property
    def weights(self) -> RankingWeights:
        """The ranking weights in use."""
        return self._weights

    @weights.setter
    def weights(self, weights: RankingWeights) -> None:
        """New weights take effect with the next request (tuning and tests)."""
        self._weights = weights
        self.ranker = make_ranker(weights)

    def snapshot(self) -> IndexSnapshot:
        """The current index snapshot; 503 while the index is still loading."""
        snap = self.sync.snapshot
        if not snap.loaded:
            raise ServiceUnavailable("the index is still loading; retry shortly")
        return snap

    @staticmethod
    def _pool_k(k: int) -> int:
        """A few more than asked, so results dropped by the database check still leave k."""
        return k + max(3, k // 2)

    def encode_request(self, text: str, snap: IndexSnapshot) -> tuple[Vectors, str]:
        """The language-corrected request vector (in the snapshot's centering) and the detected language."""
        with span("encode"):
            language = detect_language(text)
            raw = self.encoder.encode_queries([text])
            return as_query(snap.centering.apply(raw, [language], queries=True)), language

    def prepare(
        self,
        text: str,
        *,
        k: int,
        snap: IndexSnapshot,
        requester_id: str | None = None,
        languages: list[str] | None = None,
        units: list[str] | None = None,
        exclude_units: list[str] | None = None,
    ) -> RankQuery:
        """The request ready to rank: encoded only when the ranker needs a vector."""
        if self.ranker.needs_vector:
            vector, language = self.encode_request(text, snap)
        else:
            vector, language = None, detect_language(text)
        return RankQuery(text, language, k, vector, requester_id, languages, units, exclude_units)

    def rank(self, query: RankQuery, *, snap: IndexSnapshot, feedback: FeedbackPass | None = None) -> list[Candidate]:
        """The best `query.k` eligible candidates, best first.

        With a `feedback` pass, providers it denies (at capacity, declined this request) are kept
        out of the search itself, so the list stays full, and its components join the score.
        """
        elig = eligibility(
            snap,
            requester_id=query.requester_id,
            languages=query.languages,
            units=query.units,
            exclude_units=query.exclude_units,
            also_deny=feedback.deny if feedback is not None else (),
        )
        return self.ranker.rank(snap, query, elig, feedback)[: query.k]

    def match(self, session: Session, data: MatchCreate, actor: Actor | None = None) -> MatchRead:
        """Rank providers for a request and store it (text stays in the database, never in logs).

        An employee matches as themselves: the requester is the signed-in employee (never
        returned), and naming someone else as requester is refused.
        """
        started = time.perf_counter()
        if actor is not None and actor.is_employee:
            if data.requester_id not in (None, actor.employee_id):
                raise Forbidden("an employee matches as themselves: leave requester_id out or give your own")
            data = data.model_copy(update={"requester_id": actor.employee_id})
        elif actor is not None and not actor.is_trusted:
            raise Forbidden("this credential may not match")
        snap = self.snapshot()
        f = data.filters
        query = self.prepare(
            data.text,
            k=data.k,
            snap=snap,
            requester_id=data.requester_id,
            languages=f.languages,
            units=f.units,
            exclude_units=f.exclude_units,
        )
        with span("rank"):
            feedback = None
            if self.effects is not None:
                feedback = self.effects.prepare(
                    session, snap, requester_id=data.requester_id, text=data.text, k=query.k
                )
            ranked = self.rank(query.with_k(self._pool_k(query.k)), snap=snap, feedback=feedback)
            # The snapshot may be a moment behind the database: never return someone erased, hidden
            # or made unavailable meanwhile (another process's change this process has not applied).
            present = self.profiles.eligible_ids(session, ids=[c.employee_id for c in ranked])
            ranked = [c for c in ranked if c.employee_id in present][: query.k]
            request = HelpRequest(
                id=uuid.uuid4().hex,
                text=data.text,
                language=query.language,
                requester_id=data.requester_id,
                k=data.k,
                filters=f.model_dump(exclude_none=True),
                model_id=self.encoder.info.model_id if query.vector is not None else None,
                embedding=np.asarray(query.vector, dtype=np.float32).tobytes() if query.vector is not None else None,
                created_at=as_utc(self.clock()),
            )
            if feedback is not None:
                request.neighbourhood = feedback.neighbourhood
            bands = [band_of(c.components, self._weights) for c in ranked]
            best = best_of(bands)
            request.best_strength = best
            request.results = [
                MatchResult(employee_id=c.employee_id, rank=i + 1, score=c.score, components=c.components, strength=b)
                for i, (c, b) in enumerate(zip(ranked, bands, strict=True))
            ]
            self.repo.add(session, request=request)
            items = [self.to_item(c, snap, b) for c, b in zip(ranked, bands, strict=True)]
        logger.info(
            "match_ranked request=%s results=%d best_strength=%s seconds=%.3f",
            request.id,
            len(items),
            best,
            time.perf_counter() - started,
        )
        return MatchRead(
            request_id=request.id,
            language=query.language,
            results=items,
            best_strength=best,
            no_strong_match=best != "strong",
        )

    def to_item(self, c: Candidate, snap: IndexSnapshot, strength: Strength | None = None) -> MatchItem:
        """The public result for one candidate, from the snapshot it was ranked on."""
        emp = snap.roster.employees[c.employee_id]
        strengths = matched_strengths(self.ranker.scored_hits(c), snap.roster.statements)
        return MatchItem(
            external_id=emp.external_id,
            name=emp.name,
            unit=emp.unit,
            title=emp.title,
            score=round(c.score, 6),
            components=c.components,
            matched_strengths=strengths,
            explanation=explanation(strengths, c.notes),
            strength=strength,
        )
