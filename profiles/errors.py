"""Domain errors of profiles; each carries its HTTP status as data (no FastAPI import)."""

from __future__ import annotations

from typing import Any


class VelhoError(Exception):
    """Base of every domain error: `status` and a short `title`, plus a human `detail`."""

    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"

    def __init__(self, detail: str, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class ProfileNotFound(VelhoError):
    status, title, slug = 404, "Employee not found", "not-found"


class NotProfileOwner(VelhoError):
    status, title, slug = 403, "Not your profile", "forbidden"


class VersionMismatch(VelhoError):
    status, title, slug = 412, "Profile changed since you read it", "precondition-failed"


class ConcurrentUpdate(VelhoError):
    status, title, slug = 409, "Profile changed concurrently", "conflict"


class InvalidProfile(VelhoError):
    status, title, slug = 422, "Invalid profile", "validation-error"


class ServiceUnavailable(VelhoError):
    """The database or the index is not available right now; the caller should retry shortly."""

    status, title, slug = 503, "Service unavailable", "unavailable"
    retry_after_seconds = 5


class InvalidInput(VelhoError):
    """A value the database refused as data (not a schema error the API could catch earlier)."""

    status, title, slug = 422, "Invalid input", "validation-error"


class Forbidden(VelhoError):
    """A valid credential that may not do this (403)."""

    status, title, slug = 403, "Forbidden", "forbidden"
