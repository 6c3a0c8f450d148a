"""Integration keys: created once (the only time the secret is shown), stored as a sha256 with a
prefix for lookup, checked against the database on every call so a revocation holds at once in
every process."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from matcher.access.errors import KeyNameTaken, KeyNotFound
from matcher.access.models import ApiKey
from profiles.actor import Actor, Kind
from profiles.models import utcnow

KEY_MARK = "velho_"
SCOPES: tuple[Kind, ...] = ("admin", "integration", "insights")
# Writing last_used_at on every call would turn each read into a write: once a minute is enough.
LAST_USED_EVERY_SECONDS = 60.0


@dataclass(frozen=True)
class KeyRead:
    """What `velho keys list` shows (never the secret)."""

    name: str
    scope: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_key(token: str) -> tuple[str, str] | None:
    """(prefix, secret) of a token shaped like a Velho key, else None."""
    if not token.startswith(KEY_MARK):
        return None
    prefix, sep, secret = token[len(KEY_MARK) :].partition("_")
    if not sep or not prefix or not secret:
        return None
    return prefix, secret


class KeyService:
    """Create, list, revoke and check integration keys. Never commits: the caller's unit of work does."""

    def __init__(self) -> None:
        self._last_written: dict[int, float] = {}
        self._lock = threading.Lock()

    def create(self, session: Session, *, name: str, scope: Kind) -> tuple[KeyRead, str]:
        """A new key; returns it and the full key text, which is shown this once and never stored."""
        if scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
        if session.scalar(select(ApiKey.id).where(ApiKey.name == name)) is not None:
            raise KeyNameTaken(f"a key named {name} exists; revoke it or pick another name")
        prefix = secrets.token_hex(5)
        secret = secrets.token_urlsafe(32)
        key = ApiKey(name=name, scope=scope, prefix=prefix, secret_sha256=_digest(secret), created_at=utcnow())
        session.add(key)
        session.flush()
        return _read(key), f"{KEY_MARK}{prefix}_{secret}"

    def all(self, session: Session) -> list[KeyRead]:
        """Every key, oldest first (revoked ones too, marked)."""
        return [_read(k) for k in session.scalars(select(ApiKey).order_by(ApiKey.id))]

    def revoke(self, session: Session, *, name: str) -> KeyRead:
        """End a key now; every process refuses it from its next call on."""
        key = session.scalars(select(ApiKey).where(ApiKey.name == name)).one_or_none()
        if key is None:
            raise KeyNotFound(f"no key named {name}")
        if key.revoked_at is None:
            key.revoked_at = utcnow()
            session.flush()
        return _read(key)

    def authenticate(self, session: Session, token: str) -> Actor | None:
        """The actor of a valid, unrevoked key, else None (the caller answers 401)."""
        parts = split_key(token)
        if parts is None:
            return None
        prefix, secret = parts
        key = session.scalars(select(ApiKey).where(ApiKey.prefix == prefix)).one_or_none()
        if key is None or key.revoked_at is not None:
            return None
        if not hmac.compare_digest(key.secret_sha256, _digest(secret)):
            return None
        self._touch(session, key)
        return Actor.key(key.name, key.scope)  # type: ignore[arg-type]  # scope is one of SCOPES

    def _touch(self, session: Session, key: ApiKey) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last_written.get(key.id, -LAST_USED_EVERY_SECONDS) < LAST_USED_EVERY_SECONDS:
                return
            self._last_written[key.id] = now
        session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=utcnow()))


def _read(key: ApiKey) -> KeyRead:
    return KeyRead(key.name, key.scope, key.prefix, key.created_at, key.last_used_at, key.revoked_at)
