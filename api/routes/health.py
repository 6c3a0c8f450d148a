"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.errors import problem

router = APIRouter(tags=["operations"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz", response_model=None)
def readyz(request: Request) -> dict[str, object] | JSONResponse:
    """Database reachable and the index loaded and in step with it (503 otherwise)."""
    velho = request.app.state.velho
    try:
        with velho.sessions() as session:
            session.execute(text("SELECT 1"))
            velho.sync.catch_up(session)
            in_step = velho.sync.in_step(session)
    except Exception as exc:  # any failure means "not ready", never a crash
        return problem(503, "Not ready", f"database unavailable ({type(exc).__name__})", slug="not-ready")
    if not in_step:
        return problem(503, "Not ready", "index is not loaded or not in step", slug="not-ready")
    return {"status": "ready", "index_count": len(velho.sync.index), "change_seq": velho.sync.change_seq,
            "model": velho.encoder.info.model_id}
