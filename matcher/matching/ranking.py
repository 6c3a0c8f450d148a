"""Pure scoring functions: no I/O, every constant from `RankingWeights`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from matcher.matching.weights import RankingWeights


@dataclass(frozen=True)
class StatementHit:
    """One statement of a candidate with its similarity to the request."""

    statement_id: int
    similarity: float
    kind: str = "declared"
    level: int | None = None
    rating: int | None = None


def adjusted_similarity(hit: StatementHit, w: RankingWeights) -> float:
    """Similarity with the evidence discount and the small self-rated level nudge."""
    sim = hit.similarity
    if hit.kind == "evidence":
        sim -= w.evidence_discount
    if hit.level is not None:
        sim += w.level_weight * (hit.level - 3)
    return sim


def relevance(hits: Sequence[StatementHit], w: RankingWeights) -> tuple[float, list[tuple[StatementHit, float]]]:
    """Best statement plus a bounded bonus for further statements close to it.

    Returns the relevance and the hits with their adjusted similarity, best first. The bonus
    rewards a second and third statement within `extra_statement_window` of the best one, so
    breadth on the topic helps but never outweighs one much better statement.
    """
    if not hits:
        return 0.0, []
    scored = sorted(((h, adjusted_similarity(h, w)) for h in hits), key=lambda p: -p[1])
    best = scored[0][1]
    bonus = 0.0
    if w.extra_statement_window > 0:
        for _, sim in scored[1 : 1 + w.extra_statement_count]:
            closeness = 1.0 - (best - sim) / w.extra_statement_window
            bonus += w.extra_statement_bonus * max(0.0, closeness)
    return best + bonus, scored
