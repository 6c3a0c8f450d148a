"""Applies the feedback policy to `MatchService` candidates as named score components.

One `FeedbackRanker` per process (built in `wiring.py`); `prepare` opens one `FeedbackPass` per
request, which knows who to keep out of the search (at capacity, declined this request) and then
adds the components (`policy.py`) and the notes explanations show. Aggregates are read in bulk
for the whole candidate list, never per candidate.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Vectors
from matcher.feedback.effects import RequestLikeness, at_capacity, bayesian_average
from matcher.feedback.neighbourhood import encode_neighbourhood, own_neighbourhoods
from matcher.feedback.nuisance import nuisance_transform
from matcher.feedback.policy import (
    COMPONENTS,
    ProviderView,
    Scored,
    moved_down_by,
    moved_up_by,
    place_discovery,
    score_candidates,
    similar_ratings,
)
from matcher.feedback.repository import EngagementRepository, ProviderStats
from matcher.feedback.service import Clock
from matcher.feedback.weights import FeedbackWeights
from matcher.index.sync import IndexSnapshot, IndexSync
from matcher.matching.query import Candidate
from matcher.matching.ranking import relevance
from matcher.matching.weights import RankingWeights
from profiles.models import StatementKind, as_utc, utcnow

# Components this small are not worth a note in the explanation.
NOTE_THRESHOLD = 0.002
# The organisation's rating totals (the anchor of every competence prior) are re-read at most this
# often: a full scan of the ratings on every match grew with each rating given, and a mean some
# seconds old moves no one's score visibly. Simulations advance their clock further per request.
ORG_TOTALS_SECONDS = 30.0
# The likeness transform is fitted again when the organisation's ratings have moved by this share
# (and at least this many): a fit reads every recent good rating, so not on every match.
NUISANCE_REFIT_SHARE = 0.1
NUISANCE_REFIT_MIN = 10
DISCOVERY_NOTE = "hasn't helped with this yet: a chance to discover them"
EXPLORATION_NOTE = "placed higher than their record alone would place them, to learn how they help (exploration)"
EXPOSURE_NOTE = "shown often lately, so placed below colleagues shown less (fair exposure)"
# Only under `thompson_full`, where a draw below the posterior mean lowers the score.
EXPLORATION_DOWN_NOTE = "placed lower than their record alone would place them, so others get a chance (exploration)"

__all__ = [
    "COMPONENTS",
    "DISCOVERY_NOTE",
    "EXPLORATION_DOWN_NOTE",
    "EXPLORATION_NOTE",
    "EXPOSURE_NOTE",
    "FeedbackPass",
    "FeedbackRanker",
]


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
        self._org_totals: tuple[datetime, int, int] | None = None
        # The likeness transform learnt from outcomes, and the organisation's rating count it was fitted at.
        self._nuisance: tuple[int, np.ndarray | None] = (-1, None)

    def reset(self, seed: int | None = None) -> None:
        """Restart the exploration sequence (the simulation does this per run)."""
        with self._lock:
            self._draws = itertools.count()
            self._org_totals = None
            self._nuisance = (-1, None)
            if seed is not None:
                self.weights = self.weights.model_copy(update={"exploration_seed": seed})

    def prepare(
        self, session: Session, snap: IndexSnapshot, *, requester_id: str | None, text: str, k: int
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
        return FeedbackPass(self, session, snap, now, loads, frozenset(deny | declined), draw, k)

    def org_totals(self, session: Session, now: datetime) -> tuple[int, int]:
        """Sum and count of every rating, read again once `ORG_TOTALS_SECONDS` have passed."""
        held = self._org_totals
        if held is not None and timedelta(0) <= now - held[0] < timedelta(seconds=ORG_TOTALS_SECONDS):
            return held[1], held[2]
        total, n = self.repo.rating_totals(session)
        self._org_totals = (now, total, n)
        return total, n

    def nuisance(self, session: Session, ratings: int) -> np.ndarray | None:
        """The likeness transform learnt from outcomes (`nuisance.py`), fitted again once the
        organisation's `ratings` count has moved by a tenth (at least `NUISANCE_REFIT_MIN`) since."""
        fitted, transform = self._nuisance
        if fitted >= 0 and abs(ratings - fitted) < max(NUISANCE_REFIT_MIN, NUISANCE_REFIT_SHARE * fitted):
            return transform
        w = self.weights
        transform = None
        if w.nuisance_shrink > 0:
            good = self._vectors(
                self.repo.rated_requests(
                    session, min_score=w.evidence_min_rating, max_score=5, limit=w.nuisance_ratings
                )
            )
            if good is not None:
                poor = None
                if w.contrast > 0:
                    rows = self.repo.rated_requests(
                        session, min_score=1, max_score=w.contrast_max_rating, limit=w.nuisance_ratings
                    )
                    if w.learn_outside_skills:  # "not my area" is poor fit said before the help, not after
                        rows += self.repo.declined_outside_skills(session, limit=w.nuisance_ratings)
                    poor = self._vectors(rows)
                transform = nuisance_transform(
                    *good,
                    shrink=w.nuisance_shrink,
                    poor=None if poor is None else poor[0],
                    poor_providers=None if poor is None else poor[1],
                    contrast=w.contrast,
                )
        self._nuisance = (ratings, transform)
        return transform

    def learnt_likeness(self, session: Session) -> tuple[int, np.ndarray | None]:
        """(the rating count it was fitted at, the likeness transform), fitted again first when due,
        as a match would; (-1, None) with feedback off, and None when nothing could be learnt. The
        insights topics are fitted in it, also in a process that serves no match."""
        if not self.weights.enabled:
            return -1, None
        _, n = self.org_totals(session, as_utc(self.clock()))
        self.nuisance(session, n)
        return self._nuisance

    def _vectors(self, rows: Sequence[tuple[int, str | None, bytes | None]]) -> tuple[np.ndarray, np.ndarray] | None:
        """(request vectors, providers) of the rows in this model's space, or None if there are none."""
        model_id = self.sync.encoder.info.model_id
        # Another model's vectors are in another space: not comparable.
        kept = [(p, v) for p, model, v in rows if v is not None and model == model_id]
        if not kept:
            return None
        vectors = np.stack([np.frombuffer(v, dtype=np.float32) for _, v in kept])
        return vectors, np.fromiter((p for p, _ in kept), dtype=np.int64, count=len(kept))

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
    k: int
    stats: dict[int, ProviderStats] = field(default_factory=dict)
    scored: dict[int, Scored] = field(default_factory=dict)
    # The declared statements that formed this request's metric, stored as `HelpRequest.neighbourhood`.
    neighbourhood: bytes | None = None

    def apply(self, candidates: Sequence[Candidate], query: Vectors) -> None:
        """Add every feedback component (and its note) to each candidate, in place."""
        if not candidates:
            return
        r = self.ranker
        w, rw = r.weights, r.ranking
        ids = [c.employee_id for c in candidates]
        self.stats = r.repo.provider_stats(self.session, provider_ids=ids, now=self.now)
        exposure = (
            r.repo.recent_exposure(self.session, provider_ids=ids, requests=w.exposure_requests)
            if w.exposure_weight > 0
            else {}
        )
        total, n = r.org_totals(self.session, self.now)
        org_mean = bayesian_average(total, n, prior_mean=w.quality_default_mean, prior_weight=w.quality_prior_weight)
        q = np.asarray(query, dtype=np.float32).reshape(-1)
        likeness, plain = self._likeness(candidates, q, r.nuisance(self.session, n))
        history, declined = self._history(ids, q, likeness)
        gates = self._evidence_gates(candidates, plain)
        capacities = self.snap.roster.capacities(ids)
        views = []
        for c in candidates:
            self._split_evidence(c, rw, gates)
            s = self.stats.get(c.employee_id, ProviderStats())
            views.append(
                ProviderView(
                    employee_id=c.employee_id,
                    relevance=c.components["relevance"] + c.components["evidence"],
                    history=history.get(c.employee_id, ()),
                    declined_outside=declined.get(c.employee_id, ()),
                    accepts=s.accepts,
                    declines=s.declines,
                    expiries=s.expiries,
                    rating_total=s.rating_total,
                    rating_count=s.rating_count,
                    open_now=self.loads.get(c.employee_id, 0),
                    capacity=capacities.get(c.employee_id, 0),
                    exposure=exposure.get(c.employee_id, 0.0),
                )
            )
        scored = score_candidates(views, w, org_mean=org_mean, draw=self.draw)
        for sc in scored.values():  # report (and order by) what the response shows
            sc.components = {key: round(v, 6) + 0.0 for key, v in sc.components.items()}  # no "-0.0"
        picked = place_discovery(scored, k=self.k, w=w)
        self.scored = scored
        by_id = {v.employee_id: v for v in views}
        for c in candidates:
            sc = scored[c.employee_id]
            c.components.update({key: sc.components[key] for key in COMPONENTS if key != "evidence"})
            self._notes(c, sc, by_id[c.employee_id], picked == c.employee_id)

    def _likeness(
        self, candidates: Sequence[Candidate], q: Vectors, transform: np.ndarray | None
    ) -> tuple[RequestLikeness, RequestLikeness]:
        """How past requests are compared with this one: for their ratings, in the metric of the
        candidates' declared statements (`local`) less what outcomes show does not matter
        (`transform`, on its own ramp), or by plain cosine; for evidence statements, the same
        without the transform, on the plain metric's ramp.

        Evidence lifts relevance, and so the best relevance every other candidate's share is taken
        of: gated through the transform it counted on more requests and concentrated the work (demo
        simulation: Gini among the competent +0.012 ± 0.004; feedback/README.md).
        """
        w = self.ranker.weights
        basis = None
        if w.request_similarity == "local":
            ids = np.fromiter(
                (h.statement_id for c in candidates for h in c.hits if h.kind != StatementKind.evidence),
                dtype=np.int64,
            )
            held, basis = self.snap.vectors.vectors(ids)
            ids = ids[held]

        def likeness(transform: np.ndarray | None, local: tuple[float, float]) -> RequestLikeness:
            return RequestLikeness(
                q,
                basis,
                cosine=(w.similar_request_floor, w.similar_request_full),
                local=local,
                min_basis=w.local_min_statements,
                nearest=w.local_nearest,
                transform=transform,
            )

        plain = likeness(None, (w.local_request_floor, w.local_request_full))
        if plain.local:
            # The nearest statements are chosen by plain similarity, with or without the transform.
            self.neighbourhood = encode_neighbourhood(ids[plain.neighbourhood], plain.neighbourhood_similarity)
        if transform is None:
            return plain, plain
        # The transform raises same-topic correlations, so its ramp sits higher (`nuisance_request_*`).
        return likeness(transform, (w.nuisance_request_floor, w.nuisance_request_full)), plain

    def _evidence_gates(self, candidates: Sequence[Candidate], likeness: RequestLikeness) -> dict[int, float] | None:
        """How far each evidence statement counts here: as far as the request it came from is like this one.

        Only in the `local` metric (None otherwise: evidence counts in full). Evidence is a past
        request's text, and every request shares a "who could help me with …" form, so by plain
        similarity an Excel expert's evidence lifted them on printer questions in the e5 grid simulation.
        """
        if not likeness.local:
            return None
        ids = np.fromiter(
            (h.statement_id for c in candidates for h in c.hits if h.kind == StatementKind.evidence), dtype=np.int64
        )
        if len(ids) == 0:
            return {}
        held, vectors = self.snap.vectors.vectors(ids)
        return dict(zip(ids[held].tolist(), likeness.weights(vectors), strict=True))

    def _split_evidence(self, c: Candidate, rw: RankingWeights, gates: dict[int, float] | None) -> None:
        """Relevance from declared strengths only, and the lift evidence statements add on top.

        With `gates` (the `local` metric), each evidence statement counts at its gate's share of its
        similarity, and not at all at 0; `matched_strengths` still show the plain similarities.
        """
        total = c.components["relevance"]
        declared = [h for h in c.hits if h.kind != StatementKind.evidence]
        if len(declared) == len(c.hits):
            c.components["evidence"] = 0.0
            return
        counted = c.hits
        if gates is not None:
            counted = declared + [
                h._replace(similarity=h.similarity * gates[h.statement_id])
                for h in c.hits
                if h.kind == StatementKind.evidence and gates.get(h.statement_id, 0.0) > 0
            ]
        gated_total, scored = relevance(counted, rw)
        if gates is not None:
            total = gated_total
        rel_declared, _ = relevance(declared, rw)
        c.components["relevance"] = round(min(total, rel_declared), 6)
        c.components["evidence"] = round(total - c.components["relevance"], 6) + 0.0  # no "-0.0"
        best_evidence = max((h.rating or 0 for h in counted if h.kind == StatementKind.evidence), default=0)
        if scored and scored[0][0].kind == StatementKind.evidence:
            # The explanation leads with the evidence statement and quotes this rating.
            rating = scored[0][0].rating
            c.notes.append(f"evidence-rating={rating}" if rating else "evidence-rating=?")
        elif c.components["evidence"] >= NOTE_THRESHOLD:
            c.notes.append(f"helped with a similar request, rated {best_evidence}")

    def _notes(self, c: Candidate, sc: Scored, v: ProviderView, discovered: bool) -> None:
        """Say what the feedback did, and when exploration, discovery or load changed the order."""
        comp, scored = sc.components, self.scored
        similar = similar_ratings(v.history)
        if similar:
            plural = "s" if len(similar) != 1 else ""
            avg = sum(similar) / len(similar)
            c.notes.append(f"rated {avg:.1f} on {len(similar)} similar request{plural}")
            if comp["competence"] <= -NOTE_THRESHOLD and avg <= 2.5:
                c.notes.append("rated low on similar requests")
        outside = sum(1 for weight in v.declined_outside if weight > 0)
        if outside:
            plural = "s" if outside != 1 else ""
            c.notes.append(f"declined {outside} similar request{plural} as outside their skills")
        if abs(comp["quality"]) >= NOTE_THRESHOLD and v.rating_count:
            plural = "s" if v.rating_count != 1 else ""
            c.notes.append(f"rated {v.rating_total / v.rating_count:.1f} over {v.rating_count} engagement{plural}")
        if comp["responsiveness"] <= -NOTE_THRESHOLD:
            c.notes.append(f"accepted {v.accepts} of {v.accepts + v.declines + v.expiries} offers")
        if comp["load"] <= -NOTE_THRESHOLD:
            busy = f"busy: {v.open_now} of {v.capacity} engagements open"
            if moved_down_by(scored, c.employee_id, "load"):
                busy += ", so placed below colleagues with more room"
            c.notes.append(busy)
        if moved_down_by(scored, c.employee_id, "exposure"):
            c.notes.append(EXPOSURE_NOTE)
        if discovered:
            c.notes.append(DISCOVERY_NOTE)
        elif moved_up_by(scored, c.employee_id, "exploration"):
            c.notes.append(EXPLORATION_NOTE)
        elif moved_down_by(scored, c.employee_id, "exploration"):
            c.notes.append(EXPLORATION_DOWN_NOTE)

    def _history(
        self, ids: list[int], q: Vectors, likeness: RequestLikeness
    ) -> tuple[dict[int, list[tuple[float, int]]], dict[int, list[float]]]:
        """(how much it counts for this request, rating) of each candidate's latest rated engagements,
        and how much each of their latest declines as outside their skills counts."""
        r = self.ranker
        rows = r.repo.rated_history(
            self.session,
            provider_ids=ids,
            per_provider=r.weights.competence_history,
            outside_skills=r.weights.learn_outside_skills,
        )
        model_id = r.sync.encoder.info.model_id
        kept = []
        for row in rows:
            if row.embedding is None or row.model_id != model_id:
                continue  # another model's vector space: not comparable
            vec = np.frombuffer(row.embedding, dtype=np.float32)
            if vec.shape == q.shape:
                kept.append((row.provider_id, vec, row.score, row.neighbourhood))
        if not kept:
            return {}, {}
        own = None
        if likeness.local and r.weights.local_own_neighbourhood:
            own = own_neighbourhoods([n for *_, n in kept], self.snap.vectors)
        weights = likeness.weights(np.stack([vec for _, vec, _, _ in kept]), own)
        rated: dict[int, list[tuple[float, int]]] = {}
        declined: dict[int, list[float]] = {}
        for (provider_id, _, score, _), weight in zip(kept, weights, strict=True):
            if score is None:
                declined.setdefault(provider_id, []).append(weight)
            else:
                rated.setdefault(provider_id, []).append((weight, score))
        return rated, declined
