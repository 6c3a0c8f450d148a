"""Queries over stored match requests and their results."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matcher.matching.models import HelpRequest, MatchResult


class RequestRepository:
    """Stored requests and the providers they returned."""

    def add(self, session: Session, *, request: HelpRequest) -> HelpRequest:
        """Stage a request with its results."""
        session.add(request)
        return request

    def get(self, session: Session, *, request_id: str) -> HelpRequest | None:
        """A request with its results, or None."""
        stmt = select(HelpRequest).where(HelpRequest.id == request_id).options(selectinload(HelpRequest.results))
        return session.scalars(stmt).one_or_none()

    def result_for(self, session: Session, *, request_id: str, employee_id: int) -> MatchResult | None:
        """The result row of one provider in one request."""
        stmt = select(MatchResult).where(MatchResult.request_id == request_id, MatchResult.employee_id == employee_id)
        return session.scalars(stmt).first()
