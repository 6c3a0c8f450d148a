"""Applies the feedback effects to `MatchService` candidates as named score components.

One `FeedbackRanker` per process (built in `wiring.py`); `prepare` opens one `FeedbackPass` per
request, which knows who to keep out of the search (at capacity, declined this request) and then
adds the components and the notes explanations show. Aggregates are read in bulk for the whole
candidate list, never per candidate.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Vectors
from matcher.feedback.effects import (
    at_capacity,
    bayesian_average,
    exploration_bonuses,
    load_penalty,
    low_rating_penalty,
    quality_score,
    responsiveness_score,
)
from matcher.feedback.repository import EngagementRepository, ProviderStats
from matcher.feedback.service import Clock
from matcher.feedback.weights import FeedbackWeights
from matcher.index.sync import IndexSnapshot, IndexSync
from matcher.matching.query import Candidate
from matcher.matching.ranking import relevance
from matcher.matching.weights import RankingWeights
from profiles.models import StatementKind, as_utc, utcnow

COMPONENTS = ("quality", "responsiveness", "evidence", "low_ratings", "load", "exploration")
# Components this small are not worth a note in the explanation.
NOTE_THRESHOLD = 0.002


class FeedbackRanker:
    """The process-wide source of per-request feedback passes."""

    def __init__(
        self,
        weights: FeedbackWeights,
        ranking: RankingWeights,
        sync: IndexSync,
        *,
        repository: EngagementRepository | None = None,
        clock: Clock = utcnow,
    ) -> None:
        self.weights = weights
        self.ranking = ranking
        self.sync = sync
        self.repo = repository or EngagementRepository()
        self.clock = clock
        # Exploration draws: reproducible for a given seed and sequence of requests.
        self._draws = itertools.count()
        self._lock = threading.Lock()
        self._zero_capacity: tuple[object, frozenset[int]] = (None, frozenset())

    def reset(self, seed: int | None = None) -> None:
        """Restart the exploration sequence (the simulation does this per run)."""
        with self._lock:
            self._draws = itertools.count()
            if seed is not None:
                self.weights = self.weights.model_copy(update={"exploration_seed": seed})

    def prepare(
        self, session: Session, snap: IndexSnapshot, *, requester_id: str | None, text: str
    ) -> FeedbackPass | None:
        """Collect who must not be returned (at capacity, declined this request); None when feedback is off.

        Only reads: an unanswered offer past its time counts as expired here whether or not the
        periodic sweep has marked it yet.
        """
        w = self.weights
        if not w.enabled:
            return None
        now = as_utc(self.clock())
        loads = self.repo.open_loads(session, now=now)
        capacity = snap.roster.capacities(loads)
        deny = {eid for eid, n in loads.items() if eid in capacity and at_capacity(n, capacity[eid])}
        deny |= self._capacity_zero(snap)
        declined: set[int] = set()
        if requester_id is not None:
            declined = self.repo.declined_same_request(session, requester_id=requester_id, text=text)
        with self._lock:
            draw = next(self._draws)
        return FeedbackPass(self, session, snap, now, loads, frozenset(deny | declined), draw)

    def _capacity_zero(self, snap: IndexSnapshot) -> frozenset[int]:
        """Employees who take no offers at all, recomputed only when the roster changed."""
        roster, ids = self._zero_capacity
        if roster is not snap.roster:
            ids = snap.roster.employees_without_capacity()
            self._zero_capacity = (snap.roster, ids)
        return ids


@dataclass
class FeedbackPass:
    """The feedback effects of one request."""

    ranker: FeedbackRanker
    session: Session
    snap: IndexSnapshot
    now: datetime
    loads: dict[int, int]
    deny: frozenset[int]
    draw: int
    stats: dict[int, ProviderStats] = field(default_factory=dict)

    def apply(self, candidates: Sequence[Candidate], query: Vectors) -> None:
        """Add every feedback component (and its note) to each candidate, in place."""
        if not candidates:
            return
        r = self.ranker
        w, rw = r.weights, r.ranking
        ids = [c.employee_id for c in candidates]
        self.stats = r.repo.provider_stats(self.session, provider_ids=ids, now=self.now)
        total, n = r.repo.rating_totals(self.session)
        org_mean = bayesian_average(total, n, prior_mean=w.quality_default_mean, prior_weight=w.quality_prior_weight)
        low = self._low_rating_similarities(ids, query)
        capacities = self.snap.roster.capacities(ids)
        base: dict[int, float] = {}
        for c in candidates:
            s = self.stats.get(c.employee_id, ProviderStats())
            capacity = capacities.get(c.employee_id, 0)
            comp = c.components
            self._split_evidence(c, rw)
            comp["quality"] = quality_score(
                s.rating_total,
                s.rating_count,
                org_mean=org_mean,
                prior_weight=w.quality_prior_weight,
                weight=w.quality_weight,
            )
            comp["responsiveness"] = responsiveness_score(
                s.accepts,
                s.declines,
                s.expiries,
                alpha=w.accept_prior_alpha,
                beta=w.accept_prior_beta,
                expiry_weight=w.expiry_weight,
                weight=w.responsiveness_weight,
            )
            comp["low_ratings"] = low_rating_penalty(
                low.get(c.employee_id, []),
                low_max=w.low_rating_max,
                floor=w.low_rating_similarity_floor,
                weight=w.low_rating_weight,
            )
            open_now = self.loads.get(c.employee_id, 0)
            comp["load"] = load_penalty(open_now, capacity, start=w.load_start, weight=w.load_weight)
            base[c.employee_id] = comp["relevance"] + comp["evidence"]
            self._notes(c, s, open_now, capacity)
        bonuses = exploration_bonuses(
            base,
            {eid: s.engagements for eid, s in self.stats.items()},
            seed=w.exploration_seed,
            draw=self.draw,
            bound=w.exploration_bonus,
            margin=w.exploration_margin,
            pseudo_count=w.exploration_pseudo_count,
        )
        for c in candidates:
            bonus = bonuses.get(c.employee_id, 0.0)
            c.components["exploration"] = bonus
            if bonus >= NOTE_THRESHOLD:
                c.notes.append("new to helping here: a small exploration bonus")
            for key in COMPONENTS:
                c.components[key] = round(c.components[key], 6) + 0.0  # no "-0.0" in responses

    def _split_evidence(self, c: Candidate, rw: RankingWeights) -> None:
        """Relevance from declared strengths only, and the lift evidence statements add on top."""
        total = c.components["relevance"]
        declared = [h for h in c.hits if h.kind != StatementKind.evidence]
        if len(declared) == len(c.hits):
            c.components["evidence"] = 0.0
            return
        rel_declared, _ = relevance(declared, rw)
        c.components["relevance"] = round(min(total, rel_declared), 6)
        c.components["evidence"] = total - c.components["relevance"]
        _, scored = relevance(c.hits, rw)
        best_evidence = max((h.rating or 0 for h in c.hits if h.kind == StatementKind.evidence), default=0)
        if scored and scored[0][0].kind == StatementKind.evidence:
            # The explanation leads with the evidence statement and quotes this rating.
            rating = scored[0][0].rating
            c.notes.append(f"evidence-rating={rating}" if rating else "evidence-rating=?")
        elif c.components["evidence"] >= NOTE_THRESHOLD:
            c.notes.append(f"helped with a similar request, rated {best_evidence}")

    def _notes(self, c: Candidate, s: ProviderStats, open_now: int, capacity: int) -> None:
        comp = c.components
        if s.rating_count:
            avg = s.rating_total / s.rating_count
            plural = "s" if s.rating_count != 1 else ""
            c.notes.append(f"rated {avg:.1f} over {s.rating_count} engagement{plural}")
        if comp["responsiveness"] <= -NOTE_THRESHOLD:
            offers = s.accepts + s.declines + s.expiries
            c.notes.append(f"accepted {s.accepts} of {offers} offers")
        if comp["low_ratings"] <= -NOTE_THRESHOLD:
            c.notes.append("rated low on a similar request")
        if comp["load"] <= -NOTE_THRESHOLD:
            c.notes.append(f"busy: {open_now} of {capacity} engagements open")

    def _low_rating_similarities(self, ids: list[int], query: Vectors) -> dict[int, list[tuple[float, int]]]:
        """Cosine between this request and each request a candidate was rated low on."""
        r = self.ranker
        rows = r.repo.low_ratings(self.session, provider_ids=ids, max_score=r.weights.low_rating_max)
        model_id = r.sync.encoder.info.model_id
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        out: dict[int, list[tuple[float, int]]] = {}
        for row in rows:
            if row.embedding is None or row.model_id != model_id:
                continue  # another model's vector space: not comparable
            vec = np.frombuffer(row.embedding, dtype=np.float32)
            if vec.shape != q.shape:
                continue
            out.setdefault(row.provider_id, []).append((float(vec @ q), row.score))
        return out
