"""ORM for stored match requests and the results they returned (the base for feedback)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from profiles.db import Base
from profiles.models import utcnow


class HelpRequest(Base):
    """A request someone filed, kept for feedback and insights (never logged)."""

    __tablename__ = "help_request"
    # Insights read requests by period (migration 0006). The id rides in the index, so a period's
    # ids are read without touching the rows, whose stored vectors would make that 20x slower.
    __table_args__ = (Index("ix_help_request_created_at_id", "created_at", "id"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # NULL once purged (VELHO_RETENTION_DAYS) or its requester erased: counts stay, text does not.
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    requester_id: Mapped[str | None] = mapped_column(String(128), nullable=True, index=True)
    k: Mapped[int] = mapped_column(Integer)
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The request vector (language-corrected), so evidence needs no re-encoding.
    model_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # The declared statements nearest the request among its candidates' when it was ranked (their
    # ids and the request's similarity to each; format in `feedback/neighbourhood.py`), so the
    # feedback loop can later compare other requests with it in its own neighbourhood. NULL under
    # plain cosine or with feedback off.
    neighbourhood: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # The band of the best result ("strong" / "fair" / "weak"); insights count unmet demand from it.
    best_strength: Mapped[str | None] = mapped_column(String(8), nullable=True)

    results: Mapped[list[MatchResult]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="MatchResult.rank", lazy="raise"
    )


class MatchResult(Base):
    """One provider a request returned, at its rank, with its score components."""

    __tablename__ = "match_result"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[str] = mapped_column(ForeignKey("help_request.id", ondelete="CASCADE"), index=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    components: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    strength: Mapped[str | None] = mapped_column(String(8), nullable=True)

    request: Mapped[HelpRequest] = relationship(back_populates="results", lazy="raise")
