"""Every engagement and rating query, including per-provider aggregates computed in bulk."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    DateTime,
    Integer,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    func,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.feedback.models import Engagement, EngagementStatus, Rating
from matcher.matching.models import HelpRequest, MatchResult
from profiles.models import StatementKind, StrengthStatement

CHUNK = 500


@dataclass(frozen=True)
class ProviderStats:
    """What the ranking needs to know about one provider's engagements and ratings."""

    engagements: int = 0
    accepts: int = 0
    declines: int = 0
    expiries: int = 0
    open: int = 0
    rating_total: int = 0
    rating_count: int = 0


@dataclass(frozen=True)
class RatedRequest:
    """A rating (or, score None, a decline as outside their skills) with the vector of the request it was for."""

    provider_id: int
    score: int | None
    model_id: str | None
    embedding: bytes | None
    neighbourhood: bytes | None = None  # its nearest statements and similarities (`HelpRequest.neighbourhood`)


# An engagement is always read with what its public view needs.
_FULL = (
    selectinload(Engagement.rating),
    joinedload(Engagement.provider),  # NULL once the provider was erased
    joinedload(Engagement.request, innerjoin=True),
)


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def _is_open(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    return or_(
        Engagement.status == EngagementStatus.accepted,
        and_(Engagement.status == EngagementStatus.proposed, Engagement.expires_at > now),
    )


def _is_expired(now: datetime | BindParameter[datetime]) -> ColumnElement[bool]:
    # An unanswered offer past its time counts as expired even before the sweep marks it.
    return or_(
        Engagement.status == EngagementStatus.expired,
        and_(Engagement.status == EngagementStatus.proposed, Engagement.expires_at <= now),
    )


def _count(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


class EngagementRepository:
    """Engagements, ratings and the aggregates the ranking reads."""

    # -- single rows ------------------------------------------------------------------------
    def get(self, session: Session, *, engagement_id: int, for_update: bool = False) -> Engagement | None:
        """One engagement with its rating loaded, or None."""
        stmt = select(Engagement).where(Engagement.id == engagement_id).options(*_FULL)
        if for_update:
            stmt = stmt.with_for_update(of=Engagement)
        return session.scalars(stmt).one_or_none()

    def get_by_pair(self, session: Session, *, request_id: str, provider_id: int) -> Engagement | None:
        """The engagement of this request with this provider, if any."""
        stmt = (
            select(Engagement)
            .where(Engagement.request_id == request_id, Engagement.provider_id == provider_id)
            .options(*_FULL)
        )
        return session.scalars(stmt).one_or_none()

    def add(self, session: Session, *, engagement: Engagement) -> Engagement:
        """Stage a new engagement."""
        session.add(engagement)
        return engagement

    def add_rating(self, session: Session, *, rating: Rating) -> Rating:
        """Stage a rating."""
        session.add(rating)
        return rating

    # -- expiry and load --------------------------------------------------------------------
    def expire_due(self, session: Session, *, now: datetime, limit: int = 1000) -> list[Engagement]:
        """Mark unanswered offers past their time as expired; returns them (for their events).

        Rows another sweeper holds are skipped (`SKIP LOCKED` on PostgreSQL), so with several
        processes each offer expires once and its event is written once.
        """
        stmt = (
            select(Engagement)
            .where(Engagement.status == EngagementStatus.proposed, Engagement.expires_at <= now)
            .options(*_FULL)
            .order_by(Engagement.id)
            .limit(limit)
            .with_for_update(of=Engagement, skip_locked=True)
        )
        due = list(session.scalars(stmt).unique())
        for engagement in due:
            engagement.status = EngagementStatus.expired
            engagement.expired_at = engagement.expires_at
        session.flush()
        return due

    def of_person(
        self,
        session: Session,
        *,
        provider_id: int | None,
        requester_id: str | None,
        open_only: bool,
        now: datetime,
        limit: int = 200,
    ) -> list[Engagement]:
        """Engagements offered to this provider and/or requested by this requester, newest first."""
        who = []
        if provider_id is not None:
            who.append(Engagement.provider_id == provider_id)
        if requester_id is not None:
            who.append(HelpRequest.requester_id == requester_id)
        if not who:
            return []
        stmt = (
            select(Engagement)
            .join(HelpRequest, HelpRequest.id == Engagement.request_id)
            .where(or_(*who))
            .options(*_FULL)
            .order_by(Engagement.proposed_at.desc(), Engagement.id.desc())
            .limit(limit)
        )
        if open_only:
            stmt = stmt.where(_is_open(now))
        return list(session.scalars(stmt).unique())

    def open_loads(
        self, session: Session, *, now: datetime, provider_ids: Collection[int] | None = None
    ) -> dict[int, int]:
        """Open engagements (accepted, or proposed and not yet expired) per provider that has any."""
        stmt = select(Engagement.provider_id, func.count()).where(_is_open(now)).group_by(Engagement.provider_id)
        if provider_ids is None:
            return {int(p): int(n) for p, n in session.execute(stmt) if p is not None}
        out: dict[int, int] = {}
        for chunk in _chunks(provider_ids):
            rows = session.execute(stmt.where(Engagement.provider_id.in_(chunk)))
            out.update({cast(int, p): int(n) for p, n in rows})
        return out

    def recent_exposure(self, session: Session, *, provider_ids: Collection[int], requests: int) -> dict[int, float]:
        """Each provider's position-discounted appearances, Σ 1/log2(rank + 1), in the results of
        the organisation's latest `requests` stored requests (providers never shown there are absent)."""
        # The window's results are read whole (≤ `requests` × k rows) and the candidates picked
        # here: with the candidates in the WHERE as well, SQLite searched match_result by employee
        # over all history, ~10x slower on 20,000 stored requests (`benchmarks/exposure_cost.py`).
        latest = (
            select(HelpRequest.id)
            .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())
            .limit(requests)
            .subquery()
        )
        stmt = (
            select(MatchResult.employee_id, MatchResult.rank, func.count())
            .join(latest, latest.c.id == MatchResult.request_id)
            .group_by(MatchResult.employee_id, MatchResult.rank)
        )
        wanted = set(provider_ids)
        out: dict[int, float] = {}
        for pid, rank, n in session.execute(stmt):
            if pid in wanted:
                out[int(pid)] = out.get(int(pid), 0.0) + int(n) / math.log2(int(rank) + 1)
        return out

    def declined_same_request(self, session: Session, *, requester_id: str, text: str) -> set[int]:
        """Providers who declined (or let expire) an earlier request of this requester with this text."""
        stmt = (
            select(Engagement.provider_id)
            .join(HelpRequest, HelpRequest.id == Engagement.request_id)
            .where(
                HelpRequest.requester_id == requester_id,
                HelpRequest.text == text,
                Engagement.status.in_([EngagementStatus.declined, EngagementStatus.expired]),
            )
        )
        return {int(p) for p in session.scalars(stmt) if p is not None}

    # -- aggregates for ranking -------------------------------------------------------------
    def provider_stats(
        self, session: Session, *, provider_ids: Collection[int], now: datetime
    ) -> dict[int, ProviderStats]:
        """Engagement counts and rating sums of many providers in two grouped queries per chunk."""
        counts: dict[int, tuple[int, ...]] = {}
        ratings: dict[int, tuple[int, int]] = {}
        for chunk in _chunks(provider_ids):
            for pid, *nums in session.execute(_STATS, {"ids": chunk, "now": now}):
                counts[cast(int, pid)] = tuple(int(n) for n in nums)  # never NULL under IN (...)
            for pid, total, n in session.execute(_RATING_SUMS, {"ids": chunk}):
                ratings[cast(int, pid)] = (int(total), int(n))
        out: dict[int, ProviderStats] = {}
        for pid in set(counts) | set(ratings):
            e, a, d, x, o = counts.get(pid, (0, 0, 0, 0, 0))
            total, n = ratings.get(pid, (0, 0))
            out[pid] = ProviderStats(e, a, d, x, o, total, n)
        return out

    def rating_totals(self, session: Session) -> tuple[int, int]:
        """Sum and count of every rating in the organisation."""
        total, n = session.execute(_RATING_TOTALS).one()
        return int(total), int(n)

    def rated_history(
        self, session: Session, *, provider_ids: Collection[int], per_provider: int, outside_skills: bool = False
    ) -> list[RatedRequest]:
        """The latest `per_provider` ratings of each provider, with the vectors of the requests they were for.

        With `outside_skills`, also their latest `per_provider` declines as outside their skills (score None).
        """
        query = _HISTORY_WITH_OUTSIDE if outside_skills else _HISTORY
        out: list[RatedRequest] = []
        for chunk in _chunks(provider_ids):
            rows = session.execute(query, {"ids": chunk, "per": per_provider})
            out.extend(RatedRequest(p, s, m, e, n) for p, s, m, e, n in rows)
        return out

    def rated_requests(
        self, session: Session, *, min_score: int, max_score: int, limit: int
    ) -> list[tuple[int, str | None, bytes | None]]:
        """(provider, model id, request vector) of the latest `limit` ratings from `min_score` to `max_score`."""
        rows = session.execute(_RATED_REQUESTS, {"min_score": min_score, "max_score": max_score, "limit": limit})
        return [(cast(int, p), m, e) for p, m, e in rows]

    def declined_outside_skills(self, session: Session, *, limit: int) -> list[tuple[int, str | None, bytes | None]]:
        """(provider, model id, request vector) of the latest `limit` declines as outside one's skills."""
        rows = session.execute(_OUTSIDE_REQUESTS, {"limit": limit})
        return [(cast(int, p), m, e) for p, m, e in rows]

    # -- evidence statements ----------------------------------------------------------------
    def evidence_of(self, session: Session, *, provider_id: int) -> Sequence[StrengthStatement]:
        """A provider's evidence statements, oldest first."""
        stmt = (
            select(StrengthStatement)
            .where(StrengthStatement.employee_id == provider_id, StrengthStatement.kind == StatementKind.evidence)
            .order_by(StrengthStatement.id)
        )
        return list(session.scalars(stmt))


# The ranking's aggregate queries, built once: constructing these expressions cost more Python time
# per match than running them (benchmarks/match_parts.py --profile). Same SQL, bound per call.
_IDS: BindParameter[list[int]] = bindparam("ids", expanding=True)
_NOW: BindParameter[datetime] = bindparam("now", type_=DateTime(timezone=True))
_STATS = (
    select(
        Engagement.provider_id,
        func.count(),
        _count(Engagement.accepted_at.is_not(None)),
        # A decline as outside their skills says what they cannot help with, not that they are unresponsive.
        _count(and_(Engagement.status == EngagementStatus.declined, Engagement.outside_skills.is_(False))),
        _count(_is_expired(_NOW)),
        _count(_is_open(_NOW)),
    )
    .where(Engagement.provider_id.in_(_IDS))
    .group_by(Engagement.provider_id)
)
_RATING_SUMS = (
    select(Rating.provider_id, func.coalesce(func.sum(Rating.score), 0), func.count())
    .where(Rating.provider_id.in_(_IDS))
    .group_by(Rating.provider_id)
)


def _latest(provider: Any, score: Any, newest_first: Any) -> Select[Any]:
    """Each provider's rows with the request they were for, numbered newest first (`recency`)."""
    return select(
        provider.label("provider_id"),
        score.label("score"),
        HelpRequest.model_id.label("model_id"),
        HelpRequest.embedding.label("embedding"),
        HelpRequest.neighbourhood.label("neighbourhood"),
        func.row_number().over(partition_by=provider, order_by=newest_first.desc()).label("recency"),
    )


def _within_recency(rows: Subquery) -> Select[int, int | None, str | None, bytes | None, bytes | None]:
    """The latest `per` rows of each provider."""
    return select(rows.c.provider_id, rows.c.score, rows.c.model_id, rows.c.embedding, rows.c.neighbourhood).where(
        rows.c.recency <= bindparam("per")
    )


_RATED = (
    _latest(Rating.provider_id, Rating.score, Rating.id)
    .join(Engagement, Engagement.id == Rating.engagement_id)
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(Rating.provider_id.in_(_IDS))
)
# Declines as outside their skills carry no score; each kind is numbered on its own, so both keep
# their latest `per`.
_DECLINED_OUTSIDE = (
    _latest(Engagement.provider_id, null().cast(Integer), Engagement.id)
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(
        Engagement.provider_id.in_(_IDS),
        Engagement.status == EngagementStatus.declined,
        Engagement.outside_skills.is_(True),
    )
)
_HISTORY = _within_recency(_RATED.subquery())
_HISTORY_WITH_OUTSIDE = _within_recency(union_all(_RATED, _DECLINED_OUTSIDE).subquery())
_RATING_TOTALS = select(func.coalesce(func.sum(Rating.score), 0), func.count(Rating.id))
_RATED_REQUESTS = (
    select(Rating.provider_id, HelpRequest.model_id, HelpRequest.embedding)
    .join(Engagement, Engagement.id == Rating.engagement_id)
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(Rating.score.between(bindparam("min_score"), bindparam("max_score")))
    .order_by(Rating.id.desc())
    .limit(bindparam("limit"))
)
_OUTSIDE_REQUESTS = (
    select(Engagement.provider_id, HelpRequest.model_id, HelpRequest.embedding)
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(
        Engagement.status == EngagementStatus.declined,
        Engagement.outside_skills.is_(True),
        Engagement.provider_id.is_not(None),  # an erased provider's engagements stay, without them
    )
    .order_by(Engagement.id.desc())
    .limit(bindparam("limit"))
)
