"""Engagements: propose a stored match to a provider, follow its lifecycle, rate it.

The employee acting is the signed-in one (a JWT), or the one an integration key acts for
(`X-Velho-Acting-Employee`), and is checked against the engagement's parties: the provider
accepts and declines, the requester or the provider completes and cancels, the requester proposes
and rates. Only an admin may name the acting employee in the body's `actor_id`.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.auth import access
from api.deps import ActorDep, SessionDep
from api.errors import problem_responses
from matcher.feedback.schemas import (
    CancelBody,
    DeclineBody,
    EngagementAction,
    EngagementCreate,
    EngagementRead,
    RatingCreate,
    to_read,
)
from matcher.feedback.service import EngagementService

router = APIRouter(prefix="/v1/engagements", tags=["engagements"])

# Engagement ids are 32-bit integers in the database (PostgreSQL `integer`).
EngagementId = Annotated[int, Path(ge=1, le=2**31 - 1)]
TRANSITION_ERRORS = problem_responses(401, 403, 404, 409, 422)


def _retry_ok(description: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI responses of a create that answers a retry with 200 and the existing resource."""
    ok: dict[int | str, dict[str, Any]] = {200: {"description": description, "model": EngagementRead}}
    return ok | TRANSITION_ERRORS


def get_engagement_service(request: Request) -> EngagementService:
    """The engagement service of the running Velho."""
    service: EngagementService = request.app.state.velho.engagements
    return service


EngagementServiceDep = Annotated[EngagementService, Depends(get_engagement_service)]


PARTIES = access("integration", "employee")


@router.post(
    "",
    name="engagement.propose",
    response_model=EngagementRead,
    status_code=status.HTTP_201_CREATED,
    responses=_retry_ok("Already proposed (a retry)"),
    **PARTIES,
)
def propose(
    body: EngagementCreate, response: Response, session: SessionDep, actor: ActorDep, service: EngagementServiceDep
) -> EngagementRead:
    """Offer a stored match request to one of its providers (201); the same offer again returns it (200)."""
    engagement, created = service.propose(
        session, request_id=body.request_id, provider_id=body.provider_id, actor=actor, actor_id=body.actor_id
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return to_read(engagement)


@router.get(
    "/{engagement_id}",
    name="engagement.read",
    response_model=EngagementRead,
    responses=problem_responses(401, 404, 422),
    **PARTIES,
)
def get_engagement(
    engagement_id: EngagementId, session: SessionDep, actor: ActorDep, service: EngagementServiceDep
) -> EngagementRead:
    """One engagement with its status, a timestamp per transition, and its rating (an employee: only their own)."""
    return service.get(session, engagement_id=engagement_id, actor=actor)


@router.post(
    "/{engagement_id}/accept",
    name="engagement.accept",
    response_model=EngagementRead,
    responses=TRANSITION_ERRORS,
    **PARTIES,
)
def accept(
    engagement_id: EngagementId,
    session: SessionDep,
    actor: ActorDep,
    service: EngagementServiceDep,
    body: EngagementAction | None = None,
) -> EngagementRead:
    """The provider accepts the offer (409 once it expired, was declined or cancelled)."""
    engagement, _ = service.accept(session, engagement_id=engagement_id, actor=actor, actor_id=_who(body))
    return to_read(engagement)


@router.post(
    "/{engagement_id}/decline",
    name="engagement.decline",
    response_model=EngagementRead,
    responses=TRANSITION_ERRORS,
    **PARTIES,
)
def decline(
    engagement_id: EngagementId,
    session: SessionDep,
    actor: ActorDep,
    service: EngagementServiceDep,
    body: DeclineBody | None = None,
) -> EngagementRead:
    """The provider declines the offer, optionally with a reason or as outside their skills; they are
    not offered this request again."""
    engagement, _ = service.decline(
        session,
        engagement_id=engagement_id,
        actor=actor,
        actor_id=_who(body),
        reason=body.reason if body else None,
        outside_skills=body.outside_skills if body else False,
    )
    return to_read(engagement)


@router.post(
    "/{engagement_id}/complete",
    name="engagement.complete",
    response_model=EngagementRead,
    responses=TRANSITION_ERRORS,
    **PARTIES,
)
def complete(
    engagement_id: EngagementId,
    session: SessionDep,
    actor: ActorDep,
    service: EngagementServiceDep,
    body: EngagementAction | None = None,
) -> EngagementRead:
    """Requester or provider marks the accepted help as done."""
    engagement, _ = service.complete(session, engagement_id=engagement_id, actor=actor, actor_id=_who(body))
    return to_read(engagement)


@router.post(
    "/{engagement_id}/cancel",
    name="engagement.cancel",
    response_model=EngagementRead,
    responses=TRANSITION_ERRORS,
    **PARTIES,
)
def cancel(
    engagement_id: EngagementId,
    session: SessionDep,
    actor: ActorDep,
    service: EngagementServiceDep,
    body: CancelBody | None = None,
) -> EngagementRead:
    """Requester or provider calls off a proposed or accepted engagement."""
    engagement, _ = service.cancel(
        session, engagement_id=engagement_id, actor=actor, actor_id=_who(body), reason=body.reason if body else None
    )
    return to_read(engagement)


@router.post(
    "/{engagement_id}/rating",
    name="engagement.rate",
    response_model=EngagementRead,
    status_code=status.HTTP_201_CREATED,
    responses=_retry_ok("The same rating again (a retry)"),
    **PARTIES,
)
def rate(
    engagement_id: EngagementId,
    body: RatingCreate,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    service: EngagementServiceDep,
) -> EngagementRead:
    """The requester rates a completed engagement 1–5, once (201; the identical rating again gives 200)."""
    engagement, created = service.rate(
        session,
        engagement_id=engagement_id,
        score=body.score,
        comment=body.comment,
        actor=actor,
        actor_id=body.actor_id,
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    return to_read(engagement)


def _who(body: EngagementAction | None) -> str | None:
    return body.actor_id if body is not None else None
