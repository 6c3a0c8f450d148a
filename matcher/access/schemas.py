"""Schemas of access control that leave the service: the audit log as the API and the CLI show it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditRead(BaseModel):
    """One audit event: who (through which key, for whom), what, on which id, when, the outcome; never text."""

    model_config = ConfigDict(frozen=True)

    at: datetime
    actor_kind: str
    actor: str
    via: str | None
    action: str
    target: str | None
    request_id: str | None
    outcome: str
    status: int
