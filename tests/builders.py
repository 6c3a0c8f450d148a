"""Small builders that go through the real services."""

from __future__ import annotations

from typing import Any

from matcher.app.wiring import Velho
from profiles.actor import Actor
from profiles.schemas import ProfileCreate


def profile(name: str = "Test Person", strengths: list[str] | None = None, **fields: Any) -> ProfileCreate:
    """A valid profile body."""
    return ProfileCreate(name=name, strengths=[{"text": s} for s in (strengths or [])], **fields)  # type: ignore[misc]


def put(velho: Velho, external_id: str, name: str = "Test Person", strengths: list[str] | None = None, **fields: Any) -> None:
    """Create or replace a profile through the service, committed."""
    with velho.session() as session:
        velho.profiles.upsert(session, external_id=external_id, data=profile(name, strengths, **fields), actor=Actor.admin())


def body(name: str = "Test Person", strengths: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """A JSON body for PUT /v1/employees/{id}."""
    return {"name": name, "strengths": [{"text": s} for s in (strengths or [])], **fields}
