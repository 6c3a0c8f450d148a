"""ORM for engagements (an offer from a stored request to one of its providers) and their ratings."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matcher.matching.models import HelpRequest
from profiles.db import Base
from profiles.models import Employee, utcnow


class EngagementStatus(StrEnum):
    """Where an engagement is; `declined`, `expired`, `cancelled` and `completed` are final."""

    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    expired = "expired"
    completed = "completed"
    cancelled = "cancelled"


# Proposed and accepted engagements hold one unit of the provider's capacity.
OPEN_STATUSES = (EngagementStatus.proposed, EngagementStatus.accepted)


class Engagement(Base):
    """A request offered to one provider, with a timestamp per transition.

    Erasing the provider keeps it with `provider_id` NULL (the requester's history stays whole);
    deleting the request removes it (and its rating) by foreign-key cascade.
    """

    __tablename__ = "engagement"
    # One engagement per request and provider: retried proposals find it instead of doubling it.
    __table_args__ = (
        UniqueConstraint("request_id", "provider_id", name="uq_engagement_request_provider"),
        # The expiry sweep and the open-load count both filter on status, then on expiry time.
        Index("ix_engagement_status_expires_at", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    # NULL once the provider is erased: the requester's history keeps the engagement, anonymised.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="SET NULL"), index=True)
    status: Mapped[EngagementStatus] = mapped_column(String(16), default=EngagementStatus.proposed)
    decline_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Declined as outside their skills: what the ranking learns about requests like this one (as a
    # rating of 1 would teach), not a sign of being unresponsive.
    outside_skills: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    cancel_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Who completed or cancelled it: "requester", "provider" or "admin".
    closed_by: Mapped[str | None] = mapped_column(String(16), nullable=True)
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    declined_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    rating: Mapped[Rating | None] = relationship(
        back_populates="engagement", uselist=False, cascade="all, delete-orphan", passive_deletes=True, lazy="raise"
    )
    request: Mapped[HelpRequest] = relationship(lazy="raise")
    provider: Mapped[Employee | None] = relationship(lazy="raise")


class Rating(Base):
    """The requester's 1–5 rating of a completed engagement (one per engagement)."""

    __tablename__ = "rating"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    engagement_id: Mapped[int] = mapped_column(ForeignKey("engagement.id", ondelete="CASCADE"), unique=True, index=True)
    # Denormalised from the engagement so per-provider aggregates need no join.
    # NULL once the provider is erased: the requester's history keeps the engagement, anonymised.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("employee.id", ondelete="SET NULL"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    engagement: Mapped[Engagement] = relationship(back_populates="rating", lazy="raise")
