"""`GET /v1/audit`: the audit log (admin)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import access
from api.deps import SessionDep, VelhoDep
from api.errors import problem_responses
from matcher.access.schemas import AuditRead
from profiles.schemas import EXTERNAL_ID_PATTERN

router = APIRouter(prefix="/v1", tags=["operations"])


@router.get(
    "/audit",
    name="audit.list",
    response_model=list[AuditRead],
    responses=problem_responses(401, 403, 422),
    **access(),
)
def audit_log(
    session: SessionDep,
    velho: VelhoDep,
    since: Annotated[datetime | None, Query(description="ISO 8601; events at or after it")] = None,
    actor: Annotated[str | None, Query(max_length=128, pattern=EXTERNAL_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> list[AuditRead]:
    """The newest audit events first, optionally since a moment and of one actor."""
    return velho.audit.recent(session, since=since, actor=actor, limit=limit)
