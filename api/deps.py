"""`Annotated` dependency aliases for the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth import authenticate
from matcher.app.wiring import Velho
from matcher.matching.service import MatchService
from profiles.actor import Actor
from profiles.service import ProfileService


def get_velho(request: Request) -> Velho:
    """The process-wide Velho built by the lifespan."""
    velho: Velho = request.app.state.velho
    return velho


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work (`Velho.session`): commit on success, roll back on error.

    Bound with `scope="function"` so the commit happens before the response is sent: a failed
    commit is an error response, never a 200 for data that was not stored.
    """
    with get_velho(request).session() as session:
        yield session


VelhoDep = Annotated[Velho, Depends(get_velho)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ActorDep = Annotated[Actor, Depends(authenticate)]


def get_profile_service(velho: VelhoDep) -> ProfileService:
    """The profile service."""
    return velho.profiles


def get_match_service(velho: VelhoDep) -> MatchService:
    """The match service."""
    return velho.matching


ProfileServiceDep = Annotated[ProfileService, Depends(get_profile_service)]
MatchServiceDep = Annotated[MatchService, Depends(get_match_service)]
