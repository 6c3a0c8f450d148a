"""What became of requests: engagement facts per process, as arrays, caught up incrementally.

Reading a quarter's 30,000 engagements per call was most of an insights call's time. An
engagement changes only while it is open (proposed or accepted) and gets at most one rating,
so each call reads just the engagements created since the newest one held, the open ones,
and ratings created since the newest one held.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from matcher.insights.repository import InsightsRepository

STATUS = {"proposed": 0, "accepted": 1, "declined": 2, "expired": 3, "completed": 4, "cancelled": 5}
OPEN = (0, 1)


@dataclass(frozen=True)
class Outcomes:
    """One row per engagement: its request's row in the topic store (-1 if not held) and facts."""

    request_row: npt.NDArray[np.int64]
    provider: npt.NDArray[np.int64]  # -1 once the provider is erased
    status: npt.NDArray[np.int8]
    accepted: npt.NDArray[np.bool_]
    declined: npt.NDArray[np.bool_]
    hours: npt.NDArray[np.float64]  # NaN unless accepted
    score: npt.NDArray[np.int8]  # 0 unless rated


class OutcomeStore:
    """Engagements and ratings as arrays, extended and updated from the database on each call."""

    def __init__(self) -> None:
        self.repo = InsightsRepository()
        self.reset()

    def reset(self) -> None:
        """Forget everything (the topic store started over)."""
        self._row_of: dict[int, int] = {}
        self._cols: dict[str, npt.NDArray[Any]] = {
            "request_row": np.zeros(0, np.int64),
            "provider": np.zeros(0, np.int64),
            "status": np.zeros(0, np.int8),
            "accepted": np.zeros(0, bool),
            "declined": np.zeros(0, bool),
            "hours": np.zeros(0, np.float64),
            "score": np.zeros(0, np.int8),
        }
        self._newest_engagement = 0
        self._newest_rating = 0

    def refresh(self, session: Session, request_rows: dict[str, int]) -> Outcomes:
        """Caught up with the database; `request_rows` maps request ids to topic-store rows."""
        changed = self.repo.engagements_changed(session, after_id=self._newest_engagement)
        new = [r for r in changed if r.id not in self._row_of]
        cols = {k: v.copy() for k, v in self._cols.items()} if changed else self._cols
        if new:
            start = len(cols["status"])
            for i, r in enumerate(new):
                self._row_of[r.id] = start + i
            extra = len(new)
            for k, v in cols.items():
                cols[k] = np.concatenate([v, np.zeros(extra, v.dtype)])
            cols["score"][start:] = 0
            self._newest_engagement = max(self._newest_engagement, max(r.id for r in new))
        for r in changed:
            i = self._row_of[r.id]
            cols["request_row"][i] = request_rows.get(r.request_id, -1)
            cols["provider"][i] = -1 if r.provider_id is None else r.provider_id
            cols["status"][i] = STATUS.get(r.status, 0)
            cols["accepted"][i] = bool(r.accepted)
            cols["declined"][i] = bool(r.declined)
            cols["hours"][i] = float(r.hours) if r.hours is not None else np.nan
        ratings = self.repo.ratings_after(session, after_id=self._newest_rating)
        if ratings:
            if not changed:
                cols = {k: v.copy() for k, v in cols.items()}
            for r in ratings:
                row = self._row_of.get(r.engagement_id)
                if row is not None:
                    cols["score"][row] = r.score
            self._newest_rating = max(r.id for r in ratings)
        self._cols = cols
        return Outcomes(**cols)
