"""Pydantic schemas of the profile API: what comes in, what goes out (never ORM objects)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from profiles.fields import NON_BLANK, STORABLE, OptionalText, RequiredText, Whole

MAX_STATEMENT_CHARS = 1000
MAX_STATEMENTS = 50

EXTERNAL_ID_PATTERN = r"^[A-Za-z0-9._:@-]+$"
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)]
# Two or three letters (ISO 639-1/2); stored lower-case.
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}$"), AfterValidator(str.lower)]
AvailabilityValue = Literal["available", "limited", "unavailable"]


class Schema(BaseModel):
    """Shared base: strict types (no "3" for 3), unknown fields rejected, reads from ORM attributes."""

    model_config = ConfigDict(strict=True, extra="forbid", from_attributes=True)


class StrengthIn(Schema):
    """One strength statement as written by its owner."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_STATEMENT_CHARS, json_schema_extra=NON_BLANK), RequiredText]
    level: Annotated[int, Field(ge=1, le=5), Whole] | None = None
    language: LanguageCode | None = Field(default=None, description="fi/sv/en…; detected when omitted")


class ProfileCreate(Schema):
    """Body of `PUT /v1/employees/{external_id}`: the whole profile (create or replace)."""

    name: Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=NON_BLANK), RequiredText]
    unit: Annotated[str, Field(max_length=200, json_schema_extra=STORABLE), OptionalText] = ""
    title: Annotated[str, Field(max_length=200, json_schema_extra=STORABLE), OptionalText] | None = None
    supervisor: bool = False
    languages: Annotated[list[LanguageCode], Field(max_length=20)] = Field(default_factory=lambda: ["fi"])
    availability: AvailabilityValue = "available"
    capacity: Annotated[int, Field(ge=0, le=100), Whole] = 3
    visible: bool = True
    strengths: Annotated[list[StrengthIn], Field(max_length=MAX_STATEMENTS)] = Field(default_factory=list)

    @field_validator("languages")
    @classmethod
    def _dedupe_languages(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(value))


class ProfileImportRow(ProfileCreate):
    """One row of a bulk import: a profile with its `external_id`."""

    external_id: ExternalId


class StrengthRead(Schema):
    """A stored statement."""

    id: int
    text: str
    level: int | None
    language: str
    kind: str
    rating: int | None = None


class ProfileRead(Schema):
    """A stored profile with its version (send it back in `If-Match`)."""

    model_config = ConfigDict(strict=False, extra="ignore", from_attributes=True)

    external_id: str
    name: str
    unit: str
    title: str | None
    supervisor: bool
    languages: list[str]
    availability: AvailabilityValue
    capacity: int
    visible: bool
    version: int
    strengths: list[StrengthRead]
    evidence: list[StrengthRead] = Field(default_factory=list, description="well-rated help given (kind evidence)")
    created_at: datetime
    updated_at: datetime


class ProfilePage(Schema):
    """One page of profiles; pass `next_cursor` back as `cursor` for the next (treat it as opaque)."""

    model_config = ConfigDict(strict=False, extra="ignore")

    items: list[ProfileRead]
    next_cursor: str | None


class ImportFailure(Schema):
    """A row the import rejected, by its 0-based position in the input."""

    index: int
    external_id: str | None
    error: str


class ImportResult(Schema):
    """Outcome of a bulk import: valid rows are kept even when others fail."""

    model_config = ConfigDict(strict=False)

    created: int
    updated: int
    failed: list[ImportFailure]
