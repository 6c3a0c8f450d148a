"""The two rules of demand prompts, at their edges: who is related but was not shown, and which
requests were not well served."""

from __future__ import annotations

import numpy as np

from matcher.insights.outcomes import Outcomes
from matcher.insights.prompts import not_well_served, related_but_unshown
from matcher.insights.store import STRENGTHS

SHARE = 0.2


def test_related_starts_exactly_at_the_share_of_the_best_and_stops_above_the_kth_best() -> None:
    best, kth = np.full(5, 0.6), np.full(5, 0.4)
    relevance = np.array([SHARE * 0.6 - 1e-6, SHARE * 0.6 + 1e-6, 0.4, 0.4 + 1e-6, 0.7])
    out = related_but_unshown(relevance, best, kth, np.zeros(5, bool), share=SHARE)
    # Just below the share: unrelated. From the share up to the k-th best other result: related and
    # still not shown by the profile as it stands. Above the k-th best: the profile would be shown
    # there now, so there is nothing left to say more plainly.
    assert out.tolist() == [False, True, True, False, False]


def test_the_share_is_relative_to_each_request_s_best() -> None:
    relevance = np.array([0.15, 0.15])
    out = related_but_unshown(relevance, np.array([0.7, 0.5]), np.array([0.4, 0.4]), np.zeros(2, bool), share=0.25)
    assert out.tolist() == [False, True]  # 0.15 < 0.25 × 0.7, but ≥ 0.25 × 0.5


def test_whoever_was_shown_is_never_prompted() -> None:
    best, kth = np.array([0.6, 0.6]), np.array([0.5, 0.5])
    out = related_but_unshown(np.array([0.3, 0.3]), best, kth, np.array([True, False]), share=SHARE)
    assert out.tolist() == [False, True]


def test_a_request_with_fewer_than_k_other_results_never_counts() -> None:
    # With fewer than k others (a small organisation, narrow filters) the profile would be shown now.
    best, kth = np.array([np.nan, 0.6]), np.array([np.nan, np.nan])
    out = related_but_unshown(np.array([0.3, 0.3]), best, kth, np.zeros(2, bool), share=SHARE)
    assert out.tolist() == [False, False]


def outcomes(rows: list[int], accepted: list[bool], scores: list[int]) -> Outcomes:
    n = len(rows)
    return Outcomes(
        request_row=np.array(rows, np.int64),
        provider=np.arange(n, dtype=np.int64),
        status=np.zeros(n, np.int8),
        accepted=np.array(accepted, bool),
        declined=~np.array(accepted, bool),
        hours=np.full(n, np.nan),
        score=np.array(scores, np.int8),
    )


def test_well_served_means_a_good_rating_or_help_under_way_on_a_match_that_was_not_weak() -> None:
    strong, weak = STRENGTHS["strong"], STRENGTHS["weak"]
    strength = np.array([strong, weak, strong, strong, weak, strong, strong, strong], np.int8)
    o = outcomes(
        # request 0: rated 4 -> served; 1: weak match but rated 5 -> served; 2: rated 3 only -> not;
        # 3: accepted, not rated yet -> served; 4: accepted on a weak match, not rated -> not;
        # 5: declined only -> not; 6: nobody offered -> not; 7: rated 2, then someone else rated 4 -> served.
        # An engagement of a request the store does not hold (-1) counts for nothing.
        rows=[0, 1, 2, 3, 4, 5, 7, 7, -1],
        accepted=[True, True, True, True, True, False, True, True, True],
        scores=[4, 5, 3, 0, 0, 0, 2, 4, 5],
    )
    assert not_well_served(strength, o, 8, well_rated=4).tolist() == [
        False, False, True, False, True, True, True, False,
    ]  # fmt: skip
