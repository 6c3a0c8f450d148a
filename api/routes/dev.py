"""Dev sign-in for the web page: a sample employee (a short-lived JWT) or the insights viewer (a key).

Mounted only when `VELHO_DEV_SIGN_IN=true` (otherwise these paths are a plain 404), and kept out
of the OpenAPI document: it is not part of the public API, and it needs no credential.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import VelhoDep
from api.errors import problem_responses
from matcher.access.dev_sign_in import insights_key, mint
from profiles.actor import Actor
from profiles.schemas import ExternalId

router = APIRouter(prefix="/v1/dev", tags=["dev"], include_in_schema=False)

# Lists as an integration would: hidden profiles never reach the picker.
_PICKER = Actor.key("dev-sign-in", "integration")


class DevTokenCreate(BaseModel):
    """Body of `POST /v1/dev/token`."""

    external_id: ExternalId


class DevToken(BaseModel):
    """An employee JWT for the page, and who it names."""

    token: str
    external_id: str
    name: str


class DevInsightsToken(BaseModel):
    """An insights-scoped key for the page's Insights tab (the people who steer support services)."""

    token: str
    scope: str = "insights"


class DevEmployee(BaseModel):
    """One entry of the sign-in picker."""

    external_id: str
    name: str
    unit: str


@router.post("/token", response_model=DevToken, responses=problem_responses(404, 422))
def dev_token(body: DevTokenCreate, velho: VelhoDep) -> DevToken:
    """A JWT for an existing employee (404 for an unknown one), valid for `VELHO_DEV_TOKEN_MINUTES`."""
    with velho.session() as session:
        employee = velho.profiles.get(session, external_id=body.external_id, actor=Actor.admin("dev-sign-in"))
        name = employee.name
    return DevToken(token=mint(velho.settings, body.external_id), external_id=body.external_id, name=name)


@router.post("/insights-token", response_model=DevInsightsToken)
def dev_insights_token(velho: VelhoDep) -> DevInsightsToken:
    """A fresh insights key (the one issued before it is revoked): aggregates only, no profile or request."""
    with velho.session() as session:
        return DevInsightsToken(token=insights_key(session, velho.keys))


@router.get("/employees", response_model=list[DevEmployee])
def dev_employees(velho: VelhoDep, limit: Annotated[int, Query(ge=1, le=500)] = 200) -> list[DevEmployee]:
    """The visible employees to sign in as, by external id."""
    with velho.session() as session:
        page = velho.profiles.list(session, cursor=None, limit=limit, unit=None, actor=_PICKER)
    return [DevEmployee(external_id=p.external_id, name=p.name, unit=p.unit) for p in page.items]
