"""Matching: rank providers for a free-text request."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import access
from api.deps import ActorDep, MatchServiceDep, SessionDep
from api.errors import problem_responses
from matcher.matching.schemas import MatchCreate, MatchRead

router = APIRouter(prefix="/v1", tags=["matching"])


@router.post(
    "/match",
    name="match",
    response_model=MatchRead,
    responses=problem_responses(401, 403, 413, 422),
    **access("integration", "employee"),
)
def match(body: MatchCreate, session: SessionDep, actor: ActorDep, service: MatchServiceDep) -> MatchRead:
    """The best internal providers for a request, best first, each with its reasons; the request is stored.

    An employee matches as themselves: `requester_id` is theirs (a different one is refused).
    """
    return service.match(session, body, actor)
