"""Who is calling: every `/v1` route depends on `authenticate`, and declares who may call it with `access`.

Credentials are bearer tokens (the admin token, an integration key, or an employee's JWT), with
`X-Velho-Acting-Employee` for a key acting for an employee. The rules about whose data may be
touched live in the services; here only the kind of caller is checked against the route.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPBearer

from matcher.access.authenticator import ACTING_HEADER
from profiles.actor import Actor, Kind
from profiles.errors import Forbidden

# Declared as security schemes in the OpenAPI document; the checking is `authenticate` below.
bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="JWT or Velho key",
    description="The admin token, an integration key (velho_…), or an employee's JWT.",
)
acting_scheme = APIKeyHeader(
    name=ACTING_HEADER,
    auto_error=False,
    scheme_name="actingEmployee",
    description="With an integration key: act as this employee (their rules apply; audited).",
)


def authenticate(
    request: Request,
    _bearer: Annotated[Any, Depends(bearer_scheme)],
    _acting: Annotated[Any, Depends(acting_scheme)],
) -> Actor:
    """The caller behind the request's credentials (401/403 problem+json otherwise)."""
    velho = request.app.state.velho
    # Kept on the request at each step, so a refused call is audited under who made it.
    actor: Actor = velho.auth.bearer(request.headers.get("authorization"))
    request.state.actor = actor
    actor = velho.auth.acting(actor, request.headers.get(ACTING_HEADER))
    request.state.actor = actor
    return actor


def access(*kinds: Kind) -> dict[str, Any]:
    """Route keyword arguments: who may call (checked, and declared in OpenAPI as `x-velho-access`).

    `employee` means a signed-in employee or a key acting for one; an admin may call every route.
    """
    allowed = frozenset(kinds)

    def check(actor: Annotated[Actor, Depends(authenticate)]) -> Actor:
        kind = "employee" if actor.is_employee else actor.kind
        if not actor.is_admin and kind not in allowed:
            who = ", ".join(sorted(allowed | {"admin"}))
            raise Forbidden(f"a {kind} credential may not call this; it is for {who}")
        return actor

    return {"dependencies": [Depends(check)], "openapi_extra": {"x-velho-access": sorted(allowed | {"admin"})}}
