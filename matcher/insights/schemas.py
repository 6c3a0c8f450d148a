"""What the insights API returns (and the profile preview takes): aggregates and labels only, never request text."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from profiles.schemas import MAX_STATEMENTS, StrengthIn


class PeriodRead(BaseModel):
    """A half-open period [since, until) in UTC."""

    since: datetime
    until: datetime


class LabelRead(BaseModel):
    """A topic's name in Finnish and English, drawn from employees' public offers."""

    fi: str
    en: str


class TopicRead(BaseModel):
    """One topic of demand in the period."""

    id: int
    label: LabelRead
    offer_ids: list[int] = Field(description="the strength statements the label was drawn from")
    volume: int
    previous_volume: int
    trend: float | None = Field(
        description="volume change against the previous period (0.5 = +50 %); None if none then"
    )
    strength_known: int = Field(description="requests whose best match has a strength band")
    strong_share: float | None = Field(description="share of those whose best match was strong")
    unmet: int = Field(description="requests whose best match was weak, or that got no accepted engagement")
    unmet_share: float
    engagements: int
    acceptance_rate: float | None
    ratings: int
    mean_rating: float | None = Field(description="None when fewer ratings than the minimum group")
    median_hours_to_accept: float | None


class DemandRead(BaseModel):
    """`GET /v1/insights/demand`."""

    period: PeriodRead
    previous_period: PeriodRead
    unit: str | None
    requests: int
    unclustered: int = Field(description="requests without a vector (purged, or another model's)")
    topics: list[TopicRead]
    hidden_topics: int = Field(description="topics below the minimum group size, not shown")
    hidden_requests: int
    min_group_size: int
    method: str


class OfferRead(BaseModel):
    """One strength statement treated as an offer."""

    statement_id: int
    external_id: str
    name: str
    unit: str
    text: str
    matched_top3: int
    chosen: int
    declined: int
    rated: int
    mean_rating: float | None = Field(description="None when fewer ratings than the minimum group")


class SpreadRead(BaseModel):
    """How exposure (top-3 appearances) and load (engagements) spread over visible providers."""

    providers: int
    exposure_gini: float | None
    exposure_top10_share: float | None = Field(description="share of top-3 appearances held by the ten most exposed")
    load_gini: float | None
    load_top10_share: float | None
    load_lorenz: list[float] | None = Field(
        default=None,
        description="share of all load held by the least loaded 0 %, 10 %, ... 100 % of providers (11 points); "
        "None with no load or fewer providers than the minimum group",
    )


class ExpertRead(BaseModel):
    """A non-supervisor whose completed help was rated well."""

    external_id: str
    name: str
    well_rated: int


class UnitExpertsRead(BaseModel):
    """Hidden experts surfaced in one unit."""

    unit: str
    experts: list[ExpertRead]


class SupplyRead(BaseModel):
    """`GET /v1/insights/supply`."""

    period: PeriodRead
    unit: str | None
    offers: list[OfferRead] = Field(description="most matched first, at most `limit`")
    offers_total: int
    unused: list[OfferRead] = Field(description="offers never in a top 3 in the period, at most `limit`")
    unused_total: int
    spread: SpreadRead
    hidden_experts: list[UnitExpertsRead]
    min_group_size: int


class SuggestionRead(BaseModel):
    """One thing the people who steer support services might do."""

    kind: Literal["recruit_or_train", "revise", "retire_or_reword"]
    label: LabelRead
    topic_id: int | None = None
    statement_id: int | None = None
    reason: LabelRead


class SuggestionsRead(BaseModel):
    """`GET /v1/insights/suggestions`."""

    period: PeriodRead
    unit: str | None
    suggestions: list[SuggestionRead]
    min_group_size: int


class PreviewCreate(BaseModel):
    """Body of `POST /v1/me/preview`: draft strength statements, not saved."""

    model_config = ConfigDict(strict=True, extra="forbid")

    strengths: Annotated[list[StrengthIn], Field(min_length=1, max_length=MAX_STATEMENTS)]


class PreviewTopicRead(BaseModel):
    """A topic of recent demand the draft would have been found by."""

    id: int
    label: LabelRead
    found: int = Field(description="recent requests of this topic where the draft would rank in the top k")


class PreviewRead(BaseModel):
    """`POST /v1/me/preview`: counts and topic labels only, never a request's text or who filed it."""

    period: PeriodRead
    k: int = Field(description="a request finds you when your draft ranks within its top k")
    requests: int = Field(description="recent requests by others considered")
    found: int | None = Field(description="requests the draft would have been found by; None below the minimum group")
    found_now: int | None = Field(
        description="requests your saved profile was found by (in their stored top k); None below the minimum group"
    )
    topics: list[PreviewTopicRead] = Field(description="most found first; topics below the minimum group are hidden")
    hidden_topics: int
    min_group_size: int
    method: str


class PromptRead(BaseModel):
    """A topic of recent demand, near one of your strengths, that found no well-rated help."""

    topic_ids: list[int] = Field(description="the insights topics behind it (those that share its label)")
    label: LabelRead
    requests: int = Field(description="recent requests of this topic, not well served, that your statement relates to")
    statement_id: int = Field(description="your own declared statement closest to them")
    statement: str = Field(description="its text (your own words)")
    reason: LabelRead


class PromptsRead(BaseModel):
    """`GET /v1/me/prompts`: counts and topic labels only, never a request's text or who filed it."""

    period: PeriodRead
    prompts: list[PromptRead] = Field(
        description="at most 3, most requests first; topics below the minimum group hidden; none for a hidden profile"
    )
    hidden_topics: int = Field(description="topics below the minimum group, not shown")
    more_topics: int = Field(default=0, description="topics at or above the minimum group beyond the 3 shown")
    min_group_size: int
    method: str
