"""Bearer-token authentication: the admin token from VELHO_ADMIN_TOKEN."""

from __future__ import annotations

import hmac

from fastapi import Request

from api.errors import ApiProblem
from profiles.actor import Actor


def authenticate(request: Request) -> Actor:
    """The caller behind `Authorization: Bearer <token>`, or a 401 problem."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    expected: str = request.app.state.admin_token
    if scheme.lower() != "bearer" or not token:
        raise ApiProblem(
            401,
            "Unauthorized",
            "send Authorization: Bearer <token>",
            slug="unauthorized",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(token.strip().encode(), expected.encode()):
        raise ApiProblem(
            401,
            "Unauthorized",
            "the token is not valid",
            slug="unauthorized",
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    return Actor.admin()
