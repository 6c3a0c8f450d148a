"""A small run of the feedback simulation: fails if feedback stops improving precision."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from matcher.evaluation.simulation import SimConfig, check_targets, compare, gini, run_simulation

SMALL = SimConfig(requests=200, window=100, seed=7)


@pytest.mark.slow
def test_feedback_improves_precision_without_overloading_anyone(tmp_path: Path) -> None:
    on, off = compare(SMALL, tmp_path)
    last_on, last_off = on.rows()[-1], off.rows()[-1]
    assert last_on["precision_at_1"] >= last_off["precision_at_1"] + 0.20, (on.rows(), off.rows())
    assert on.rows()[-1]["precision_at_1"] > on.rows()[0]["precision_at_1"]  # it learns over time
    assert all(r["max_load"] <= 1.0 for r in on.rows() + off.rows())
    assert check_targets(on, off) == []
    assert on.counts["requests"] == off.counts["requests"] == SMALL.requests


def test_seeded_runs_are_reproducible(tmp_path: Path) -> None:
    config = replace(SMALL, requests=30, window=15, org_size=60)
    first = run_simulation(config, tmp_path / "a")
    again = run_simulation(config, tmp_path / "b")
    assert first.rows() == again.rows() and first.counts == again.counts
    other = run_simulation(replace(config, seed=8), tmp_path / "c")
    assert other.rows() != first.rows()


def test_gini() -> None:
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([0, 0]) == 0.0
