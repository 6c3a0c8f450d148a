"""Pure functions of the feedback effects: no I/O, every constant passed in (from `FeedbackWeights`)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping


def bayesian_average(total: float, count: int, *, prior_mean: float, prior_weight: float) -> float:
    """Mean of `count` ratings summing to `total`, shrunk toward `prior_mean` by `prior_weight` pseudo-ratings.

    One 5 (with prior 4.0 × 5) gives 4.17; twenty 4.6s give 4.48, so proven quality wins.
    """
    return (prior_mean * prior_weight + total) / (prior_weight + count)


def beta_posterior_mean(successes: float, failures: float, *, alpha: float, beta: float) -> float:
    """Posterior mean of a Beta(alpha, beta) prior after `successes` and `failures`."""
    return (alpha + successes) / (alpha + beta + successes + failures)


def quality_score(total: float, count: int, *, org_mean: float, prior_weight: float, weight: float) -> float:
    """`weight` per star of shrunk average above (or below) the organisation mean; 0 with no ratings."""
    if count <= 0:
        return 0.0
    shrunk = bayesian_average(total, count, prior_mean=org_mean, prior_weight=prior_weight)
    return weight * (shrunk - org_mean)


def responsiveness_score(
    accepts: int, declines: int, expiries: int, *, alpha: float, beta: float, expiry_weight: float, weight: float
) -> float:
    """`weight` × (posterior acceptance − prior mean): 0 for the untried, negative for habitual decliners."""
    failures = declines + expiry_weight * expiries
    posterior = beta_posterior_mean(accepts, failures, alpha=alpha, beta=beta)
    return weight * (posterior - alpha / (alpha + beta))


def at_capacity(open_count: int, capacity: int) -> bool:
    """True when the provider may take no more offers (capacity 0 means none at all)."""
    return open_count >= capacity


def load_penalty(open_count: int, capacity: int, *, start: float, weight: float) -> float:
    """Non-positive: 0 up to `start` × capacity, then linear to −`weight` at capacity (never offered there)."""
    if capacity <= 0 or open_count <= 0:
        return 0.0
    share = min(1.0, open_count / capacity)
    if share <= start:
        return 0.0
    return -weight * (share - start) / (1.0 - start)


def low_rating_penalty(
    similarities_and_scores: list[tuple[float, int]], *, low_max: int, floor: float, weight: float
) -> float:
    """Non-positive: the worst (similarity-scaled, severity-scaled) of a provider's low ratings.

    Severity is (low_max + 1 − score) / low_max (with low_max 2: a 1 counts fully, a 2 half);
    closeness rises linearly from 0 at `floor` cosine between the requests to 1 at identical.
    """
    worst = 0.0
    for sim, score in similarities_and_scores:
        if score > low_max or sim <= floor:
            continue
        closeness = min(1.0, (sim - floor) / (1.0 - floor))
        severity = (low_max + 1 - score) / low_max
        worst = max(worst, closeness * severity)
    return -weight * worst


def unit_draw(seed: int, draw: int, employee_id: int) -> float:
    """A reproducible uniform number in [0, 1) for one provider in one ranking."""
    digest = hashlib.blake2b(f"{seed}:{draw}:{employee_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def exploration_bonus(engagements: int, *, u: float, bound: float, pseudo_count: float) -> float:
    """Optimism for the little-tried: `bound` × u × n0 / (n0 + engagements), so always below `bound`."""
    return bound * min(max(u, 0.0), 1.0 - 1e-12) * pseudo_count / (pseudo_count + max(engagements, 0))


def exploration_bonuses(
    relevance: Mapping[int, float],
    engagements: Mapping[int, int],
    *,
    seed: int,
    draw: int,
    bound: float,
    margin: float,
    pseudo_count: float,
) -> dict[int, float]:
    """Bonus per candidate, only for those within `margin` of the most relevant one.

    Because each bonus is below `bound` < `margin`, exploration can only reorder candidates whose
    relevance differs by less than `bound`: it never lifts a clearly less relevant person over a
    more relevant one, and never anyone outside the band of the best.
    """
    if not relevance or bound <= 0:
        return {}
    best = max(relevance.values())
    out: dict[int, float] = {}
    for eid, rel in relevance.items():
        if rel < best - margin or math.isnan(rel):
            continue
        u = unit_draw(seed, draw, eid)
        out[eid] = exploration_bonus(engagements.get(eid, 0), u=u, bound=bound, pseudo_count=pseudo_count)
    return out
