"""The preview's arithmetic: the vectorised relevance equals the ranking's own, row by row, and the
k-th best other result ignores missing ranks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from matcher.insights.distribution import lorenz
from matcher.insights.recent import kth_best
from matcher.matching.ranking import StatementHit, relevance, relevance_rows
from matcher.matching.weights import RankingWeights


@pytest.mark.parametrize("aggregation", ["lse", "best_bonus"])
@pytest.mark.parametrize("statements", [1, 2, 7, 40])
def test_relevance_rows_is_the_rankings_relevance(aggregation: str, statements: int) -> None:
    w = RankingWeights(aggregation=aggregation)  # type: ignore[arg-type]
    rng = np.random.default_rng(statements)
    sims = rng.uniform(-0.2, 0.9, size=(25, statements)).astype(np.float32)
    levels = [None if i % 3 == 0 else 1 + i % 5 for i in range(statements)]
    rows = relevance_rows(sims, levels, w)
    for row, got in zip(sims, rows, strict=True):
        hits = [StatementHit(i, float(s), level=lv) for i, (s, lv) in enumerate(zip(row, levels, strict=True))]
        assert got == pytest.approx(relevance(hits, w)[0], abs=1e-12)


def test_relevance_rows_needs_one_column_per_statement() -> None:
    with pytest.raises(ValueError):
        relevance_rows(np.zeros((3, 2)), [None], RankingWeights())


def test_kth_best_skips_missing_ranks() -> None:
    nan = math.nan
    values = np.array([[0.9, 0.5, 0.7, 0.1], [0.8, nan, 0.6, 0.4], [0.3, nan, nan, nan]], dtype=np.float32)
    got = kth_best(values, 3)
    assert got[0] == pytest.approx(0.5) and got[1] == pytest.approx(0.4) and math.isnan(got[2])


def test_lorenz_curve() -> None:
    assert lorenz([1, 1, 1, 1], points=5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    # One of four holds everything: the curve stays at 0 until the last person.
    assert lorenz([0, 0, 0, 4], points=5) == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert lorenz([0, 0]) is None and lorenz([]) is None
