"""RFC 9457 problem+json for every error: domain errors, validation, auth, size, and the unexpected."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.audit import record_failure
from matcher.app.db_errors import domain_error
from profiles.errors import VelhoError

logger = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


def problem_type(slug: str) -> str:
    """Stable identifier of a problem kind."""
    return f"urn:velho:problem:{slug}"


def problem(
    status: int, title: str, detail: str, *, slug: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": problem_type(slug), "title": title, "status": status, "detail": detail}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def domain_problem(exc: VelhoError) -> JSONResponse:
    """The problem+json of a domain error (with `errors` and `Retry-After` when it carries them)."""
    extra: dict[str, Any] = {}
    if "errors" in exc.extra:
        extra["errors"] = exc.extra["errors"]
    elif "field" in exc.extra:
        extra["errors"] = [{"field": exc.extra["field"], "message": exc.detail}]
    headers = dict(getattr(exc, "headers", None) or {})
    retry = getattr(exc, "retry_after_seconds", None)
    if retry:
        headers["Retry-After"] = str(retry)
    return problem(exc.status, exc.title, exc.detail, slug=exc.slug, headers=headers or None, **extra)


class ApiProblem(Exception):
    """Raised by API-level checks (auth, body size, headers) that have no domain meaning."""

    def __init__(
        self, status: int, title: str, detail: str, *, slug: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail, self.slug, self.headers = status, title, detail, slug, headers


_HTTP_SLUGS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    412: "precondition-failed",
    413: "payload-too-large",
    415: "unsupported-media-type",
}


def install_error_handlers(app: FastAPI) -> None:
    """Render every error as problem+json."""

    @app.exception_handler(VelhoError)
    async def _domain(request: Request, exc: VelhoError) -> JSONResponse:
        await record_failure(request, exc.status)
        return domain_problem(exc)

    @app.exception_handler(SQLAlchemyError)
    async def _database(request: Request, exc: SQLAlchemyError) -> JSONResponse:
        # Outside a unit of work (which maps them itself): the same one mapping applies.
        mapped = domain_error(exc)
        if mapped is not None:
            return domain_problem(mapped)
        logger.exception("unhandled_database_error path=%s", request.url.path)
        return problem(500, "Internal error", "something went wrong on our side; it has been logged", slug="internal")

    @app.exception_handler(ApiProblem)
    async def _api(request: Request, exc: ApiProblem) -> JSONResponse:
        await record_failure(request, exc.status)
        return problem(exc.status, exc.title, exc.detail, slug=exc.slug, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ())),
                "message": err.get("msg", ""),
                "type": err.get("type", ""),
            }
            for err in exc.errors()
        ]
        detail = "the request does not match the schema" if errors else "invalid request"
        return problem(422, "Validation failed", detail, slug="validation-error", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = _HTTP_SLUGS.get(exc.status_code, "http-error")
        title = slug.replace("-", " ").capitalize()
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # One path has a route per method: list every method the path takes, not only the first route's.
            headers["Allow"] = ", ".join(sorted(allowed_methods(request)))
        return problem(exc.status_code, title, str(exc.detail), slug=slug, headers=headers or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unhandled_error path=%s", request.url.path)
        return problem(500, "Internal error", "something went wrong on our side; it has been logged", slug="internal")


def allowed_methods(request: Request) -> set[str]:
    """The methods of the routes that match this request's path most specifically.

    `/v1/employees/import` matches both `/import` and `/{external_id}`; the literal route is meant,
    as the OpenAPI document says, so fewer path parameters win.
    """
    matching: list[tuple[int, set[str]]] = []
    for route in _leaf_routes(request.app.router.routes):
        match, _ = route.matches(request.scope)
        if match != Match.NONE:
            params = len(getattr(route, "param_convertors", {}) or {})
            matching.append((params, set(getattr(route, "methods", None) or ())))
    if not matching:
        return set()
    fewest = min(p for p, _ in matching)
    return set().union(*(m for p, m in matching if p == fewest))


def _leaf_routes(routes: list[Any]) -> list[Any]:
    """Routes with their included routers opened up (FastAPI wraps an included router in one route)."""
    out: list[Any] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        out += _leaf_routes(inner.routes) if inner is not None else [route]
    return out


PROBLEM_RESPONSE: dict[str, Any] = {
    "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
}


def problem_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` entries declaring problem+json for these status codes."""
    descriptions = {
        400: "Body or header not readable",
        401: "Missing or wrong token",
        403: "Not allowed",
        404: "Unknown id",
        409: "Conflict",
        412: "Stale If-Match",
        413: "Body too large",
        422: "Validation failed",
        503: "Database or index not available; retry after Retry-After seconds",
    }
    return {code: {"description": descriptions.get(code, "Error"), **PROBLEM_RESPONSE} for code in codes}
