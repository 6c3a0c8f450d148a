"""Every engagement and rating query, including per-provider aggregates computed in bulk."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import BindParameter, ColumnElement, DateTime, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from matcher.feedback.models import Engagement, EngagementStatus, Rating
from matcher.matching.models import HelpRequest
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
        out: list[RatedRequest] = []
        for chunk in _chunks(provider_ids):
            rows = session.execute(_HISTORY, {"ids": chunk, "per": per_provider})
            out.extend(RatedRequest(cast(int, p), int(s), m, e, n) for p, s, m, e, n in rows)
            if outside_skills:
                declined = session.execute(_OUTSIDE_HISTORY, {"ids": chunk, "per": per_provider})
                out.extend(RatedRequest(cast(int, p), None, m, e, n) for p, m, e, n in declined)
        return out

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
_LATEST = (
    select(
        Rating.provider_id.label("provider_id"),
        Rating.score.label("score"),
        HelpRequest.model_id.label("model_id"),
        HelpRequest.embedding.label("embedding"),
        HelpRequest.neighbourhood.label("neighbourhood"),
        func.row_number().over(partition_by=Rating.provider_id, order_by=Rating.id.desc()).label("recency"),
    )
    .join(Engagement, Engagement.id == Rating.engagement_id)
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(Rating.provider_id.in_(_IDS))
    .subquery()
)
_HISTORY = select(
    _LATEST.c.provider_id, _LATEST.c.score, _LATEST.c.model_id, _LATEST.c.embedding, _LATEST.c.neighbourhood
).where(_LATEST.c.recency <= bindparam("per"))
_OUTSIDE = (
    select(
        Engagement.provider_id.label("provider_id"),
        HelpRequest.model_id.label("model_id"),
        HelpRequest.embedding.label("embedding"),
        HelpRequest.neighbourhood.label("neighbourhood"),
        func.row_number().over(partition_by=Engagement.provider_id, order_by=Engagement.id.desc()).label("recency"),
    )
    .join(HelpRequest, HelpRequest.id == Engagement.request_id)
    .where(
        Engagement.provider_id.in_(_IDS),
        Engagement.status == EngagementStatus.declined,
        Engagement.outside_skills.is_(True),
    )
    .subquery()
)
_OUTSIDE_HISTORY = select(
    _OUTSIDE.c.provider_id, _OUTSIDE.c.model_id, _OUTSIDE.c.embedding, _OUTSIDE.c.neighbourhood
).where(_OUTSIDE.c.recency <= bindparam("per"))
_RATING_TOTALS = select(func.coalesce(func.sum(Rating.score), 0), func.count(Rating.id))
