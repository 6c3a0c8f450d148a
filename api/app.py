"""`create_app(settings=None)`: the FastAPI application and its lifespan."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.body_limit import BodyLimit
from api.errors import install_error_handlers, problem_responses
from api.request_id import RequestId
from api.routes import audit, dev, employees, engagements, health, index, insights, matching, me, webhooks
from api.server_timing import ServerTiming
from matcher.access.authenticator import ACTING_HEADER
from matcher.app.settings import Settings, get_settings
from matcher.app.wiring import Velho, build

logger = logging.getLogger(__name__)


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[dict[str, str]] | None = None


def configure_logging(level: str) -> None:
    """Plain event-style logs; never profile or request text."""
    logging.basicConfig(level=level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")


def create_app(settings: Settings | None = None, *, velho: Velho | None = None) -> FastAPI:
    """Build the app. Tests pass their own settings (and may pass a ready `Velho`)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level)
    if velho is None and not settings.admin_token:
        # No token configured: make one per process so the API is never open by accident.
        settings = settings.model_copy(update={"admin_token": _generated_token()})

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = velho is None
        app.state.velho = velho or build(settings)
        if own:
            # The index loads in the follower's thread: the process answers at once, /readyz says
            # when it may take traffic, and matches answer 503 until then.
            # Serving: the insights store warms itself in the background once the index is loaded.
            await run_in_threadpool(lambda: app.state.velho.start(block=False, serving=True))
        try:
            yield
        finally:
            if own:
                await run_in_threadpool(app.state.velho.close)

    app = FastAPI(
        title="Velho",
        version="1.0.0",
        summary="Finds the colleagues best able to help with a request, with reasons.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    # Outermost first out: the request id is known to every inner layer, the body limit runs early.
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "If-Match", "X-Request-ID", ACTING_HEADER],
            expose_headers=["ETag", "X-Request-ID", "Retry-After", "Server-Timing"],
            max_age=600,
        )
    app.add_middleware(RequestId)
    # Outermost, so its total covers the body limit and error handling too.
    app.add_middleware(ServerTiming)
    for module in (health, employees, me, matching, engagements, webhooks, audit, index, insights):
        app.include_router(module.router)
    if settings.dev_sign_in:
        if not settings.jwt_secret:
            # Refused at start rather than at the first sign-in: the tokens are HS256 with this secret.
            raise ValueError("VELHO_DEV_SIGN_IN=true needs VELHO_JWT_SECRET")
        logger.warning("dev_sign_in_enabled hint=anyone reaching the API may sign in as any employee")
        app.include_router(dev.router)
    _mount_ui(app)
    _add_problem_schema(app)
    return app


UI_DIR = Path(__file__).with_name("ui")


def _mount_ui(app: FastAPI) -> None:
    """The web page at /ui: static files from the package, speaking only to the public JSON API."""

    @app.get("/ui", include_in_schema=False)
    def ui_root() -> RedirectResponse:
        # Relative asset URLs resolve against /ui/, so the bare path redirects there.
        return RedirectResponse("/ui/", status_code=308)

    app.mount("/ui/", StaticFiles(directory=UI_DIR, html=True), name="ui")


def _generated_token() -> str:
    """No token configured: make one per process so the API is never open by accident."""
    token = secrets.token_urlsafe(24)
    logger.warning("admin_token_generated hint=set VELHO_ADMIN_TOKEN")
    return token


def _add_problem_schema(app: FastAPI) -> None:
    """Publish the Problem schema that the error responses reference."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
        _declare_common_errors(schema)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _declare_common_errors(schema: dict[str, object]) -> None:
    """Errors any operation can answer, declared once: on every `/v1` operation a missing or wrong
    credential (401), one of a kind the route is not for (403), and an unreachable database or a
    loading index (503); wherever credentials are taken, a malformed `X-Velho-Acting-Employee`
    (400); wherever a body is taken, an unreadable (400) or oversized (413) one."""
    common = problem_responses(401, 403, 503)
    paths = schema.get("paths", {})
    assert isinstance(paths, dict)
    for path, operations in paths.items():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("security"):
                # FastAPI lists each scheme as an alternative; the acting header only ever goes with a bearer.
                operation["security"] = [{"bearer": []}, {"bearer": [], "actingEmployee": []}]
                for code, spec in problem_responses(400).items():
                    responses.setdefault(str(code), spec)
            if path.startswith("/v1/"):
                for code, spec in common.items():
                    responses.setdefault(str(code), spec)
            if "requestBody" in operation:
                # 400: the body is not JSON (or not UTF-8) at all; 413: it is too large.
                for code, spec in problem_responses(400, 413).items():
                    responses.setdefault(str(code), spec)
