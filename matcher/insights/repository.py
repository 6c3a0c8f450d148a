"""Every query insights run: rows of requests, engagements, results, employees and offers.

Queries return plain tuples (Core selects, no ORM objects), because a period can hold
100,000 requests and the service only aggregates them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from matcher.feedback.models import Engagement, Rating
from matcher.insights.period import Period
from matcher.matching.models import HelpRequest, MatchResult
from profiles.models import Employee, StatementKind, StrengthStatement, as_utc

# Plain rows: a period can hold 100,000 requests and only aggregates leave the service.
Rows = Sequence[Any]


@dataclass(frozen=True)
class Offer:
    """A visible employee's declared strength statement, with its stored vector."""

    id: int
    employee_id: int
    text: str
    language: str
    embedding: bytes | None


class InsightsRepository:
    """Aggregate reads for insights (never writes)."""

    def _in_period(self, period: Period, unit: str | None) -> Select[Any]:
        """Ids of requests filed in the period (by a requester of `unit`, when given)."""
        stmt = select(HelpRequest.id).where(
            HelpRequest.created_at >= period.since, HelpRequest.created_at < period.until
        )
        if unit is not None:
            requester = aliased(Employee)
            stmt = stmt.join(requester, requester.external_id == HelpRequest.requester_id).where(requester.unit == unit)
        return stmt

    def requests(self, session: Session, *, period: Period, unit: str | None) -> Rows:
        """(id, best_strength) of each request in the period."""
        ids = self._in_period(period, unit).subquery()
        stmt = select(HelpRequest.id, HelpRequest.best_strength).join(ids, ids.c.id == HelpRequest.id)
        return session.execute(stmt).all()

    def engagements(self, session: Session, *, period: Period, unit: str | None) -> Rows:
        """(request_id, provider_id, status, proposed_at, accepted_at, declined_at, score) per engagement."""
        ids = self._in_period(period, unit).subquery()
        stmt = (
            select(
                Engagement.request_id,
                Engagement.provider_id,
                Engagement.status,
                Engagement.proposed_at,
                Engagement.accepted_at,
                Engagement.declined_at,
                Rating.score,
            )
            .join(ids, ids.c.id == Engagement.request_id)
            .outerjoin(Rating, Rating.engagement_id == Engagement.id)
        )
        return session.execute(stmt).all()

    def top_results(self, session: Session, *, period: Period, unit: str | None, max_rank: int) -> Rows:
        """(request_id, employee_id) of every result at rank `max_rank` or better in the period."""
        ids = self._in_period(period, unit).subquery()
        stmt = (
            select(MatchResult.request_id, MatchResult.employee_id)
            .join(ids, ids.c.id == MatchResult.request_id)
            .where(MatchResult.rank <= max_rank)
        )
        return session.execute(stmt).all()

    def visible_employees(self, session: Session) -> Rows:
        """(id, external_id, name, unit, supervisor) of every visible employee (hidden ones never appear)."""
        stmt = select(Employee.id, Employee.external_id, Employee.name, Employee.unit, Employee.supervisor).where(
            Employee.visible.is_(True)
        )
        return session.execute(stmt).all()

    def offers(self, session: Session, *, model_id: str) -> list[Offer]:
        """Declared statements of visible employees (evidence statements carry request text: never used)."""
        stmt = (
            select(
                StrengthStatement.id,
                StrengthStatement.employee_id,
                StrengthStatement.text,
                StrengthStatement.language,
                StrengthStatement.embedding,
                StrengthStatement.model_id,
            )
            .join(Employee, Employee.id == StrengthStatement.employee_id)
            .where(Employee.visible.is_(True), StrengthStatement.kind == StatementKind.declared)
            .order_by(StrengthStatement.id)
        )
        return [
            Offer(r.id, r.employee_id, r.text, r.language, r.embedding if r.model_id == model_id else None)
            for r in session.execute(stmt)
        ]

    def vectors_from(self, session: Session, *, model_id: str, since: datetime | None) -> Rows:
        """(id, created_at, embedding) of requests with a vector of this model, filed at or after `since`."""
        stmt = select(HelpRequest.id, HelpRequest.created_at, HelpRequest.embedding).where(
            HelpRequest.model_id == model_id, HelpRequest.embedding.is_not(None)
        )
        if since is not None:
            stmt = stmt.where(HelpRequest.created_at >= since)
        return session.execute(stmt.order_by(HelpRequest.created_at)).all()

    def vector_count(self, session: Session, *, model_id: str) -> int:
        """How many requests hold a vector of this model (it drops when old vectors are purged)."""
        stmt = select(func.count()).where(HelpRequest.model_id == model_id, HelpRequest.embedding.is_not(None))
        return int(session.scalar(stmt) or 0)

    def change_marker(self, session: Session) -> tuple[int, datetime | None]:
        """Count and newest time of employee updates: offers are re-read when either moves."""
        row = session.execute(select(func.count(Employee.id), func.max(Employee.updated_at))).one()
        return int(row[0]), as_utc(row[1]) if row[1] is not None else None
