"""Every query insights run: rows of requests, engagements, results, employees and offers.

Queries return plain tuples (Core selects, no ORM objects), because a period can hold
100,000 requests and the service only aggregates them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from matcher.feedback.models import OPEN_STATUSES, Engagement, Rating
from matcher.insights.period import Period
from matcher.matching.models import HelpRequest, MatchResult
from profiles.models import Employee, StatementKind, StrengthStatement, as_utc

# Plain rows: a period can hold 100,000 requests and only aggregates leave the service.
Rows = Sequence[Any]
# Rows per fetch of a large read. The driver builds a fetch's rows holding the GIL, so this
# bounds how long a background refresh keeps matches waiting: 5,000 offer rows held it ~230 ms
# at 100,000 people, 500 rows a few ms (and read no slower).
FETCH_ROWS = 500
# Ids per IN list when offers of some employees, or offer texts, are read.
OFFER_BATCH = 5_000


class InsightsRepository:
    """Aggregate reads for insights (never writes)."""

    def engagements_changed(self, session: Session, *, after_id: int) -> Rows:
        """(id, request_id, provider_id, status, accepted, declined, hours) of engagements created
        after `after_id` or still open (only those can have changed since they were read)."""
        stmt = select(
            Engagement.id,
            Engagement.request_id,
            Engagement.provider_id,
            Engagement.status,
            Engagement.accepted_at.is_not(None).label("accepted"),
            Engagement.declined_at.is_not(None).label("declined"),
            _hours_between(session, Engagement.proposed_at, Engagement.accepted_at).label("hours"),
        ).where(or_(Engagement.id > after_id, Engagement.status.in_(OPEN_STATUSES)))
        return _streamed(session, stmt)

    def ratings_after(self, session: Session, *, after_id: int) -> Rows:
        """(id, engagement_id, score) of ratings created after `after_id`."""
        stmt = select(Rating.id, Rating.engagement_id, Rating.score).where(Rating.id > after_id)
        return _streamed(session, stmt)

    def units(self, session: Session) -> dict[str, str]:
        """Every employee's unit by external id (to filter requests by their requester's unit)."""
        return {r.external_id: r.unit for r in _streamed(session, select(Employee.external_id, Employee.unit))}

    def visible_employees(self, session: Session) -> Rows:
        """(id, external_id, name, unit, supervisor) of every visible employee (hidden ones never appear)."""
        stmt = select(Employee.id, Employee.external_id, Employee.name, Employee.unit, Employee.supervisor).where(
            Employee.visible.is_(True)
        )
        return _streamed(session, stmt)

    def offer_rows(self, session: Session, *, employees: Sequence[int] | None = None) -> Iterator[tuple[int, int, str]]:
        """(id, employee_id, language) of every declared statement of a visible employee (or of
        these employees), streamed (500,000 at 100,000 people). Evidence statements carry request
        text: never read."""
        if employees is None:
            yield from self._offer_rows(session, None)
            return
        for lo in range(0, len(employees), OFFER_BATCH):
            yield from self._offer_rows(session, employees[lo : lo + OFFER_BATCH])

    def _offer_rows(self, session: Session, employees: Sequence[int] | None) -> Iterator[tuple[int, int, str]]:
        stmt = (
            _offers(StrengthStatement.id, StrengthStatement.employee_id, StrengthStatement.language)
            .order_by(StrengthStatement.id)
            .execution_options(yield_per=FETCH_ROWS)
        )
        if employees is not None:
            stmt = stmt.where(StrengthStatement.employee_id.in_(employees))
        for r in session.execute(stmt):
            yield r.id, r.employee_id, r.language or ""

    def offer_texts(self, session: Session, ids: Iterable[int]) -> dict[int, str]:
        """The texts of these offers (declared statements of visible employees), by id."""
        wanted = sorted(set(ids))
        out: dict[int, str] = {}
        for lo in range(0, len(wanted), OFFER_BATCH):
            stmt = _offers(StrengthStatement.id, StrengthStatement.text).where(
                StrengthStatement.id.in_(wanted[lo : lo + OFFER_BATCH])
            )
            out.update((r.id, r.text) for r in session.execute(stmt))
        return out

    def _with_vector(self, model_id: str, since: datetime | None) -> Select[Any]:
        stmt = select(HelpRequest.id).where(HelpRequest.model_id == model_id, HelpRequest.embedding.is_not(None))
        return stmt if since is None else stmt.where(HelpRequest.created_at >= since)

    def vectors_from(self, session: Session, *, model_id: str, since: datetime | None) -> Rows:
        """(id, created_at, requester_id, best_strength, embedding) of requests with a vector of this
        model, filed at or after `since`, oldest first."""
        stmt = select(
            HelpRequest.id,
            HelpRequest.created_at,
            HelpRequest.requester_id,
            HelpRequest.best_strength,
            HelpRequest.embedding,
        ).where(HelpRequest.model_id == model_id, HelpRequest.embedding.is_not(None))
        if since is not None:
            stmt = stmt.where(HelpRequest.created_at >= since)
        return _streamed(session, stmt.order_by(HelpRequest.created_at))

    def results_from(self, session: Session, *, model_id: str, since: datetime | None, max_rank: int) -> Rows:
        """(request_id, employee_id, rank, relevance) of the results at `max_rank` or better of those
        requests; relevance is the result's relevance component (None in BM25 mode)."""
        ids = self._with_vector(model_id, since).subquery()
        relevance = MatchResult.components["relevance"].as_float().label("relevance")
        stmt = (
            select(MatchResult.request_id, MatchResult.employee_id, MatchResult.rank, relevance)
            .join(ids, ids.c.id == MatchResult.request_id)
            .where(MatchResult.rank <= max_rank)
        )
        return _streamed(session, stmt)

    def request_count(self, session: Session, *, period: Period) -> int:
        """How many requests were filed in the period (with a vector or not)."""
        stmt = select(func.count()).where(HelpRequest.created_at >= period.since, HelpRequest.created_at < period.until)
        return int(session.scalar(stmt) or 0)

    def has_vector(self, session: Session, *, request_id: str) -> bool:
        """Whether the request still holds its vector."""
        stmt = select(HelpRequest.embedding.is_not(None)).where(HelpRequest.id == request_id)
        return bool(session.scalar(stmt))

    def vector_count(self, session: Session, *, model_id: str) -> int:
        """How many requests hold a vector of this model (it drops when old vectors are purged)."""
        stmt = select(func.count()).where(HelpRequest.model_id == model_id, HelpRequest.embedding.is_not(None))
        return int(session.scalar(stmt) or 0)

    def employee_ids(self, session: Session) -> npt.NDArray[np.int64]:
        """Every employee's id, hidden or not (what is gone from it was erased)."""
        ids = _streamed(session, select(Employee.id))
        return np.fromiter((r.id for r in ids), np.int64, len(ids))

    def employees_updated_since(self, session: Session, since: datetime) -> list[int]:
        """Ids of the employees updated (profile, statements, visibility) at or after `since`."""
        return list(session.execute(select(Employee.id).where(Employee.updated_at >= since)).scalars())

    def change_marker(self, session: Session) -> tuple[int, datetime | None]:
        """Count and newest time of employee updates: offers are re-read when either moves."""
        row = session.execute(select(func.count(Employee.id), func.max(Employee.updated_at))).one()
        return int(row[0]), as_utc(row[1]) if row[1] is not None else None


def _streamed(session: Session, stmt: Executable) -> list[Any]:
    """Every row of `stmt`, fetched `FETCH_ROWS` at a time (see there)."""
    return list(session.execute(stmt.execution_options(yield_per=FETCH_ROWS)))


def _offers(*columns: Any) -> Select[Any]:
    """These columns of the offers: declared statements of visible employees (evidence statements
    carry request text, and hidden employees never appear)."""
    return (
        select(*columns)
        .join(Employee, Employee.id == StrengthStatement.employee_id)
        .where(Employee.visible.is_(True), StrengthStatement.kind == StatementKind.declared)
    )


def _hours_between(session: Session, start: Any, end: Any) -> Any:
    """`end - start` in hours, in the database's own date arithmetic (NULL when `end` is)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(end) - func.julianday(start)) * 24.0
    return func.extract("epoch", end - start) / 3600.0
