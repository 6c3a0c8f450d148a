"""Employee bearer tokens (JWT), verified with PyJWT.

HS256 with a shared secret, or RS256/ES256 with a public key or a JWKS file; the key is chosen
by the token's `kid` in a JWKS, and the file is re-read when it changes, so keys can rotate.
Issuer, audience, `exp` and `nbf` are checked with a small clock-skew allowance. The algorithms
accepted follow from the configured key, so a token signed with another kind (or `alg: none`)
is refused rather than verified against the wrong key.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt

ASYMMETRIC = ["RS256", "ES256"]


class TokenError(Exception):
    """The token is not acceptable; the message says why (it is safe to show)."""


@dataclass(frozen=True)
class TokenSettings:
    """How employee tokens are verified (from `Settings`)."""

    secret: str | None = None
    public_key: str | None = None
    jwks_file: Path | None = None
    issuer: str | None = None
    audience: str | None = None
    employee_claim: str = "sub"
    leeway_seconds: int = 30

    @property
    def enabled(self) -> bool:
        """True when any verification key is configured."""
        return bool(self.secret or self.public_key or self.jwks_file)


class EmployeeTokens:
    """Verifies employee JWTs and returns the employee's external id."""

    def __init__(self, settings: TokenSettings) -> None:
        self.settings = settings
        self._public_key = _read_pem(settings.public_key) if settings.public_key else None
        self._jwks: dict[str, Any] = {}
        self._jwks_mtime: float | None = None
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        """False when no key is configured (every token is then refused)."""
        return self.settings.enabled

    def employee_id(self, token: str) -> str:
        """The external id the verified token names; raises `TokenError` when it is not acceptable."""
        s = self.settings
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError as exc:
            raise TokenError("the token is not a JWT") from exc
        key, algorithms = self._key_for(header)
        options = {"require": ["exp"], "verify_aud": s.audience is not None, "verify_iss": s.issuer is not None}
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=s.audience,
                issuer=s.issuer,
                leeway=s.leeway_seconds,
                options=options,  # type: ignore[arg-type]
            )
        except jwt.ExpiredSignatureError as exc:
            raise TokenError("the token has expired") from exc
        except jwt.ImmatureSignatureError as exc:
            raise TokenError("the token is not valid yet") from exc
        except jwt.InvalidAudienceError as exc:
            raise TokenError("the token is for another audience") from exc
        except jwt.InvalidIssuerError as exc:
            raise TokenError("the token is from another issuer") from exc
        except jwt.InvalidTokenError as exc:
            raise TokenError("the token's signature or claims are not valid") from exc
        subject = claims.get(s.employee_claim)
        if not isinstance(subject, str) or not subject:
            raise TokenError(f"the token has no {s.employee_claim} claim naming the employee")
        return subject

    def _key_for(self, header: dict[str, Any]) -> tuple[Any, list[str]]:
        s = self.settings
        alg = header.get("alg")
        if s.jwks_file is not None:
            kid = header.get("kid")
            jwk = self._jwks_keys().get(kid) if isinstance(kid, str) else None
            if jwk is None:
                raise TokenError("the token's key id is not in the key set")
            return jwk.key, [jwk.algorithm_name] if jwk.algorithm_name in ASYMMETRIC else ASYMMETRIC
        if self._public_key is not None:
            return self._public_key, ASYMMETRIC
        if s.secret:
            return s.secret, ["HS256"]
        raise TokenError(f"employee tokens are not configured (got alg {alg})")

    def _jwks_keys(self) -> dict[str, Any]:
        path = self.settings.jwks_file
        assert path is not None
        mtime = path.stat().st_mtime
        with self._lock:
            if mtime != self._jwks_mtime:
                keyset = jwt.PyJWKSet.from_dict(json.loads(path.read_text()))
                self._jwks = {k.key_id: k for k in keyset.keys if k.key_id}
                self._jwks_mtime = mtime
            return self._jwks


def _read_pem(value: str) -> str:
    """A PEM given inline, or the path of a file holding one."""
    if "-----BEGIN" in value:
        return value
    return Path(value).expanduser().read_text()
