"""`Annotated` dependency aliases for the routers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth import authenticate
from matcher.service import MatchService
from matcher.wiring import Velho
from profiles.actor import Actor
from profiles.service import ProfileService


def get_velho(request: Request) -> Velho:
    """The process-wide Velho built by the lifespan."""
    velho: Velho = request.app.state.velho
    return velho


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit on success, roll back on error, then sync the index."""
    velho = get_velho(request)
    session = velho.sessions()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
    velho.after_commit()


VelhoDep = Annotated[Velho, Depends(get_velho)]
SessionDep = Annotated[Session, Depends(get_session)]
ActorDep = Annotated[Actor, Depends(authenticate)]


def get_profile_service(velho: VelhoDep) -> ProfileService:
    """The profile service."""
    return velho.profiles


def get_match_service(velho: VelhoDep) -> MatchService:
    """The match service."""
    return velho.matching


ProfileServiceDep = Annotated[ProfileService, Depends(get_profile_service)]
MatchServiceDep = Annotated[MatchService, Depends(get_match_service)]
