"""`create_app(settings=None)`: the FastAPI application and its lifespan."""

from __future__ import annotations

import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.errors import install_error_handlers, problem
from api.routes import employees, engagements, health, matching
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

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = velho is None
        app.state.velho = velho or build(settings)
        if own:
            await run_in_threadpool(app.state.velho.start)
        try:
            yield
        finally:
            if own:
                app.state.velho.close()

    app = FastAPI(
        title="Velho",
        version="1.0.0",
        summary="Finds the colleagues best able to help with a request, with reasons.",
        lifespan=lifespan,
    )
    app.state.admin_token = settings.admin_token or _generated_token()
    install_error_handlers(app)
    _limit_body_size(app, settings.max_body_bytes)
    app.include_router(health.router)
    app.include_router(employees.router)
    app.include_router(matching.router)
    app.include_router(engagements.router)
    _add_problem_schema(app)
    return app


def _generated_token() -> str:
    """No token configured: make one per process so the API is never open by accident."""
    token = secrets.token_urlsafe(24)
    logger.warning("admin_token_generated hint=set VELHO_ADMIN_TOKEN")
    return token


def _limit_body_size(app: FastAPI, limit: int) -> None:
    """413 for bodies over the limit, checked before anything reads them."""

    @app.middleware("http")
    async def body_limit(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > limit:
            return problem(413, "Payload too large", f"bodies are limited to {limit} bytes", slug="payload-too-large")
        return await call_next(request)


def _add_problem_schema(app: FastAPI) -> None:
    """Publish the Problem schema that the error responses reference."""
    original = app.openapi

    def openapi() -> dict[str, object]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
