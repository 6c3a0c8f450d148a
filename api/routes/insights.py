"""Aggregates for the people who steer support services: demand, supply, suggestions (`insights` scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import access
from api.deps import SessionDep, VelhoDep
from api.errors import problem_responses
from matcher.insights.period import Period
from matcher.insights.schemas import DemandRead, SuggestionsRead, SupplyRead

router = APIRouter(prefix="/v1/insights", tags=["insights"])
INSIGHTS = access("insights")
ERRORS = problem_responses(401, 403, 422)

Since = Annotated[datetime | None, Query(description="start of the period (default: 30 days before until)")]
Until = Annotated[datetime | None, Query(description="end of the period, exclusive (default: now)")]
Unit = Annotated[str | None, Query(max_length=200, description="only requests filed by people of this unit")]
Limit = Annotated[int, Query(ge=1, le=1000, description="at most this many offers per list")]


@router.get("/demand", name="insights.demand", response_model=DemandRead, responses=ERRORS, **INSIGHTS)
def demand(
    session: SessionDep, velho: VelhoDep, since: Since = None, until: Until = None, unit: Unit = None
) -> DemandRead:
    """Topics of the period's requests: volume and trend, strong share, unmet demand, acceptance, rating."""
    return velho.insights.demand(session, period=Period.of(since, until), unit=unit)


@router.get("/supply", name="insights.supply", response_model=SupplyRead, responses=ERRORS, **INSIGHTS)
def supply(
    session: SessionDep, velho: VelhoDep, since: Since = None, until: Until = None, unit: Unit = None, limit: Limit = 50
) -> SupplyRead:
    """Each strength statement as an offer: matched, chosen, rated; unused offers; exposure and load; hidden experts."""
    return velho.insights.supply(session, period=Period.of(since, until), unit=unit, limit=limit)


@router.get("/suggestions", name="insights.suggestions", response_model=SuggestionsRead, responses=ERRORS, **INSIGHTS)
def suggestions(
    session: SessionDep, velho: VelhoDep, since: Since = None, until: Until = None, unit: Unit = None, limit: Limit = 20
) -> SuggestionsRead:
    """Recruit or train for unmet topics; revise offers declined or rated low; retire or reword unused ones."""
    return velho.insights.suggestions(session, period=Period.of(since, until), unit=unit, limit=limit)
