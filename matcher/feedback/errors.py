"""Domain errors of the feedback loop; each carries its HTTP status as data (no FastAPI import)."""

from __future__ import annotations

from profiles.errors import VelhoError


class EngagementNotFound(VelhoError):
    status, title, slug = 404, "Engagement not found", "not-found"


class RequestNotFound(VelhoError):
    status, title, slug = 404, "Match request not found", "not-found"


class ProviderNotFound(VelhoError):
    status, title, slug = 404, "Provider not found", "not-found"


class IllegalTransition(VelhoError):
    status, title, slug = 409, "Illegal engagement transition", "illegal-transition"


class NotOffered(VelhoError):
    status, title, slug = 409, "Provider was not a result of this request", "not-offered"


class ProviderUnavailable(VelhoError):
    status, title, slug = 409, "Provider cannot take this request", "provider-unavailable"


class AlreadyRated(VelhoError):
    status, title, slug = 409, "Engagement already rated", "already-rated"


class NotAParty(VelhoError):
    status, title, slug = 403, "Not a party to this engagement", "forbidden"


class InvalidRating(VelhoError):
    status, title, slug = 422, "Invalid rating", "validation-error"
