"""`GET /v1/audit`: the audit log (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.auth import access
from api.deps import SessionDep, VelhoDep
from api.errors import problem_responses
from profiles.schemas import EXTERNAL_ID_PATTERN

router = APIRouter(prefix="/v1", tags=["operations"])


class AuditEventRead(BaseModel):
    """Who (and through which key, for whom), what, on which id, when, and the outcome. Never any text."""

    at: datetime
    actor_kind: str
    actor: str
    via: str | None
    action: str
    target: str | None
    request_id: str | None
    outcome: str
    status: int


@router.get(
    "/audit",
    name="audit.list",
    response_model=list[AuditEventRead],
    responses=problem_responses(401, 403, 422),
    **access(),
)
def audit_log(
    session: SessionDep,
    velho: VelhoDep,
    since: Annotated[datetime | None, Query(description="ISO 8601; events at or after it")] = None,
    actor: Annotated[str | None, Query(max_length=128, pattern=EXTERNAL_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[AuditEventRead]:
    """The newest audit events first, optionally since a moment and of one actor."""
    rows = velho.audit.recent(session, since=since, actor=actor, limit=limit)
    return [AuditEventRead(**vars(r)) for r in rows]
