"""Webhook subscriptions for frontends, and their delivery log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response, status

from api.auth import access
from api.deps import ActorDep, SessionDep, VelhoDep
from api.errors import problem_responses
from matcher.webhooks.schemas import DeliveryRead, WebhookCreate, WebhookCreated, WebhookRead

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
INTEGRATIONS = access("integration")
SubscriptionId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post(
    "",
    name="webhook.create",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookCreated,
    responses=problem_responses(401, 403, 422),
    **INTEGRATIONS,
)
def create_webhook(body: WebhookCreate, session: SessionDep, actor: ActorDep, velho: VelhoDep) -> WebhookCreated:
    """Subscribe a URL to event types; the signing secret is in this answer only (Standard Webhooks)."""
    return velho.webhooks.create(session, data=body, actor=actor)


@router.get(
    "", name="webhook.list", response_model=list[WebhookRead], responses=problem_responses(401, 403), **INTEGRATIONS
)
def list_webhooks(session: SessionDep, actor: ActorDep, velho: VelhoDep) -> list[WebhookRead]:
    """Your subscriptions (every subscription for an admin)."""
    return velho.webhooks.owned(session, actor=actor)


@router.get(
    "/{subscription_id}",
    name="webhook.read",
    response_model=WebhookRead,
    responses=problem_responses(401, 403, 404, 422),
    **INTEGRATIONS,
)
def get_webhook(subscription_id: SubscriptionId, session: SessionDep, actor: ActorDep, velho: VelhoDep) -> WebhookRead:
    """One subscription: whether it is active, and why not when it was disabled."""
    return velho.webhooks.get(session, subscription_id=subscription_id, actor=actor)


@router.delete(
    "/{subscription_id}",
    name="webhook.delete",
    status_code=204,
    responses=problem_responses(401, 403, 404, 422),
    **INTEGRATIONS,
)
def delete_webhook(subscription_id: SubscriptionId, session: SessionDep, actor: ActorDep, velho: VelhoDep) -> Response:
    """End a subscription; deliveries not yet sent are dropped."""
    velho.webhooks.delete(session, subscription_id=subscription_id, actor=actor)
    return Response(status_code=204)


@router.get(
    "/{subscription_id}/deliveries",
    name="webhook.deliveries",
    response_model=list[DeliveryRead],
    responses=problem_responses(401, 403, 404, 422),
    **INTEGRATIONS,
)
def list_deliveries(
    subscription_id: SubscriptionId,
    session: SessionDep,
    actor: ActorDep,
    velho: VelhoDep,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[DeliveryRead]:
    """The newest deliveries of a subscription: status, attempts, last answer and error."""
    return velho.webhooks.deliveries(session, subscription_id=subscription_id, actor=actor, limit=limit)
