"""Domain errors of webhooks; each carries its HTTP status as data."""

from __future__ import annotations

from profiles.errors import VelhoError


class WebhookNotFound(VelhoError):
    status, title, slug = 404, "Webhook subscription not found", "not-found"
