"""Dev sign-in: short-lived HS256 employee JWTs minted with the configured secret.

Only for a demo or a local try-out (`VELHO_DEV_SIGN_IN=true`): whoever can reach the API can sign
in as anyone. The tokens are ordinary ones, verified by `EmployeeTokens` like any other.
"""

from __future__ import annotations

import secrets
import time

import jwt
from sqlalchemy.orm import Session

from matcher.access.keys import KeyService
from matcher.app.settings import Settings

# Names of the insights keys dev sign-in creates; each new one revokes the ones before it.
DEV_INSIGHTS_KEY = "dev-insights-"


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


def insights_key(session: Session, keys: KeyService) -> str:
    """A new insights-scoped key for the page's Insights tab; earlier dev insights keys are revoked,
    so at most one works at a time. Keys never expire: this is for a demo database only."""
    for key in keys.all(session):
        if key.name.startswith(DEV_INSIGHTS_KEY) and key.revoked_at is None:
            keys.revoke(session, name=key.name)
    _, secret = keys.create(session, name=f"{DEV_INSIGHTS_KEY}{secrets.token_hex(4)}", scope="insights")
    return secret
