"""The period an insights call covers, and the previous period of equal length (for trends)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from matcher.insights.errors import InvalidPeriod
from profiles.models import as_utc

DEFAULT_DAYS = 30
MAX_DAYS = 731


@dataclass(frozen=True)
class Period:
    """A half-open interval [since, until) in UTC."""

    since: datetime
    until: datetime

    @classmethod
    def of(cls, since: datetime | None, until: datetime | None, *, now: datetime | None = None) -> Period:
        """The asked period: `until` defaults to now, `since` to 30 days before `until`."""
        end = as_utc(until) if until else (now or datetime.now(UTC))
        start = as_utc(since) if since else end - timedelta(days=DEFAULT_DAYS)
        if start >= end:
            raise InvalidPeriod("since must be before until", field="query.since")
        if end - start > timedelta(days=MAX_DAYS):
            raise InvalidPeriod(f"a period may span at most {MAX_DAYS} days", field="query.since")
        return cls(start, end)

    @property
    def previous(self) -> Period:
        """The period of equal length just before this one."""
        return Period(self.since - (self.until - self.since), self.since)
