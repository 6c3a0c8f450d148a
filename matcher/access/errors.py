"""Domain errors of access control; each carries its HTTP status as data (no FastAPI import)."""

from __future__ import annotations

from profiles.errors import Forbidden, VelhoError

__all__ = ["Forbidden", "KeyNameTaken", "KeyNotFound", "MalformedHeader", "Unauthenticated"]


class Unauthenticated(VelhoError):
    """No credential, or one that is not valid (401, with WWW-Authenticate)."""

    status, title, slug = 401, "Unauthorized", "unauthorized"

    def __init__(self, detail: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(detail)
        # RFC 6750: `error="invalid_token"` when a token was sent but refused; nothing when none was.
        challenge = "Bearer" if error is None else f'Bearer error="{error}"'
        self.headers = {"WWW-Authenticate": challenge}


class KeyNameTaken(VelhoError):
    status, title, slug = 409, "Key name taken", "conflict"


class KeyNotFound(VelhoError):
    status, title, slug = 404, "Key not found", "not-found"


class MalformedHeader(VelhoError):
    """A credential header that is not in its documented form (400); a well-formed one the
    credential may not use is `Forbidden` (403)."""

    status, title, slug = 400, "Malformed header", "bad-request"
