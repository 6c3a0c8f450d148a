"""Profile preview: which recent demand a draft profile would have been found by, as topic counts.

The draft's statements are encoded (never stored) and scored against the stored vectors of recent
requests filed by others, with the ranking's own relevance aggregation. A request counts when the
draft would have entered its top k: its relevance beats the k-th best relevance among the other
people that request returned (the employee's own stored result left out) and is not weak.

It is an estimate of what the profile text alone does: the feedback components (load,
responsiveness, exploration), the employee's evidence statements and the requests' filters are
left out. Only counts leave, per topic, labelled from employees' public offers (`labels`); a
topic, or a total, below the minimum group is hidden, so a draft cannot be used to probe whether
one particular request exists.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder
from matcher.insights.recent import kth_best, score_recent
from matcher.insights.schemas import LabelRead, PeriodRead, PreviewCreate, PreviewRead, PreviewTopicRead
from matcher.insights.service import InsightsService
from matcher.insights.store import TOP
from matcher.matching.weights import RankingWeights
from profiles.errors import ProfileNotFound
from profiles.repository import ProfileRepository

METHOD = (
    "draft statements encoded (not stored) and scored against the stored vectors of the last 30 days' "
    "requests by others with the ranking's relevance aggregation; found = beats the k-th other result's "
    "relevance and is not weak; feedback components, evidence statements and request filters are left out"
)


class ProfilePreview:
    """What a draft profile would be found by in recent demand (counts per topic only)."""

    def __init__(self, encoder: Encoder, insights: InsightsService, weights: Callable[[], RankingWeights]) -> None:
        self.encoder = encoder
        self.insights = insights
        self.weights = weights
        self.profiles = ProfileRepository()

    def preview(self, session: Session, *, employee_id: str, draft: PreviewCreate, k: int = TOP) -> PreviewRead:
        """Count recent requests by others whose top `k` the draft would have entered, by topic.

        Args:
            employee_id: the signed-in employee (their own requests and stored results are left out).
            draft: the statements being edited; nothing is saved.
            k: the rank a draft must reach, at most the ranks the topic store keeps.

        Returns:
            Totals for the draft and for the saved profile, and per-topic counts at or above the
            minimum group (labels from offers, never request text).
        """
        employee = self.profiles.get_by_external_id(session, external_id=employee_id)
        if employee is None:
            raise ProfileNotFound(f"no employee {employee_id}")
        w = self.weights()
        min_group = self.insights.rules.min_group_size
        scored = score_recent(
            session, self.insights, self.encoder, w,
            external_id=employee_id, employee_id=employee.id, statements=draft.strengths,
        )  # fmt: skip
        view, period, rows, relevance = scored.view, scored.period, scored.rows, scored.relevance
        threshold = kth_best(scored.others, k)
        found = (relevance >= w.strength_weak) & (np.isnan(threshold) | (relevance > threshold))
        found_now = (view.top_employee[rows, :k] == employee.id).any(axis=1)

        labels = self.insights.labels(session, view)
        counts = np.bincount(view.topics[rows[found]], minlength=max(view.model.k, 1))
        topics, hidden = [], 0
        for t in (int(t) for t in np.argsort(-counts, kind="stable")):
            n = int(counts[t])
            if n == 0:
                continue
            if n < min_group:
                hidden += 1
                continue
            topics.append(PreviewTopicRead(id=t, label=LabelRead(fi=labels[t].fi, en=labels[t].en), found=n))

        def shown(n: int) -> int | None:
            return n if n >= min_group else None

        return PreviewRead(
            period=PeriodRead(since=period.since, until=period.until),
            k=k,
            requests=len(rows),
            found=shown(int(found.sum())),
            found_now=shown(int(found_now.sum())),
            topics=topics,
            hidden_topics=hidden,
            min_group_size=min_group,
            method=METHOD,
        )
