"""The audit log: who did what to which id, when, under which request id, and with what outcome.

Rows hold ids and names only, never profile or request text. A successful call is written in
its own unit of work's transaction (it commits with the change, or not at all); a refused one
is written on its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.access.models import AuditEvent
from matcher.access.schemas import AuditRead
from profiles.actor import Actor
from profiles.models import as_utc, utcnow

OUTCOMES = ("ok", "refused", "failed")


class AuditService:
    """Records and lists audit events. Never commits: the caller's unit of work does."""

    def record(
        self,
        session: Session,
        *,
        actor: Actor | None,
        action: str,
        target: str | None,
        request_id: str | None,
        outcome: str,
        status: int,
    ) -> None:
        """Stage one audit row (an anonymous caller is recorded as such)."""
        session.add(
            AuditEvent(
                at=utcnow(),
                actor_kind=actor.kind if actor else "anonymous",
                actor=(actor.name if actor else "anonymous")[:128],
                via=actor.via if actor else None,
                action=action[:64],
                target=target[:128] if target else None,
                request_id=request_id,
                outcome=outcome,
                status=status,
            )
        )

    def recent(
        self, session: Session, *, since: datetime | None = None, actor: str | None = None, limit: int = 1000
    ) -> list[AuditRead]:
        """The newest `limit` rows, newest first, since a moment and/or of one actor."""
        stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
        if since is not None:
            stmt = stmt.where(AuditEvent.at >= since)
        if actor is not None:
            stmt = stmt.where(AuditEvent.actor == actor)
        return [
            AuditRead(
                at=as_utc(e.at),
                actor_kind=e.actor_kind,
                actor=e.actor,
                via=e.via,
                action=e.action,
                target=e.target,
                request_id=e.request_id,
                outcome=e.outcome,
                status=e.status,
            )
            for e in session.scalars(stmt)
        ]
