"""Schemas of the matching API."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from matcher.matching.strength import Strength
from profiles.fields import NON_BLANK, STORABLE, OptionalText, RequiredText, Whole
from profiles.schemas import ExternalId, LanguageCode

MAX_REQUEST_CHARS = 2000
UnitName = Annotated[str, Field(max_length=200, json_schema_extra=STORABLE), OptionalText]


class Schema(BaseModel):
    """Strict input: no silent coercion, unknown fields rejected."""

    model_config = ConfigDict(strict=True, extra="forbid")


class MatchFilters(Schema):
    """Narrow the candidates; every filter is applied inside the search, not after it."""

    languages: Annotated[list[LanguageCode], Field(max_length=20)] | None = Field(
        default=None, description="provider speaks at least one of these"
    )
    units: Annotated[list[UnitName], Field(max_length=100)] | None = None
    exclude_units: Annotated[list[UnitName], Field(max_length=100)] | None = None


class MatchCreate(Schema):
    """Body of `POST /v1/match`."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_REQUEST_CHARS, json_schema_extra=NON_BLANK), RequiredText]
    k: Annotated[int, Field(ge=1, le=100), Whole] = 10
    requester_id: ExternalId | None = None
    filters: MatchFilters = Field(default_factory=MatchFilters)


class MatchedStrength(BaseModel):
    """A statement that matched, and how well (cosine after language correction)."""

    text: str
    similarity: float
    kind: str = "declared"


class MatchItem(BaseModel):
    """One provider, best first."""

    external_id: str
    name: str
    unit: str
    title: str | None = None
    score: float
    components: dict[str, float]
    matched_strengths: list[MatchedStrength]
    explanation: str
    strength: Strength | None = Field(
        description="how well this person's profile matches the request, from its relevance: strong / fair / "
        "weak (thresholds in the README); null when the ranker has no calibrated relevance (BM25 mode)"
    )


class MatchRead(BaseModel):
    """Response of `POST /v1/match`; keep `request_id` to propose an engagement."""

    request_id: str
    language: str
    results: list[MatchItem]
    best_strength: Strength | None = Field(
        description="the strongest band among the results; null when there are none (or none has a band)"
    )
    no_strong_match: bool = Field(
        description="true when no result is strong: best_strength is fair, weak or null. "
        'best_strength "weak" means even the best match is weak: nobody here really knows this'
    )
