"""Person-level relevance (log-sum-exp with a count-dependent temperature) and match-strength bands,
against values computed by hand."""

from __future__ import annotations

import pytest

from matcher.matching.ranking import StatementHit, relevance, temperature
from matcher.matching.strength import band, band_of, best_of
from matcher.matching.weights import RankingWeights

# No level nudge unless a test sets levels; evidence discount 0.03 as the default.
W = RankingWeights(lse_base=0.05, lse_slope=0.0)


def hits(*sims: float, kind: str = "declared") -> list[StatementHit]:
    return [StatementHit(i + 1, s, kind=kind) for i, s in enumerate(sims)]


class TestTemperature:
    def test_base_plus_slope_times_log_count(self) -> None:
        w = RankingWeights(lse_base=0.015, lse_slope=0.02)
        assert temperature(1, w) == pytest.approx(0.015)
        # 0.015 + 0.02 · ln 32 = 0.015 + 0.02 · 3.465736 = 0.084315
        assert temperature(32, w) == pytest.approx(0.084315, abs=1e-6)
        assert temperature(0, w) == pytest.approx(0.015)  # no statements: as one

    def test_capped(self) -> None:
        w = RankingWeights(lse_base=0.015, lse_slope=0.02, lse_cap=0.06)
        # 0.015 + 0.02 · ln 10 = 0.061052 > cap
        assert temperature(10, w) == pytest.approx(0.06)
        assert temperature(9, w) == pytest.approx(0.015 + 0.02 * 2.197225, abs=1e-6)


class TestLogSumExp:
    def test_one_statement_is_its_similarity(self) -> None:
        rel, scored = relevance(hits(0.8), W)
        assert rel == pytest.approx(0.8)
        assert [h.statement_id for h, _ in scored] == [1]

    def test_three_statements_at_known_temperature(self) -> None:
        # 0.8 + 0.05 · ln(1 + e^-2 + e^-4) = 0.8 + 0.05 · ln 1.153650 = 0.8 + 0.05 · 0.142932
        rel, scored = relevance(hits(0.6, 0.8, 0.7), W)
        assert rel == pytest.approx(0.807147, abs=1e-6)
        assert [s for _, s in scored] == pytest.approx([0.8, 0.7, 0.6])  # best first: names what carried it

    def test_equal_statements_add_t_log_n(self) -> None:
        # n equal values v: v + T · ln n; with T = 0.015 + 0.02 ln 4 = 0.042726: 0.5 + 0.042726 · 1.386294
        w = RankingWeights(lse_base=0.015, lse_slope=0.02)
        rel, _ = relevance(hits(0.5, 0.5, 0.5, 0.5), w)
        assert rel == pytest.approx(0.559231, abs=1e-6)

    def test_evidence_counts_with_its_discount(self) -> None:
        # declared 0.70 and evidence 0.73 − 0.03 = 0.70: 0.70 + 0.05 · ln 2 = 0.734657
        both = [StatementHit(1, 0.70), StatementHit(2, 0.73, kind="evidence")]
        rel, _ = relevance(both, W)
        assert rel == pytest.approx(0.734657, abs=1e-6)

    def test_breadth_outweighs_one_slightly_better_statement(self) -> None:
        w = RankingWeights(lse_base=0.015, lse_slope=0.02)
        broad, _ = relevance(hits(*[0.78] * 8), w)  # 0.78 + (0.015 + 0.02 · 2.079442) · 2.079442
        narrow, _ = relevance(hits(0.84, 0.40), w)  # 0.84 + 0.028863 · ln(1 + e^-15.24) ≈ 0.84
        assert broad == pytest.approx(0.897673, abs=1e-6)
        assert narrow == pytest.approx(0.84, abs=1e-6)
        assert broad > narrow

    def test_far_statements_add_almost_nothing(self) -> None:
        # 0.9 + 0.05 · ln(1 + 9·e^-10) = 0.9 + 0.05 · 0.000409
        rel, _ = relevance(hits(0.9, *[0.4] * 9), W)
        assert rel == pytest.approx(0.900020, abs=1e-6)

    def test_no_overflow_at_tiny_temperature(self) -> None:
        w = RankingWeights(lse_base=1e-4, lse_slope=0.0)
        rel, _ = relevance(hits(0.95, 0.2), w)
        assert rel == pytest.approx(0.95)

    def test_previous_rule_still_selectable(self) -> None:
        # best 0.8 + 0.05 · (1 − 0.02/0.05) for 0.78 = 0.8 + 0.03; 0.70 is outside the window
        w = RankingWeights(aggregation="best_bonus")
        rel, _ = relevance(hits(0.8, 0.78, 0.70), w)
        assert rel == pytest.approx(0.83)


class TestBands:
    def test_thresholds(self) -> None:
        w = RankingWeights(strength_strong=0.52, strength_weak=0.41)
        assert band(0.52, w) == "strong"
        assert band(0.5199, w) == "fair"
        assert band(0.41, w) == "fair"
        assert band(0.4099, w) == "weak"

    def test_lexical_results_have_no_band(self) -> None:
        assert band_of({"lexical": 0.9}, RankingWeights()) is None
        assert band_of({"relevance": 0.9, "load": -0.1}, RankingWeights()) == "strong"

    def test_best_is_the_strongest_band(self) -> None:
        assert best_of(["weak", "fair", "weak"]) == "fair"
        assert best_of(["weak", None]) == "weak"
        assert best_of([]) is None


def test_pool_value_equals_the_ranked_relevance() -> None:
    from matcher.matching.ranking import relevance_value

    for w in (RankingWeights(), RankingWeights(aggregation="best_bonus")):
        some = [StatementHit(1, 0.61), StatementHit(2, 0.74, kind="evidence", level=5), StatementHit(3, 0.70)]
        assert relevance_value(some, w) == pytest.approx(relevance(some, w)[0])
    assert relevance_value([], RankingWeights()) == 0.0
