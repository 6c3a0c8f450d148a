"""Schemas of the webhook API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from matcher.webhooks.outbox import EVENT_TYPES
from profiles.fields import STORABLE, OptionalText

EventType = Literal[
    "engagement.proposed",
    "engagement.accepted",
    "engagement.declined",
    "engagement.expired",
    "engagement.completed",
    "engagement.cancelled",
    "engagement.rated",
    "profile.updated",
    "profile.erased",
]
assert set(EventType.__args__) == set(EVENT_TYPES)  # type: ignore[attr-defined]  # one list of names


class WebhookCreate(BaseModel):
    """Body of `POST /v1/webhooks`."""

    model_config = ConfigDict(strict=True, extra="forbid")

    url: Annotated[str, Field(min_length=8, max_length=2000, pattern=r"^https?://[^\s]+$")]
    events: Annotated[list[EventType], Field(min_length=1, max_length=len(EVENT_TYPES))]
    description: Annotated[str, Field(max_length=500, json_schema_extra=STORABLE), OptionalText] = ""

    @field_validator("events")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class WebhookRead(BaseModel):
    """A subscription (the secret is shown only in `WebhookCreated`)."""

    id: int
    url: str
    events: list[str]
    description: str
    created_at: datetime
    active: bool
    consecutive_failures: int
    disabled_at: datetime | None = None
    disabled_reason: str | None = None


class WebhookCreated(WebhookRead):
    """The subscription just made, with its signing secret: store it now, it is never shown again."""

    secret: str = Field(description="Standard Webhooks signing secret (whsec_ + base64)")


class DeliveryRead(BaseModel):
    """One delivery attempt record of an event to a subscription."""

    id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
