"""Employees: create/replace, read, list, erase, bulk import."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response, status

from api.deps import ActorDep, ProfileServiceDep, SessionDep
from api.errors import ApiProblem, problem_responses
from profiles.errors import InvalidProfile
from profiles.importer import decode_payload, import_rows, load_records, validate_records
from profiles.schemas import ImportResult, ProfileCreate, ProfilePage, ProfileRead
from profiles.service import to_read

router = APIRouter(prefix="/v1/employees", tags=["employees"])

ExternalIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9._:@-]+$")]


def parse_if_match(value: str | None) -> int | None:
    """`If-Match: "3"` (or 3, W/"3") → 3; `*` or absent → None."""
    if value is None or value.strip() == "*":
        return None
    raw = value.strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise ApiProblem(400, "Bad If-Match", "If-Match must be a profile version such as \"3\"", slug="bad-request")
    return int(raw)


@router.put(
    "/{external_id}",
    response_model=ProfileRead,
    responses={201: {"description": "Created", "model": ProfileRead}} | problem_responses(401, 403, 409, 412, 422),
)
def put_employee(
    external_id: ExternalIdPath,
    body: ProfileCreate,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    service: ProfileServiceDep,
    if_match: Annotated[str | None, Header()] = None,
) -> ProfileRead:
    """Create or replace a profile (201 on create, 200 on replace); `If-Match: <version>` guards against lost updates."""
    employee, created = service.upsert(session, external_id=external_id, data=body, actor=actor, if_match=parse_if_match(if_match))
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["ETag"] = f'"{employee.version}"'
    return to_read(employee)


@router.get("/{external_id}", response_model=ProfileRead, responses=problem_responses(401, 404, 422))
def get_employee(
    external_id: ExternalIdPath, response: Response, session: SessionDep, actor: ActorDep, service: ProfileServiceDep
) -> ProfileRead:
    """Read one profile (with its version as ETag)."""
    employee = service.get(session, external_id=external_id, actor=actor)
    response.headers["ETag"] = f'"{employee.version}"'
    return to_read(employee)


@router.get("", response_model=ProfilePage, responses=problem_responses(401, 422))
def list_employees(
    session: SessionDep,
    actor: ActorDep,
    service: ProfileServiceDep,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    unit: Annotated[str | None, Query(max_length=200)] = None,
) -> ProfilePage:
    """List profiles by external id, a page at a time (pass `next_cursor` back as `cursor`)."""
    return service.list(session, cursor=cursor, limit=limit, unit=unit, actor=actor)


@router.delete("/{external_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
def erase_employee(external_id: ExternalIdPath, session: SessionDep, actor: ActorDep, service: ProfileServiceDep) -> Response:
    """Erase an employee: profile, statements, evidence and vectors."""
    service.erase(session, external_id=external_id, actor=actor)
    return Response(status_code=204)


@router.post(
    "/import",
    response_model=ImportResult,
    responses=problem_responses(400, 401, 403, 413, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def import_employees(request: Request, actor: ActorDep) -> ImportResult:
    """Bulk create/replace from a JSON array, NDJSON or CSV; valid rows are kept, failed ones reported by index."""
    if not actor.is_admin:
        raise ApiProblem(403, "Forbidden", "bulk import needs the admin token", slug="forbidden")
    payload = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = "csv" if media == "text/csv" else None
    velho = request.app.state.velho
    from starlette.concurrency import run_in_threadpool

    def work() -> ImportResult:
        records = load_records(decode_payload(payload), fmt=fmt)
        if not records:
            raise InvalidProfile("the import holds no rows")
        parsed = validate_records(records)
        with velho.session() as session:
            return import_rows(velho.profiles, session, parsed)

    # Encoding is CPU-bound: keep it off the event loop.
    return await run_in_threadpool(work)
