"""The personal-data export: everything Velho holds about one person, and what it derives about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from matcher.feedback.schemas import EngagementRead
from matcher.matching.strength import Strength
from profiles.schemas import ProfileRead


class RequestRecord(BaseModel):
    """A match request the person filed (its text, unless already purged)."""

    id: str
    text: str | None
    language: str
    created_at: datetime
    filters: dict[str, Any]
    results: int
    best_strength: Strength | None = Field(description="the strongest match band among its results, as stored")


class AppearanceRecord(BaseModel):
    """A stored match result that ranked the person as a provider (whose request it was is not shown)."""

    request_id: str
    at: datetime
    rank: int
    score: float
    components: dict[str, float]
    strength: Strength | None = Field(description="the match band of this result, as stored")


class RatingRecord(BaseModel):
    """A rating the person gave or received."""

    engagement_id: int
    score: int
    comment: str | None
    created_at: datetime


class DerivedRecord(BaseModel):
    """How the ranking treats the person as a provider (the feedback components' inputs and values)."""

    engagements: int
    accepted: int
    declined: int
    expired: int
    open_now: int
    capacity: int
    ratings_received: int
    mean_rating: float | None
    shrunk_rating: float | None = Field(description="the Bayesian average the ranking uses")
    acceptance_posterior: float = Field(description="Beta posterior mean of accepting an offer")
    components: dict[str, float] = Field(description="quality, responsiveness and load as a ranking adds them now")


class PersonalDataExport(BaseModel):
    """`GET /v1/employees/{id}/export`: the person's data in Velho, for them to see (GDPR art. 15)."""

    generated_at: datetime
    profile: ProfileRead
    engagements_as_provider: list[EngagementRead]
    engagements_as_requester: list[EngagementRead]
    ratings_given: list[RatingRecord]
    ratings_received: list[RatingRecord]
    match_requests: list[RequestRecord]
    match_appearances: list[AppearanceRecord] = Field(description="every stored result that ranked the person")
    derived: DerivedRecord
    notes: list[str] = Field(default_factory=list)
