"""ORM for integration keys (stored only as hashes) and the audit log (never any profile or request text)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from profiles.db import Base
from profiles.models import utcnow


class ApiKey(Base):
    """A frontend's key: the secret part is kept only as a sha256; the prefix finds the row."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    prefix: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """One call: who (and for whom), what, on which id, when, under which request id, and the outcome."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_actor_at", "actor", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor_kind: Mapped[str] = mapped_column(String(16))
    # "admin", a key's name, or an employee's external id.
    actor: Mapped[str] = mapped_column(String(128))
    # The key an integration acted through, when it acted for an employee.
    via: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(64))
    target: Mapped[str | None] = mapped_column(String(128), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    outcome: Mapped[str] = mapped_column(String(16))  # ok, refused, failed
    status: Mapped[int] = mapped_column(Integer)
