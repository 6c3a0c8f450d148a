"""Matching: rank providers for a free-text request."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import ActorDep, MatchServiceDep, SessionDep
from api.errors import problem_responses
from matcher.matching.schemas import MatchCreate, MatchRead

router = APIRouter(prefix="/v1", tags=["matching"])


@router.post("/match", response_model=MatchRead, responses=problem_responses(401, 413, 422))
def match(body: MatchCreate, session: SessionDep, _actor: ActorDep, service: MatchServiceDep) -> MatchRead:
    """The best internal providers for a request, best first, each with its reasons; the request is stored."""
    return service.match(session, body)
