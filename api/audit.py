"""What the audit log records of an HTTP call, decided in one place (rows never hold any text).

A successful call that changes something, acts for an employee or exports personal data writes
its row in the call's own transaction (`api.deps.get_session`); a refused call (401/403, or 400 for
a malformed `X-Velho-Acting-Employee`), or a failed one made for an employee, writes its row on its
own (`record_failure`).
"""

from __future__ import annotations

import logging

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from matcher.access.authenticator import ACTING_HEADER
from profiles.actor import Actor

logger = logging.getLogger(__name__)

# Path parameters that name what a call is about (recorded as the row's target).
TARGET_PARAMS = ("external_id", "engagement_id", "subscription_id")


def audited(request: Request, actor: Actor | None) -> bool:
    """True for calls that change something, act for an employee, or export personal data."""
    acting = actor is not None and actor.via is not None
    return request.method != "GET" or acting or request.url.path.endswith("/export")


def action_of(request: Request) -> str:
    """The route's name (e.g. `profile.replace`), else the method and path."""
    name = getattr(request.scope.get("route"), "name", None)
    return str(name) if name else f"{request.method} {request.url.path}"


def target_of(request: Request) -> str | None:
    """The id the call is about, from its path."""
    params = request.path_params
    return next((str(params[p]) for p in TARGET_PARAMS if p in params), None)


async def record_failure(request: Request, status: int) -> None:
    """The audit row of a refused call, or of a failed call made for an employee."""
    if not request.url.path.startswith("/v1"):
        return
    actor: Actor | None = getattr(request.state, "actor", None)
    # A malformed acting header leaves the caller acting for nobody: still an attempt to act for someone.
    refused = status in (401, 403) or (
        status == 400 and ACTING_HEADER in request.headers and actor is not None and actor.via is None
    )
    if not refused and (actor is None or actor.via is None):
        return
    velho = request.app.state.velho

    def write() -> None:
        with velho.session() as session:
            velho.audit.record(
                session,
                actor=actor,
                action=action_of(request),
                target=target_of(request),
                request_id=getattr(request.state, "request_id", None),
                outcome="refused" if refused else "failed",
                status=status,
            )

    try:
        await run_in_threadpool(write)
    except Exception as exc:  # the answer to the caller must not depend on the audit write
        logger.warning("audit_write_failed status=%d error=%s", status, type(exc).__name__)
