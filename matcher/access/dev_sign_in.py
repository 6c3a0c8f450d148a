"""Dev sign-in: short-lived HS256 employee JWTs minted with the configured secret.

Only for a demo or a local try-out (`VELHO_DEV_SIGN_IN=true`): whoever can reach the API can sign
in as anyone. The tokens are ordinary ones, verified by `EmployeeTokens` like any other.
"""

from __future__ import annotations

import time

import jwt

from matcher.app.settings import Settings


def mint(settings: Settings, external_id: str, *, now: float | None = None) -> str:
    """A JWT naming `external_id` in the configured claim, valid for `dev_token_minutes`."""
    if not settings.jwt_secret:
        raise ValueError("dev sign-in needs VELHO_JWT_SECRET (HS256)")
    issued = int(now if now is not None else time.time())
    claims: dict[str, object] = {
        settings.jwt_employee_claim: external_id,
        "iat": issued,
        "exp": issued + settings.dev_token_minutes * 60,
    }
    if settings.jwt_issuer:
        claims["iss"] = settings.jwt_issuer
    if settings.jwt_audience:
        claims["aud"] = settings.jwt_audience
    return jwt.encode(claims, settings.jwt_secret, algorithm="HS256")
