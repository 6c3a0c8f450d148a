"""Domain errors of insights (status as data, no FastAPI import)."""

from __future__ import annotations

from profiles.errors import VelhoError


class InvalidPeriod(VelhoError):
    """`since`/`until` do not make a period (reversed, empty, or too long)."""

    status, title, slug = 422, "Invalid period", "validation-error"
