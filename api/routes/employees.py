"""Employees: create/replace, read, list, erase, export, bulk import."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request, Response, status
from starlette.concurrency import run_in_threadpool

from api.auth import access
from api.deps import ActorDep, ProfileServiceDep, SessionDep, VelhoDep
from api.errors import problem_responses
from matcher.privacy.schemas import PersonalDataExport
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


EVERYONE = access("integration", "employee")


@router.put(
    "/{external_id}",
    name="profile.replace",
    response_model=ProfileRead,
    responses=CREATED | problem_responses(401, 403, 409, 412, 422),
    **EVERYONE,
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
    """Create or replace a profile (201 on create, 200 on replace); `If-Match: <version>` prevents lost updates.

    An employee writes only their own profile; an integration (an HR sync) or an admin any profile.
    """
    employee, created = service.upsert(
        session, external_id=external_id, data=body, actor=actor, if_match=parse_if_match(if_match)
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["ETag"] = f'"{employee.version}"'
    return to_read(employee)


@router.get(
    "/{external_id}",
    name="profile.read",
    response_model=ProfileRead,
    responses=problem_responses(401, 404, 422),
    **EVERYONE,
)
def get_employee(
    external_id: ExternalIdPath, response: Response, session: SessionDep, actor: ActorDep, service: ProfileServiceDep
) -> ProfileRead:
    """Read one profile (with its version as ETag); a hidden one only as its owner or an admin (else 404)."""
    employee = service.get(session, external_id=external_id, actor=actor)
    response.headers["ETag"] = f'"{employee.version}"'
    return to_read(employee)


@router.get("", name="profile.list", response_model=ProfilePage, responses=problem_responses(401, 422), **EVERYONE)
def list_employees(
    session: SessionDep,
    actor: ActorDep,
    service: ProfileServiceDep,
    cursor: Annotated[str | None, Query(min_length=1, max_length=128, pattern=EXTERNAL_ID_PATTERN)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    unit: Annotated[str | None, Query(max_length=200)] = None,
) -> ProfilePage:
    """List visible profiles by external id, a page at a time (pass `next_cursor` back as `cursor`).

    Hidden profiles are listed for admins only.
    """
    return service.list(session, cursor=cursor, limit=limit, unit=unit, actor=actor)


@router.delete(
    "/{external_id}", name="profile.erase", status_code=204, responses=problem_responses(401, 403, 404, 422), **EVERYONE
)
def erase_employee(external_id: ExternalIdPath, session: SessionDep, actor: ActorDep, velho: VelhoDep) -> Response:
    """Erase an employee everywhere (GDPR art. 17): profile, statements, evidence, vectors in every
    process's index, their request texts and comments; others' engagement history stays, anonymised."""
    velho.privacy.erase(session, external_id=external_id, actor=actor)
    return Response(status_code=204)


@router.get(
    "/{external_id}/export",
    name="profile.export",
    response_model=PersonalDataExport,
    responses=problem_responses(401, 403, 404, 422),
    **access("employee"),
)
def export_employee(
    external_id: ExternalIdPath, session: SessionDep, actor: ActorDep, velho: VelhoDep
) -> PersonalDataExport:
    """Everything Velho holds about a person, and how the ranking treats them (own data, or an admin)."""
    return velho.privacy.export(session, external_id=external_id, actor=actor)


IMPORT_ACCESS = access("integration")


@router.post(
    "/import",
    name="profile.import",
    response_model=ImportResult,
    responses=problem_responses(400, 401, 403, 413, 422),
    dependencies=IMPORT_ACCESS["dependencies"],
    openapi_extra=IMPORT_ACCESS["openapi_extra"]
    | {
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
    """Bulk create/replace from a JSON array, NDJSON or CSV; valid rows are kept, failed ones reported by index.

    One transaction: every valid row, or (on a crash) none.
    """
    payload = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    fmt = FORMATS.get(media)
    velho = request.app.state.velho

    def work() -> ImportResult:
        with velho.session() as session:
            result = import_payload(velho.profiles, session, payload, fmt=fmt)
            velho.audit.record(
                session,
                actor=actor,
                action="profile.import",
                target=None,
                request_id=getattr(request.state, "request_id", None),
                outcome="ok",
                status=200,
            )
            return result

    # Encoding is CPU-bound: keep it off the event loop.
    return await run_in_threadpool(work)
