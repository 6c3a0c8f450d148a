"""The pure feedback effects against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from matcher.feedback.effects import (
    at_capacity,
    bayesian_average,
    beta_posterior_mean,
    exploration_bonus,
    exploration_bonuses,
    load_penalty,
    low_rating_penalty,
    quality_score,
    responsiveness_score,
    unit_draw,
)
from matcher.feedback.weights import FeedbackWeights

W = FeedbackWeights()


class TestBayesianAverage:
    def test_hand_computed(self) -> None:
        # (4.0 * 5 + 5) / (5 + 1) and (4.0 * 5 + 20 * 4.6) / (5 + 20)
        assert bayesian_average(5, 1, prior_mean=4.0, prior_weight=5) == pytest.approx(25 / 6)
        assert bayesian_average(92, 20, prior_mean=4.0, prior_weight=5) == pytest.approx(4.48)
        assert bayesian_average(0, 0, prior_mean=3.7, prior_weight=5) == pytest.approx(3.7)

    def test_one_five_does_not_outrank_twenty_four_point_sixes(self) -> None:
        one = quality_score(5, 1, org_mean=4.0, prior_weight=W.quality_prior_weight, weight=W.quality_weight)
        twenty = quality_score(92, 20, org_mean=4.0, prior_weight=W.quality_prior_weight, weight=W.quality_weight)
        assert twenty > one > 0

    def test_unrated_is_neutral_and_poor_ratings_are_negative(self) -> None:
        assert quality_score(0, 0, org_mean=4.2, prior_weight=5, weight=0.04) == 0.0
        # (4.2 * 5 + 3 * 1) / 8 = 3.0 → 0.04 * (3.0 - 4.2)
        assert quality_score(3, 3, org_mean=4.2, prior_weight=5, weight=0.04) == pytest.approx(-0.048)


class TestBetaPosterior:
    def test_hand_computed(self) -> None:
        assert beta_posterior_mean(0, 0, alpha=4, beta=1) == pytest.approx(0.8)
        assert beta_posterior_mean(3, 1, alpha=4, beta=1) == pytest.approx(7 / 9)
        assert beta_posterior_mean(1, 9, alpha=4, beta=1) == pytest.approx(5 / 15)

    def test_one_decline_buries_nobody_habitual_decliners_sink(self) -> None:
        kw = dict(alpha=4.0, beta=1.0, expiry_weight=1.0, weight=0.1)
        assert responsiveness_score(0, 0, 0, **kw) == 0.0
        one = responsiveness_score(0, 1, 0, **kw)
        assert one == pytest.approx(0.1 * (4 / 6 - 0.8))  # −0.0133
        habitual = responsiveness_score(1, 6, 3, **kw)
        assert habitual == pytest.approx(0.1 * (5 / 15 - 0.8))  # −0.0467
        assert habitual < 3 * one < 0
        assert responsiveness_score(10, 1, 0, **kw) > one

    def test_expiry_counts_as_weighted_decline(self) -> None:
        half = responsiveness_score(0, 0, 2, alpha=4, beta=1, expiry_weight=0.5, weight=1.0)
        assert half == pytest.approx(4 / 6 - 0.8)


class TestLoad:
    def test_capacity(self) -> None:
        assert at_capacity(3, 3) and at_capacity(0, 0) and not at_capacity(2, 3)

    @pytest.mark.parametrize(
        ("open_count", "capacity", "expected"),
        [
            (0, 3, 0.0),
            (1, 4, 0.0),
            (2, 4, -0.04 * (0.5 - 0.3) / 0.7),
            (2, 3, -0.04 * (2 / 3 - 0.3) / 0.7),
            (3, 3, -0.04),
        ],
    )
    def test_hand_computed(self, open_count: int, capacity: int, expected: float) -> None:
        assert load_penalty(open_count, capacity, start=0.3, weight=0.04) == pytest.approx(expected)

    def test_monotone_in_load(self) -> None:
        values = [load_penalty(n, 10, start=0.3, weight=0.04) for n in range(11)]
        assert all(a >= b for a, b in zip(values[:-1], values[1:], strict=True))


class TestLowRatings:
    def test_hand_computed(self) -> None:
        # similarity 0.9 with floor 0.5 → closeness 0.8; a 1 (of low_max 2) → severity 1.
        assert low_rating_penalty([(0.9, 1)], low_max=2, floor=0.5, weight=0.1) == pytest.approx(-0.08)
        assert low_rating_penalty([(0.9, 2)], low_max=2, floor=0.5, weight=0.1) == pytest.approx(-0.04)
        assert low_rating_penalty([(0.9, 2), (1.0, 1)], low_max=2, floor=0.5, weight=0.1) == pytest.approx(-0.1)

    def test_dissimilar_or_decent_ratings_cost_nothing(self) -> None:
        assert low_rating_penalty([(0.4, 1), (0.99, 3)], low_max=2, floor=0.5, weight=0.1) == 0.0


class TestExploration:
    def test_bounded_and_decaying(self) -> None:
        for u in (0.0, 0.3, 0.999999):
            values = [exploration_bonus(n, u=u, bound=0.02, pseudo_count=2) for n in range(50)]
            assert all(0 <= v < 0.02 for v in values)
            assert all(a >= b for a, b in zip(values[:-1], values[1:], strict=True))
        # u × bound × n0 / (n0 + n): 0.5 × 0.02 × 2 / 4
        assert exploration_bonus(2, u=0.5, bound=0.02, pseudo_count=2) == pytest.approx(0.005)

    def test_seeded(self) -> None:
        a = [unit_draw(1, d, e) for d in range(5) for e in range(5)]
        assert a == [unit_draw(1, d, e) for d in range(5) for e in range(5)]
        assert a != [unit_draw(2, d, e) for d in range(5) for e in range(5)]
        assert len(set(a)) == len(a) and all(0 <= x < 1 for x in a)

    def test_only_within_margin_of_the_best(self) -> None:
        rel = {1: 0.90, 2: 0.87, 3: 0.80}
        bonuses = exploration_bonuses(rel, {}, seed=0, draw=0, bound=0.02, margin=0.05, pseudo_count=2)
        assert set(bonuses) == {1, 2}

    def test_never_lifts_a_clearly_less_relevant_person(self) -> None:
        rng = np.random.default_rng(0)
        bound, margin = 0.02, 0.05
        for draw in range(300):
            rel = {i: float(x) for i, x in enumerate(rng.uniform(0.6, 0.9, size=12))}
            engaged = {i: int(rng.integers(0, 4)) for i in rel}
            bonus = exploration_bonuses(rel, engaged, seed=5, draw=draw, bound=bound, margin=margin, pseudo_count=2)
            final = {i: rel[i] + bonus.get(i, 0.0) for i in rel}
            for i in rel:
                for j in rel:
                    if rel[i] > rel[j] + bound:
                        assert final[i] > final[j], (rel[i], rel[j], bonus)

    def test_settings_refuse_a_bonus_as_large_as_the_margin(self) -> None:
        with pytest.raises(ValidationError):
            FeedbackWeights(exploration_bonus=0.05, exploration_margin=0.05)
