"""Liveness and readiness probes (they only read)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.errors import problem
from matcher.app.wiring import Velho

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None, responses={503: {"description": "Not ready (see detail)"}})
def readyz(request: Request) -> dict[str, object] | JSONResponse:
    """Database reachable, index loaded and following the database (503 otherwise)."""
    velho: Velho = request.app.state.velho
    state = velho.readiness()
    if not state.ready:
        return problem(503, "Not ready", state.reason, slug="not-ready", headers={"Retry-After": "2"})
    return {
        "status": "ready",
        "index_count": state.index_count,
        "change_seq": state.change_seq,
        "database_change_seq": state.database_change_seq,
        "model": state.model,
    }
