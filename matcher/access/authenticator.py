"""Turns a request's credentials into an `Actor`: the admin token, an integration key, or an
employee's JWT, and optionally `X-Velho-Acting-Employee` for a key acting for an employee."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy.orm import Session

from matcher.access.errors import Forbidden, MalformedHeader, Unauthenticated
from matcher.access.keys import KeyService, split_key
from matcher.access.tokens import EmployeeTokens, TokenError
from profiles.actor import Actor
from profiles.schemas import EXTERNAL_ID_PATTERN

ACTING_HEADER = "X-Velho-Acting-Employee"
_EXTERNAL_ID = re.compile(EXTERNAL_ID_PATTERN)


class Authenticator:
    """Checks every credential kind; the database is read for keys only (so revocation is immediate)."""

    def __init__(
        self,
        *,
        admin_token: str,
        keys: KeyService,
        tokens: EmployeeTokens,
        sessions: Callable[[], AbstractContextManager[Session]],
    ) -> None:
        self.admin_token = admin_token
        self.keys = keys
        self.tokens = tokens
        self.sessions = sessions

    def authenticate(self, authorization: str | None, acting: str | None = None) -> Actor:
        """The caller; `Unauthenticated` (401) or `Forbidden` (403) when not acceptable."""
        return self.acting(self.bearer(authorization), acting)

    def bearer(self, authorization: str | None) -> Actor:
        """Who the `Authorization` header names; `Unauthenticated` (401) otherwise."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("send Authorization: Bearer <token>", error=None)
        return self._bearer(token)

    def acting(self, actor: Actor, acting: str | None) -> Actor:
        """`actor`, or the employee it acts for: `MalformedHeader` (400) when the header is not an
        external id, `Forbidden` (403) when this credential may not act for anyone."""
        if acting is None:
            return actor
        # The header's form first: a malformed request is the sender's bug whoever sends it.
        if not _EXTERNAL_ID.fullmatch(acting) or len(acting) > 128:
            raise MalformedHeader(f"{ACTING_HEADER} must be an employee's external id (1-128 of A-Z a-z 0-9 . _ : @ -)")
        if actor.kind not in ("admin", "integration"):
            raise Forbidden(f"only an integration key may act for an employee ({ACTING_HEADER})")
        return actor.acting_for(acting)

    def _bearer(self, token: str) -> Actor:
        if hmac.compare_digest(token.encode(), self.admin_token.encode()):
            return Actor.admin()
        if split_key(token) is not None:
            with self.sessions() as session:
                actor = self.keys.authenticate(session, token)
            if actor is None:
                raise Unauthenticated("the key is not valid (unknown or revoked)")
            return actor
        if not self.tokens.enabled:
            raise Unauthenticated("the token is not valid")
        try:
            return Actor.employee(self.tokens.employee_id(token))
        except TokenError as exc:
            raise Unauthenticated(str(exc)) from exc
