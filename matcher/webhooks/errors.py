"""Domain errors of webhooks; each carries its HTTP status as data."""

from __future__ import annotations

from profiles.errors import VelhoError


class WebhookNotFound(VelhoError):
    status, title, slug = 404, "Webhook subscription not found", "not-found"


class WebhookTargetRefused(VelhoError):
    """A subscription URL whose host is (or resolves to) an address webhooks may not reach, or none."""

    status, title, slug = 422, "Webhook target not allowed", "validation-error"
