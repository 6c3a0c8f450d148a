"""Domain events a unit of work carries until its commit, for webhooks (ids and statuses only).

Services note what happened (`note_event`) in the session they were given; the unit of work
writes the events to the outbox in the same transaction as the change, so a rolled-back change
leaves no event and a committed one always has its event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from profiles.models import utcnow

_PENDING = "velho.events"


@dataclass(frozen=True)
class DomainEvent:
    """`type` such as "profile.updated"; `data` holds ids, statuses and timestamps, never free text."""

    type: str
    data: dict[str, Any]
    at: datetime


def note_event(session: Session, event_type: str, data: dict[str, Any]) -> None:
    """Stage an event for the unit of work to write at commit."""
    session.info.setdefault(_PENDING, []).append(DomainEvent(event_type, data, utcnow()))


def take_events(session: Session) -> list[DomainEvent]:
    """The staged events, removed from the session."""
    events: list[DomainEvent] = session.info.pop(_PENDING, [])
    return events


def forget_events(session: Session) -> None:
    """Drop staged events (the unit of work rolled back)."""
    session.info.pop(_PENDING, None)
