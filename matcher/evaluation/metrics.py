"""recall@k, MRR@10 and nDCG@10 as defined in the data sets' README."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

RELEVANT = 2  # grade that counts as "holds the needed skill"


def recall_at(ranked: Sequence[str], grades: Mapping[str, int], k: int) -> float:
    """Share of the grade-2 people found in the top k (0 when there are none)."""
    wanted = {p for p, g in grades.items() if g >= RELEVANT}
    if not wanted:
        return 0.0
    return len(wanted.intersection(ranked[:k])) / len(wanted)


def mrr_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """1/rank of the first grade-2 person in the top k, else 0."""
    for i, person in enumerate(ranked[:k], start=1):
        if grades.get(person, 0) >= RELEVANT:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: Sequence[str], grades: Mapping[str, int], k: int = 10) -> float:
    """nDCG with gain 2^grade − 1; the ideal ranking uses every graded person."""
    dcg = sum((2 ** grades.get(p, 0) - 1) / math.log2(i + 2) for i, p in enumerate(ranked[:k]))
    ideal_gains = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal_gains))
    return dcg / idcg if idcg > 0 else 0.0


def request_metrics(ranked: Sequence[str], grades: Mapping[str, int]) -> dict[str, float]:
    """Every metric for one request."""
    return {
        "recall@1": recall_at(ranked, grades, 1),
        "recall@5": recall_at(ranked, grades, 5),
        "recall@10": recall_at(ranked, grades, 10),
        "mrr@10": mrr_at(ranked, grades, 10),
        "ndcg@10": ndcg_at(ranked, grades, 10),
    }


def average(rows: Sequence[Mapping[str, float]]) -> dict[str, float]:
    """Mean of each metric over requests."""
    if not rows:
        return {}
    return {key: sum(r[key] for r in rows) / len(rows) for key in rows[0]}
