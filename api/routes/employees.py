"""Employees: create/replace, read, list, erase, bulk import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, ProfileServiceDep, SessionDep
from api.errors import ApiProblem, problem_responses
from profiles.importer import FORMATS, import_payload
from profiles.schemas import EXTERNAL_ID_PATTERN, ImportResult, ProfileCreate, ProfilePage, ProfileRead
from profiles.service import to_read

router = APIRouter(prefix="/v1/employees", tags=["employees"])

CREATED: dict[int | str, dict[str, Any]] = {201: {"description": "Created", "model": ProfileRead}}

# A CSV import's first line names its columns, one of them exactly `external_id` (unquoted).
CSV_HEADER_PATTERN = r'^(?:[^\n\r,"]*,)*external_id(?:,[^\n\r"]*)?(?:\r?\n|$)'
ExternalIdPath = Annotated[str, Path(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)]


# `If-Match: "3"` (also 3 or W/"3"), `*` for "whatever is stored", or absent (declared as "").
IF_MATCH_PATTERN = r'^(\*|(W/)?"?[0-9]{1,9}"?)?$'
# A plain string with "" for "absent", so the OpenAPI header is not declared nullable.
IfMatch = Annotated[str, Header(pattern=IF_MATCH_PATTERN, description='the version you read, e.g. "3"')]


def parse_if_match(value: str) -> int | None:
    """`If-Match: "3"` (or 3, W/"3") → 3; `*` or absent → None (the header pattern checked the form)."""
    value = value.strip()
    if value in ("", "*"):
        return None
    return int(value.removeprefix("W/").strip('"'))


@router.put(
    "/{external_id}",
    response_model=ProfileRead,
    responses=CREATED | problem_responses(401, 403, 409, 412, 422),
)
def put_employee(
    external_id: ExternalIdPath,
    body: ProfileCreate,
    response: Response,
    session: SessionDep,
    actor: ActorDep,
    service: ProfileServiceDep,
    if_match: IfMatch = "",
) -> ProfileRead:
    """Create or replace a profile (201 on create, 200 on replace); `If-Match: <version>` prevents lost updates."""
    employee, created = service.upsert(
        session, external_id=external_id, data=body, actor=actor, if_match=parse_if_match(if_match)
    )
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
    cursor: Annotated[str | None, Query(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    unit: Annotated[str | None, Query(max_length=200)] = None,
) -> ProfilePage:
    """List profiles by external id, a page at a time (pass `next_cursor` back as `cursor`)."""
    return service.list(session, cursor=cursor, limit=limit, unit=unit, actor=actor)


@router.delete("/{external_id}", status_code=204, responses=problem_responses(401, 403, 404, 422))
def erase_employee(
    external_id: ExternalIdPath, session: SessionDep, actor: ActorDep, service: ProfileServiceDep
) -> Response:
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
                # Rows are checked one by one and a bad row is reported in `failed`, so any item is
                # accepted here: the ProfileImportRow schema says what a good row holds.
                "application/json": {
                    "schema": {"type": "array", "items": {"description": "a ProfileImportRow object"}}
                },
                "application/x-ndjson": {"schema": {"type": "string", "minLength": 1}},
                # The first line is the header row and names the columns, external_id among them.
                "text/csv": {"schema": {"type": "string", "pattern": CSV_HEADER_PATTERN}},
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
    fmt = FORMATS.get(media)
    velho = request.app.state.velho

    def work() -> ImportResult:
        with velho.session() as session:
            return import_payload(velho.profiles, session, payload, fmt=fmt)

    # Encoding is CPU-bound: keep it off the event loop.
    return await run_in_threadpool(work)
