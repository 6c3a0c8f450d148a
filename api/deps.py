"""`Annotated` dependency aliases for the routers, and the request's unit of work with its audit row."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.audit import action_of, audited, target_of
from api.auth import authenticate
from matcher.app.wiring import Velho
from matcher.matching.service import MatchService
from profiles.actor import Actor
from profiles.service import ProfileService

ActorDep = Annotated[Actor, Depends(authenticate)]


def get_velho(request: Request) -> Velho:
    """The process-wide Velho built by the lifespan."""
    velho: Velho = request.app.state.velho
    return velho


def get_session(request: Request, actor: ActorDep) -> Iterator[Session]:
    """The request's unit of work (`Velho.session`): commit on success, roll back on error.

    A successful audited call writes its audit row in this same transaction, so the row exists
    exactly when the change does. Bound with `scope="function"` so the commit happens before the
    response is sent: a failed commit is an error response, never a 200 for data not stored.
    """
    velho = get_velho(request)
    with velho.session() as session:
        yield session
        if audited(request, actor):
            velho.audit.record(
                session,
                actor=actor,
                action=action_of(request),
                target=target_of(request),
                request_id=getattr(request.state, "request_id", None),
                outcome="ok",
                status=200,
            )


VelhoDep = Annotated[Velho, Depends(get_velho)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_profile_service(velho: VelhoDep) -> ProfileService:
    """The profile service."""
    return velho.profiles


def get_match_service(velho: VelhoDep) -> MatchService:
    """The match service."""
    return velho.matching


ProfileServiceDep = Annotated[ProfileService, Depends(get_profile_service)]
MatchServiceDep = Annotated[MatchService, Depends(get_match_service)]
