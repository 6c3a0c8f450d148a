"""The queries of export, erasure and retention: they span requests, engagements, ratings and statements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from matcher.feedback.models import Engagement, Rating
from matcher.matching.models import HelpRequest, MatchResult
from profiles.models import StatementKind, StrengthStatement


class PrivacyRepository:
    """Reads and anonymising writes about one person across the feedback and matching tables."""

    def requests_of(self, session: Session, *, requester_id: str) -> list[tuple[HelpRequest, int]]:
        """The person's stored match requests with their result counts, oldest first."""
        counts = select(MatchResult.request_id, func.count().label("n")).group_by(MatchResult.request_id).subquery()
        stmt = (
            select(HelpRequest, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.request_id == HelpRequest.id)
            .where(HelpRequest.requester_id == requester_id)
            .order_by(HelpRequest.created_at)
        )
        return [(r, int(n)) for r, n in session.execute(stmt)]

    def results_of(self, session: Session, *, employee_id: int) -> list[tuple[MatchResult, datetime]]:
        """The stored match results that ranked the person, with their request's time, oldest first."""
        stmt = (
            select(MatchResult, HelpRequest.created_at)
            .join(HelpRequest, HelpRequest.id == MatchResult.request_id)
            .where(MatchResult.employee_id == employee_id)
            .order_by(HelpRequest.created_at, MatchResult.id)
        )
        return [(r, at) for r, at in session.execute(stmt)]

    def ratings_given(self, session: Session, *, requester_id: str) -> Sequence[Rating]:
        """Ratings of engagements the person requested."""
        stmt = (
            select(Rating)
            .join(Engagement, Engagement.id == Rating.engagement_id)
            .join(HelpRequest, HelpRequest.id == Engagement.request_id)
            .where(HelpRequest.requester_id == requester_id)
            .order_by(Rating.created_at)
        )
        return list(session.scalars(stmt))

    def ratings_received(self, session: Session, *, provider_id: int) -> Sequence[Rating]:
        """Ratings of the person's help."""
        return list(
            session.scalars(select(Rating).where(Rating.provider_id == provider_id).order_by(Rating.created_at))
        )

    def evidence_from_requests_of(self, session: Session, *, requester_id: str) -> Sequence[StrengthStatement]:
        """Other providers' evidence statements made of the person's request texts."""
        engagements = (
            select(Engagement.id)
            .join(HelpRequest, HelpRequest.id == Engagement.request_id)
            .where(HelpRequest.requester_id == requester_id)
        )
        stmt = select(StrengthStatement).where(
            StrengthStatement.kind == StatementKind.evidence, StrengthStatement.source_engagement_id.in_(engagements)
        )
        return list(session.scalars(stmt))

    def anonymise_requester(self, session: Session, *, requester_id: str) -> int:
        """Keep the person's requests and engagements for the providers' history, without their words or id."""
        requested = select(HelpRequest.id).where(HelpRequest.requester_id == requester_id)
        their_engagements = select(Engagement.id).where(Engagement.request_id.in_(requested))
        session.execute(
            update(Rating).where(Rating.engagement_id.in_(their_engagements)).values(comment=None),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            update(Engagement)
            .where(Engagement.request_id.in_(requested), Engagement.closed_by == "requester")
            .values(cancel_reason=None),
            execution_options={"synchronize_session": False},
        )
        result = session.execute(
            update(HelpRequest)
            .where(HelpRequest.requester_id == requester_id)
            .values(text=None, embedding=None, neighbourhood=None, model_id=None, requester_id=None),
            execution_options={"synchronize_session": False},
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def anonymise_provider(self, session: Session, *, provider_id: int) -> None:
        """Drop the person's words from engagements offered to them (the row itself loses them at erase)."""
        session.execute(
            update(Engagement).where(Engagement.provider_id == provider_id).values(decline_reason=None),
            execution_options={"synchronize_session": False},
        )
        session.execute(
            delete(Rating).where(Rating.provider_id == provider_id), execution_options={"synchronize_session": False}
        )

    def purge_request_texts(self, session: Session, *, before: datetime) -> int:
        """Forget the texts, vectors and neighbourhoods of requests filed before `before`; counts and results stay."""
        result = session.execute(
            update(HelpRequest)
            .where(HelpRequest.created_at < before, HelpRequest.text.is_not(None))
            .values(text=None, embedding=None, neighbourhood=None, model_id=None),
            execution_options={"synchronize_session": False},
        )
        return int(getattr(result, "rowcount", 0) or 0)
