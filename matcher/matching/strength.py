"""Match strength: a calibrated band per result, from its relevance, so "nobody here really knows
this" is visible to frontends and insights.

The bands read the `relevance` component only (what the profile says about the request), not the
feedback components (load, responsiveness), which say nothing about whether the person knows it.
Thresholds live in `RankingWeights`; they were chosen on the dev sets for the default model (README).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Literal

from matcher.matching.weights import RankingWeights

Strength = Literal["strong", "fair", "weak"]
ORDER: dict[str, int] = {"weak": 0, "fair": 1, "strong": 2}


def band(relevance: float, w: RankingWeights) -> Strength:
    """The band of one relevance value: strong ≥ `strength_strong`, weak < `strength_weak`, else fair."""
    if relevance >= w.strength_strong:
        return "strong"
    if relevance < w.strength_weak:
        return "weak"
    return "fair"


def band_of(components: Mapping[str, float], w: RankingWeights) -> Strength | None:
    """A result's band from its components; None without a dense relevance (the BM25 ranker's scale is
    not calibrated)."""
    rel = components.get("relevance")
    return None if rel is None else band(rel, w)


def best_of(bands: Iterable[Strength | None]) -> Strength | None:
    """The strongest band among the results (None when there are none, or none has a band)."""
    best: Strength | None = None
    for b in bands:
        if b is not None and (best is None or ORDER[b] > ORDER[best]):
            best = b
    return best
