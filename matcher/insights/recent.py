"""One employee's statements scored against the recent demand of others.

The profile preview (a draft) and the demand prompts (the saved profile) both ask how a set of
statements relates to the last 30 days' stored requests filed by others, and where the other
people those requests returned stood. This is that one computation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder
from embeddings.language import detect_language
from matcher.insights.period import Period
from matcher.insights.service import InsightsService
from matcher.insights.store import TopicView
from matcher.matching.ranking import relevance_rows
from matcher.matching.weights import RankingWeights

Floats = npt.NDArray[np.float64]


class Statement(Protocol):
    """A draft or a stored strength statement: what scoring reads of it."""

    @property
    def text(self) -> str: ...
    @property
    def level(self) -> int | None: ...
    @property
    def language(self) -> str | None: ...


@dataclass(frozen=True)
class RecentScores:
    """The statements against the period's requests by others (one row each)."""

    view: TopicView
    period: Period
    rows: npt.NDArray[np.intp]  # the requests' rows in the topic store
    sims: npt.NDArray[np.float32]  # (requests, statements) cosines
    relevance: Floats  # the ranking's relevance aggregation of those
    others: npt.NDArray[np.float32]  # (requests, ranks) the other results' relevance; the employee's own NaN


def kth_best(values: npt.ArrayLike, k: int) -> Floats:
    """The k-th largest value of each row, NaN ignored; NaN where a row has fewer than k values."""
    array = np.asarray(values, dtype=np.float64)
    filled = np.where(np.isnan(array), -np.inf, array)
    if filled.shape[1] < k:
        return np.full(filled.shape[0], np.nan)
    kth = -np.sort(-filled, axis=1)[:, k - 1]
    return np.where(np.isneginf(kth), np.nan, kth)


def score_recent(
    session: Session,
    insights: InsightsService,
    encoder: Encoder,
    weights: RankingWeights,
    *,
    external_id: str,
    employee_id: int,
    statements: Sequence[Statement],
) -> RecentScores:
    """Encode `statements` (nothing is stored) and score them against the last 30 days' requests
    filed by anyone but `external_id`, whose own stored results are left out of `others`."""
    period = Period.of(None, None)
    languages = [s.language or detect_language(s.text) for s in statements]
    raw = encoder.encode_documents([s.text for s in statements])
    vectors = np.asarray(insights.centering().apply(raw, languages), dtype=np.float32)
    view = insights.store.view(session, insights.index())
    recent = view.rows_between(period.since, period.until)
    if external_id in view.requesters:
        recent &= view.requester != view.requesters.index(external_id)
    rows = np.flatnonzero(recent)
    sims = view.vectors[rows] @ vectors.T
    relevance = relevance_rows(sims, [s.level for s in statements], weights)
    others = np.where(view.ranked[rows] == employee_id, np.nan, view.relevance[rows]).astype(np.float32)
    return RecentScores(view, period, rows, sims, relevance, others)
