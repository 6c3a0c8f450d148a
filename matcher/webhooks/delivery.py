"""The webhook delivery worker: at-least-once, signed, with retries, safe with several processes.

Each round claims a batch of due deliveries under a short lease (PostgreSQL: `FOR UPDATE SKIP
LOCKED`, so two processes never take the same row; SQLite has one writer anyway), commits the
claim, sends each one outside any transaction, and records the outcome. A worker that dies after
sending but before recording leaves the lease to expire: the delivery is sent again with the same
`webhook-id`, which receivers use to deduplicate. Failures retry with exponential backoff and
jitter; a delivery is given up after the last attempt, and a subscription failing that many times
in a row is disabled, with a log line saying why. Deliveries reach only the addresses `targets`
allows, checked as each connection is made, and go direct (never through HTTP(S)_PROXY).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import timedelta

import httpx
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from matcher.webhooks.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from matcher.webhooks.signing import signature
from matcher.webhooks.targets import GuardedTransport, TargetBlocked, TargetPolicy
from profiles.models import utcnow

logger = logging.getLogger(__name__)

SessionFactory = Callable[[], AbstractContextManager[Session]]
LEASE_SECONDS = 60.0


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry and give-up rules (from `Settings.webhook_*`)."""

    retry_base_seconds: float = 10.0
    retry_max_seconds: float = 3600.0
    max_attempts: int = 8
    disable_after_failures: int = 20
    timeout_seconds: float = 10.0
    batch: int = 20

    def backoff(self, attempts: int, rng: random.Random) -> float:
        """Seconds before the next try after `attempts` failed ones: doubling, capped, ±25 % jitter."""
        base = min(self.retry_base_seconds * 2.0 ** max(attempts - 1, 0), self.retry_max_seconds)
        return float(base * rng.uniform(0.75, 1.25))


@dataclass(frozen=True)
class _Job:
    delivery_id: int
    subscription_id: int
    url: str
    secret: str
    message_id: str
    body: bytes
    attempts: int


class DeliveryWorker:
    """Sends due deliveries; `run_once` is one round (the API's background task or `velho webhooks run`)."""

    def __init__(
        self,
        *,
        write: SessionFactory,
        policy: DeliveryPolicy | None = None,
        targets: TargetPolicy | None = None,
        seed: int | None = None,
    ) -> None:
        self._write = write
        self.policy = policy or DeliveryPolicy()
        self._client = httpx.Client(
            transport=GuardedTransport(targets or TargetPolicy()),
            timeout=self.policy.timeout_seconds,
            follow_redirects=False,
            trust_env=False,
        )
        self._rng = random.Random(seed)

    def run_once(self) -> int:
        """Claim, send and record one batch; returns how many were sent (successfully or not)."""
        jobs = self._claim()
        for job in jobs:
            self._record(job, *self._send(job))
        return len(jobs)

    def drain(self, *, timeout: float = 30.0) -> None:
        """Run rounds until nothing is due (tests and the CLI's `--once`)."""
        deadline = time.monotonic() + timeout
        while self.run_once() and time.monotonic() < deadline:
            pass

    def close(self) -> None:
        """Release the HTTP client."""
        self._client.close()

    def _claim(self) -> list[_Job]:
        now = utcnow()
        with self._write() as session:
            stmt = (
                select(WebhookDelivery)
                .where(
                    WebhookDelivery.status == "pending",
                    WebhookDelivery.next_attempt_at <= now,
                    or_(WebhookDelivery.leased_until.is_(None), WebhookDelivery.leased_until < now),
                )
                .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                .limit(self.policy.batch)
                .with_for_update(skip_locked=True)
            )
            deliveries = list(session.scalars(stmt))
            if not deliveries:
                return []
            lease = now + timedelta(seconds=LEASE_SECONDS)
            events = {
                e.id: e
                for e in session.scalars(
                    select(WebhookEvent).where(WebhookEvent.id.in_({d.event_id for d in deliveries}))
                )
            }
            subs = {
                s.id: s
                for s in session.scalars(
                    select(WebhookSubscription).where(
                        WebhookSubscription.id.in_({d.subscription_id for d in deliveries})
                    )
                )
            }
            jobs = []
            for d in deliveries:
                d.leased_until = lease
                sub, event = subs[d.subscription_id], events[d.event_id]
                if sub.disabled_at is not None:
                    d.status, d.last_error = "failed", "subscription disabled"
                    continue
                body = json.dumps(event.payload, separators=(",", ":"), sort_keys=True).encode()
                jobs.append(_Job(d.id, sub.id, sub.url, sub.secret, event.id, body, d.attempts))
        return jobs

    def _send(self, job: _Job) -> tuple[int | None, str | None]:
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": job.message_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": signature(job.secret, job.message_id, timestamp, job.body),
            "user-agent": "Velho-Webhooks/1",
        }
        try:
            response = self._client.post(job.url, content=job.body, headers=headers)
        except httpx.HTTPError as exc:
            if isinstance(exc.__cause__, TargetBlocked):
                return None, f"TargetBlocked: {exc}"[:200]  # the reason column is short
            return None, type(exc).__name__
        if 200 <= response.status_code < 300:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    def _record(self, job: _Job, status_code: int | None, error: str | None) -> None:
        now = utcnow()
        with self._write() as session:
            delivery = session.get(WebhookDelivery, job.delivery_id)
            sub = session.get(WebhookSubscription, job.subscription_id)
            if delivery is None or sub is None:
                return  # the subscription was deleted meanwhile
            delivery.attempts = job.attempts + 1
            delivery.last_status_code = status_code
            delivery.leased_until = None
            if error is None:
                delivery.status, delivery.delivered_at, delivery.last_error = "delivered", now, None
                sub.consecutive_failures = 0
                logger.info(
                    "webhook_delivered delivery=%d subscription=%d attempts=%d", delivery.id, sub.id, delivery.attempts
                )
                return
            delivery.last_error = error
            sub.consecutive_failures += 1
            if delivery.attempts >= self.policy.max_attempts:
                delivery.status = "failed"
                logger.warning("webhook_given_up delivery=%d subscription=%d attempts=%d error=%s",
                               delivery.id, sub.id, delivery.attempts, error)  # fmt: skip
            else:
                delay = self.policy.backoff(delivery.attempts, self._rng)
                delivery.next_attempt_at = now + timedelta(seconds=delay)
                logger.info("webhook_retry delivery=%d subscription=%d attempts=%d error=%s in=%.1fs",
                            delivery.id, sub.id, delivery.attempts, error, delay)  # fmt: skip
            if sub.disabled_at is None and sub.consecutive_failures >= self.policy.disable_after_failures:
                sub.disabled_at = now
                sub.disabled_reason = f"{sub.consecutive_failures} failed deliveries in a row; last: {error}"
                logger.warning(
                    "webhook_disabled subscription=%d failures=%d last_error=%s",
                    sub.id,
                    sub.consecutive_failures,
                    error,
                )
