"""ORM classes for employees, their strength statements and the change log the index follows."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from profiles.db import Base


def utcnow() -> datetime:
    """Timezone-aware now, for timestamps."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp as aware UTC (SQLite hands them back without a zone; all are written in UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Availability(StrEnum):
    """Whether an employee takes requests now."""

    available = "available"
    limited = "limited"
    unavailable = "unavailable"


class StatementKind(StrEnum):
    """Declared by the employee, or evidence from well-rated help they gave."""

    declared = "declared"
    evidence = "evidence"


class Employee(Base):
    """One employee's strength profile."""

    __tablename__ = "employee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(128), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(200), index=True, default="")
    title: Mapped[str | None] = mapped_column(String(200), nullable=True)
    supervisor: Mapped[bool] = mapped_column(Boolean, default=False)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[Availability] = mapped_column(String(16), default=Availability.available)
    capacity: Mapped[int] = mapped_column(Integer, default=3)
    visible: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    statements: Mapped[list[StrengthStatement]] = relationship(
        back_populates="employee",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="StrengthStatement.position",
        lazy="raise",
    )

    # SQLAlchemy bumps `version` on every flush and raises StaleDataError if another writer won.
    __mapper_args__ = {"version_id_col": version}


class StrengthStatement(Base):
    """One thing an employee is good at: its own vector in the index."""

    __tablename__ = "strength_statement"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    employee_id: Mapped[int] = mapped_column(ForeignKey("employee.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="fi")
    kind: Mapped[StatementKind] = mapped_column(String(16), default=StatementKind.declared)
    # For evidence statements: the engagement that produced it, and its rating.
    source_engagement_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)
    text_hash: Mapped[str] = mapped_column(String(64))
    # Indexed: every start asks whether any statement lacks this model's vector (a model change).
    model_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    employee: Mapped[Employee] = relationship(back_populates="statements", lazy="raise")


class ProfileChange(Base):
    """Append-only log of changed employees; every index replica catches up from it."""

    __tablename__ = "profile_change"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No foreign key: the entry must outlive an erased employee so replicas drop their vectors.
    employee_id: Mapped[int] = mapped_column(Integer, index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
