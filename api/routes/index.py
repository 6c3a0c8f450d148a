"""`GET /v1/index`: how this process's index compares with the database (operators, consistency checks)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.auth import access
from api.deps import VelhoDep
from api.errors import problem_responses

router = APIRouter(prefix="/v1", tags=["operations"])


class IndexReportRead(BaseModel):
    """Counts and digests (sha256 of the sorted statement ids) of the index and of the database."""

    model: str
    backend: str
    change_seq: int
    statements: int
    digest: str
    database_change_seq: int
    database_statements: int
    database_digest: str
    in_step: bool


@router.get(
    "/index", name="index.report", response_model=IndexReportRead, responses=problem_responses(401, 403), **access()
)
def index_report(velho: VelhoDep) -> IndexReportRead:
    """This process's index against the database: equal digests mean it holds exactly what it should."""
    report = velho.index_report()
    return IndexReportRead(
        model=report.model,
        backend=report.backend,
        change_seq=report.change_seq,
        statements=report.statements,
        digest=report.digest,
        database_change_seq=report.database_change_seq,
        database_statements=report.database_statements,
        database_digest=report.database_digest,
        in_step=report.in_step,
    )
