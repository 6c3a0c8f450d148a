"""How evenly something is spread over people: Gini coefficient and the share of the top ten."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def gini(values: Sequence[float]) -> float | None:
    """0 when everyone has the same, towards 1 when one has all; None for no one or nothing."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n, total = len(x), float(x.sum())
    if n == 0 or total == 0:
        return None
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * x).sum()) / (n * total) - (n + 1) / n)


def top_share(values: Sequence[float], top: int = 10) -> float | None:
    """The share of the total held by the `top` largest values."""
    x = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = float(x.sum())
    return float(x[:top].sum() / total) if total > 0 else None


def lorenz(values: Sequence[float], points: int = 11) -> list[float] | None:
    """The Lorenz curve at `points` evenly spaced shares of people (fewest first): the share of
    the total held by the poorest 0 %, 10 %, ... 100 %, interpolated between people."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    total = float(x.sum())
    if len(x) == 0 or total == 0:
        return None
    cumulative = np.concatenate([[0.0], np.cumsum(x) / total])
    people = np.linspace(0.0, 1.0, len(cumulative))
    return [round(float(v), 4) for v in np.interp(np.linspace(0.0, 1.0, points), people, cumulative)]
