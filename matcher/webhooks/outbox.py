"""The transactional outbox: a unit of work's events become event rows and one pending delivery per
interested, enabled subscription, inside the same transaction as the change (an event nobody
subscribed to is not kept)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from profiles.events import DomainEvent

EVENT_TYPES = (
    "engagement.proposed",
    "engagement.accepted",
    "engagement.declined",
    "engagement.expired",
    "engagement.completed",
    "engagement.cancelled",
    "engagement.rated",
    "profile.updated",
    "profile.erased",
)


def write_events(session: Session, events: Sequence[DomainEvent]) -> int:
    """Stage the events and their deliveries; returns how many deliveries were created."""
    if not events:
        return 0
    subscriptions = session.scalars(select(WebhookSubscription).where(WebhookSubscription.disabled_at.is_(None))).all()
    rows: list[tuple[WebhookEvent, list[WebhookSubscription]]] = []
    for event in events:
        interested = [sub for sub in subscriptions if event.type in sub.events]
        if not interested:
            continue  # nobody asked for it: no row to keep
        row = WebhookEvent(
            id=f"msg_{uuid.uuid4().hex}",
            type=event.type,
            payload={"type": event.type, "timestamp": event.at.isoformat(), "data": event.data},
            created_at=event.at,
        )
        session.add(row)
        rows.append((row, interested))
    if not rows:
        return 0
    session.flush()  # the events first: the deliveries refer to them
    for row, interested in rows:
        for sub in interested:
            session.add(WebhookDelivery(event_id=row.id, subscription_id=sub.id, next_attempt_at=row.created_at))
    session.flush()
    return sum(len(interested) for _, interested in rows)
