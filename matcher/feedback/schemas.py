"""Schemas of the engagement API: what comes in, what goes out (never ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from matcher.feedback.models import Engagement, EngagementStatus
from profiles.fields import NON_BLANK, STORABLE, OptionalText, RequiredText, Whole
from profiles.models import as_utc
from profiles.schemas import ExternalId

Reason = Annotated[str, Field(min_length=1, max_length=500, json_schema_extra=NON_BLANK), RequiredText]
RequestId = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9]+$")]


class Schema(BaseModel):
    """Strict input: no silent coercion, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid")


class EngagementAction(Schema):
    """Optional body of accept/complete: who acts, when the caller acts for someone."""

    actor_id: ExternalId | None = Field(
        default=None,
        description="admin only: the employee the admin acts as (requester or provider), checked against the "
        "engagement's parties. Employees act as themselves; a key acts for one with X-Velho-Acting-Employee.",
    )


class EngagementCreate(EngagementAction):
    """Body of `POST /v1/engagements`: offer a stored request to one of its providers."""

    request_id: RequestId
    provider_id: ExternalId


class DeclineBody(EngagementAction):
    """Optional body of decline."""

    reason: Reason | None = None
    outside_skills: bool = Field(
        default=False,
        description="the provider cannot help with this kind of request: the ranking learns it for requests like "
        "this one (as a rating of 1 would teach) and does not count the decline against their responsiveness",
    )


class CancelBody(EngagementAction):
    """Optional body of cancel."""

    reason: Reason | None = None


class RatingCreate(EngagementAction):
    """Body of `POST /v1/engagements/{id}/rating`: once, after completion, by the requester."""

    score: Annotated[int, Field(ge=1, le=5), Whole]
    comment: Annotated[str, Field(max_length=2000, json_schema_extra=STORABLE), OptionalText] | None = None


class RatingRead(BaseModel):
    """A stored rating."""

    score: int
    comment: str | None
    created_at: datetime


class EngagementRead(BaseModel):
    """An engagement with a timestamp for each transition it went through."""

    id: int
    request_id: str
    provider_id: str | None = Field(description="the provider's external id (null once the provider was erased)")
    requester_id: str | None
    status: EngagementStatus
    decline_reason: str | None = None
    outside_skills: bool = Field(default=False, description="declined as outside the provider's skills")
    cancel_reason: str | None = None
    closed_by: str | None = Field(default=None, description="who completed or cancelled: requester, provider or admin")
    proposed_at: datetime
    expires_at: datetime
    accepted_at: datetime | None = None
    declined_at: datetime | None = None
    expired_at: datetime | None = None
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    rating: RatingRead | None = None


def _opt(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def to_read(engagement: Engagement, *, now: datetime | None = None) -> EngagementRead:
    """Public view of an engagement (provider and request must be loaded).

    Given `now`, an unanswered offer past its time reads as expired even before the sweep marks it.
    """
    e = engagement
    status = EngagementStatus(e.status)
    expired_at = _opt(e.expired_at)
    if now is not None and status == EngagementStatus.proposed and as_utc(e.expires_at) <= now:
        status, expired_at = EngagementStatus.expired, as_utc(e.expires_at)
    rating = None
    if e.rating is not None:
        rating = RatingRead(score=e.rating.score, comment=e.rating.comment, created_at=as_utc(e.rating.created_at))
    return EngagementRead(
        id=e.id,
        request_id=e.request_id,
        provider_id=e.provider.external_id if e.provider is not None else None,
        requester_id=e.request.requester_id,
        status=status,
        decline_reason=e.decline_reason,
        outside_skills=e.outside_skills,
        cancel_reason=e.cancel_reason,
        closed_by=e.closed_by,
        proposed_at=as_utc(e.proposed_at),
        expires_at=as_utc(e.expires_at),
        accepted_at=_opt(e.accepted_at),
        declined_at=_opt(e.declined_at),
        expired_at=expired_at,
        completed_at=_opt(e.completed_at),
        cancelled_at=_opt(e.cancelled_at),
        rating=rating,
    )
