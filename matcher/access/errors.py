"""Domain errors of access control; each carries its HTTP status as data (no FastAPI import)."""

from __future__ import annotations

from profiles.errors import Forbidden, VelhoError

__all__ = ["Forbidden", "KeyNameTaken", "KeyNotFound", "Unauthenticated"]


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
