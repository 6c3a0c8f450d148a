"""`WebhookService`: subscriptions (an integration sees its own, an admin all) and their delivery log.
Never commits: the caller's unit of work does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from matcher.webhooks.errors import WebhookNotFound
from matcher.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from matcher.webhooks.schemas import DeliveryRead, WebhookCreate, WebhookCreated, WebhookRead
from matcher.webhooks.signing import new_secret
from matcher.webhooks.targets import TargetPolicy
from profiles.actor import Actor
from profiles.models import as_utc, utcnow


class WebhookService:
    """Create, list, read and delete subscriptions; read deliveries."""

    def __init__(self, targets: TargetPolicy) -> None:
        self.targets = targets

    def create(self, session: Session, *, data: WebhookCreate, actor: Actor) -> WebhookCreated:
        """A new subscription with a fresh signing secret (returned this once); its URL must reach an
        allowed address (`WebhookTargetRefused`, 422)."""
        self.targets.check_url(data.url)
        sub = WebhookSubscription(
            url=data.url,
            events=list(data.events),
            description=data.description,
            secret=new_secret(),
            owner=actor.name,
            created_at=utcnow(),
            consecutive_failures=0,
        )
        session.add(sub)
        session.flush()
        return WebhookCreated(**_read(sub).model_dump(), secret=sub.secret)

    def owned(self, session: Session, *, actor: Actor) -> list[WebhookRead]:
        """The caller's subscriptions (every one for an admin)."""
        stmt = select(WebhookSubscription).order_by(WebhookSubscription.id)
        if not actor.is_admin:
            stmt = stmt.where(WebhookSubscription.owner == actor.name)
        return [_read(s) for s in session.scalars(stmt)]

    def get(self, session: Session, *, subscription_id: int, actor: Actor) -> WebhookRead:
        """One subscription of the caller's (404 for another's: its existence is not revealed)."""
        return _read(self._own(session, subscription_id, actor))

    def delete(self, session: Session, *, subscription_id: int, actor: Actor) -> None:
        """End a subscription; its pending deliveries go with it."""
        session.delete(self._own(session, subscription_id, actor))
        session.flush()

    def deliveries(
        self, session: Session, *, subscription_id: int, actor: Actor, limit: int = 100
    ) -> list[DeliveryRead]:
        """The newest deliveries of a subscription, newest first."""
        self._own(session, subscription_id, actor)
        rows = session.execute(
            select(WebhookDelivery, WebhookEvent.type)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.subscription_id == subscription_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        ).all()
        return [
            DeliveryRead(
                id=d.id,
                event_id=d.event_id,
                event_type=t,
                status=d.status,
                attempts=d.attempts,
                next_attempt_at=as_utc(d.next_attempt_at) if d.status == "pending" else None,
                last_status_code=d.last_status_code,
                last_error=d.last_error,
                delivered_at=as_utc(d.delivered_at) if d.delivered_at else None,
                created_at=as_utc(d.created_at),
            )
            for d, t in rows
        ]

    def _own(self, session: Session, subscription_id: int, actor: Actor) -> WebhookSubscription:
        sub = session.get(WebhookSubscription, subscription_id)
        if sub is None or (not actor.is_admin and sub.owner != actor.name):
            raise WebhookNotFound(f"no webhook subscription {subscription_id}")
        return sub


def _read(sub: WebhookSubscription) -> WebhookRead:
    return WebhookRead(
        id=sub.id,
        url=sub.url,
        events=list(sub.events),
        description=sub.description,
        created_at=as_utc(sub.created_at),
        active=sub.disabled_at is None,
        consecutive_failures=sub.consecutive_failures,
        disabled_at=as_utc(sub.disabled_at) if sub.disabled_at else None,
        disabled_reason=sub.disabled_reason,
    )
