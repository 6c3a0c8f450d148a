"""The explore/exploit policy over one candidate list: pure, every constant from `FeedbackWeights`.

For each candidate of a request it computes the feedback components (in relevance units):

- `competence`: competence_weight × best relevance × (posterior mean − prior mean): what the
  provider's ratings on *similar* requests taught beyond what their profile promised;
- `exploration`: the same scale × optimism drawn from that posterior (`effects.optimism`), only
  for the plausible (at least `exploration_share` × the best relevance); under
  `thompson_full` it is θ − mean unclipped, so competence + exploration is the scale × (θ − prior
  mean) and a low draw may place someone lower (never below the relatedness boundary); divided
  by 1 + `found_elsewhere_weight` × the candidate's success on requests unlike this one × how
  vague their line is here (0 at the best relevance, 1 at `exploration_share`);
- `quality` (global rating, off by default), `responsiveness`, `load`;
- `exposure`: minus `exposure_weight` × how often the candidate was shown lately over the most
  shown candidate of the list, for the related, × the same onset as exploration (fair exposure:
  colleagues shown less get a turn);
- `discovery`: the lift that places one plausible, not yet proven person at the discovery slot.

Guarantee: a clearly unrelated candidate (relevance below `related_share` × the best) gets no
positive component at all, so nothing here can lift them over anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from matcher.feedback.effects import (
    Competence,
    competence_posterior,
    competence_prior,
    exposure_penalty,
    found_elsewhere,
    is_related,
    load_penalty,
    optimism,
    quality_score,
    rating_success,
    relevance_share,
    responsiveness_score,
    vagueness,
)
from matcher.feedback.weights import FeedbackWeights

# Feedback components, in the order they are reported.
COMPONENTS = ("evidence", "competence", "quality", "responsiveness", "load", "exposure", "exploration", "discovery")


@dataclass(frozen=True)
class ProviderView:
    """What the policy knows of one candidate for one request."""

    employee_id: int
    relevance: float  # declared relevance plus the evidence lift
    history: Sequence[tuple[float, int]] = ()  # (how much a past rating counts here, 0..1; the rating)
    declined_outside: Sequence[float] = ()  # how much each decline as outside their skills counts here
    accepts: int = 0
    declines: int = 0
    expiries: int = 0
    rating_total: int = 0
    rating_count: int = 0
    open_now: int = 0
    capacity: int = 1
    exposure: float = 0.0  # position-discounted appearances in the latest stored requests' results


@dataclass
class Scored:
    """The policy's verdict on one candidate."""

    employee_id: int
    relevance: float
    related: bool
    belief: Competence
    components: dict[str, float] = field(default_factory=dict)

    @property
    def score(self) -> float:
        """Relevance plus every feedback component."""
        return self.relevance + sum(self.components.values())

    def proven(self, weight: float) -> bool:
        """Rated on requests like this one (similarity-weighted ratings at least `weight`)."""
        return self.belief.weight >= weight


# A decline as outside one's skills teaches what the lowest rating would: no help with a request like it.
OUTSIDE_SKILLS_RATING = 1


def score_candidates(
    views: Sequence[ProviderView], w: FeedbackWeights, *, org_mean: float, draw: int
) -> dict[int, Scored]:
    """Every candidate's components except `discovery` (see `place_discovery`)."""
    if not views:
        return {}
    best = max(v.relevance for v in views)
    scale = max(best, 0.0)
    top = rating_success(org_mean)  # the best match's prior: the organisation's mean rating
    beliefs = {v.employee_id: _belief(v, best, top, w) for v in views}
    # Exploration is worth its cost only against what has been learned: where no candidate was
    # ever rated on a request like this one, relevance is the best estimate for everyone and
    # random draws would only blur it, so the order stays the relevance order.
    most_shown = max((v.exposure for v in views if is_related(v.relevance, best, share=w.related_share)), default=0.0)
    learned = sum(b.weight for b in beliefs.values())
    onset = min(1.0, learned / w.exploration_onset)
    out: dict[int, Scored] = {}
    for v in views:
        related = is_related(v.relevance, best, share=w.related_share)
        belief = beliefs[v.employee_id]
        competence = scale * w.competence_weight * (belief.mean - belief.prior_mean)
        # How far below relevance + competence a penalty of this policy may take someone related
        # before they would sit under the relatedness boundary, among the clearly unrelated.
        room = w.related_share * best - v.relevance - competence
        explore = 0.0
        if related and onset > 0 and v.relevance >= w.exploration_share * best:  # the plausible only
            explore = (
                scale
                * w.competence_weight
                * onset
                * optimism(
                    belief,
                    policy=w.exploration_policy,
                    seed=w.exploration_seed,
                    draw=draw,
                    employee_id=v.employee_id,
                    ucb_z=w.exploration_ucb_z,
                )
            )
            # Chances go first to people not yet found anywhere, as far as their line is vague here
            # (`found_elsewhere_weight`): a line as close as the best is a claim about this skill.
            vague = vagueness(relevance_share(v.relevance, best), plausible=w.exploration_share)
            explore /= 1.0 + w.found_elsewhere_weight * vague * found_elsewhere(v.history)
            if explore < 0:
                # A low draw reorders the related among themselves but never sinks anyone below the
                # relatedness boundary, where the clearly unrelated sit (they get no draw at all).
                explore = max(explore, min(0.0, room))
        exposure = 0.0
        if related:
            # Like exploration, only as far as outcomes tell who is competent here: before that,
            # relevance is all anyone knows, and one request would get another order each time.
            exposure = onset * exposure_penalty(v.exposure, most_shown, weight=w.exposure_weight)
            # Never below the relatedness boundary either (as a low draw), where the unrelated sit.
            exposure = max(exposure, min(0.0, room - explore))
        quality = quality_score(
            v.rating_total,
            v.rating_count,
            org_mean=org_mean,
            prior_weight=w.quality_prior_weight,
            weight=w.quality_weight,
        )
        components = {
            "competence": competence,
            "quality": quality,
            "responsiveness": responsiveness_score(
                v.accepts,
                v.declines,
                v.expiries,
                alpha=w.accept_prior_alpha,
                beta=w.accept_prior_beta,
                expiry_weight=w.expiry_weight,
                weight=w.responsiveness_weight,
            ),
            "load": load_penalty(v.open_now, v.capacity, start=w.load_start, weight=w.load_weight),
            "exposure": exposure,
            "exploration": explore,
            "discovery": 0.0,
        }
        if not related:  # nothing feedback adds may lift the clearly unrelated
            components = {key: min(value, 0.0) for key, value in components.items()}
        out[v.employee_id] = Scored(v.employee_id, v.relevance, related, belief, components)
    return out


def _belief(v: ProviderView, best: float, top: float, w: FeedbackWeights) -> Competence:
    """The candidate's competence posterior for this request: relevance prior, similar ratings, and
    declines as outside their skills, each counted as the lowest rating (they would not have helped)."""
    prior = competence_prior(
        relevance_share(v.relevance, best),
        top=top,
        slope=w.competence_prior_slope,
        floor=w.competence_prior_floor,
    )
    evidence = [*v.history, *((weight, OUTSIDE_SKILLS_RATING) for weight in v.declined_outside)]
    return competence_posterior(prior, evidence, strength=w.competence_prior_strength)


def order(scored: Mapping[int, Scored]) -> list[Scored]:
    """Best first, ties by employee id (as the rankers sort)."""
    return sorted(scored.values(), key=lambda s: (-s.score, s.employee_id))


def place_discovery(scored: Mapping[int, Scored], *, k: int, w: FeedbackWeights) -> int | None:
    """Put one plausible (`discovery_share`), not yet proven person at the discovery slot; returns who, or None.

    Nothing changes when the slot is off, k is below the slot, or the first `slot` positions
    already hold such a person (on a fresh organisation everyone is unproven, so the ranking
    stays as it is). Only those positions count: requesters choose by position, so an unproven
    person at the bottom of the list is rarely asked, and on e5, where dozens of colleagues are
    related, one nearly always sits there. The person chosen is the best-scoring unproven one
    below the slot (the scores carry the exploration draws, so who it is varies between
    requests) with at least `discovery_share` of the best relevance: further down, dozens of
    colleagues on e5 have nothing to tell them apart. Their `discovery` component is exactly the
    lift that puts them just above whoever held the slot.
    """
    slot = w.discovery_slot
    if slot <= 0 or k < slot:
        return None
    ranked = order(scored)
    if len(ranked) <= slot:
        return None

    best = max(s.relevance for s in ranked)

    def unproven(s: Scored) -> bool:
        return s.related and not s.proven(w.proven_weight)

    def plausible(s: Scored) -> bool:
        return unproven(s) and s.relevance >= w.discovery_share * best

    if any(unproven(s) for s in ranked[:slot]):
        return None
    pick = next((s for s in ranked[slot:] if plausible(s)), None)
    if pick is None:
        return None
    holder = ranked[slot - 1]
    target = holder.score + 2e-6  # a hair above the holder, in the 6-decimal precision of components
    if slot > 1:
        above = ranked[slot - 2].score
        # Between the two neighbours; when they tie, level with the holder (ties go by employee id).
        target = (above + holder.score) / 2 if above > holder.score + 4e-6 else holder.score
    pick.components["discovery"] = round(target - pick.score, 6)
    return pick.employee_id


def moved_up_by(scored: Mapping[int, Scored], eid: int, key: str) -> bool:
    """True when the candidate's own `key` component put them above someone who would otherwise lead them."""
    me = scored[eid]
    value = me.components.get(key, 0.0)
    if value <= 0:
        return False
    without = me.score - value
    return any(o.score < me.score and o.score > without for o in scored.values() if o.employee_id != eid)


def moved_down_by(scored: Mapping[int, Scored], eid: int, key: str) -> bool:
    """True when the candidate's own `key` component put someone above them they would otherwise lead."""
    me = scored[eid]
    value = me.components.get(key, 0.0)
    if value >= 0:
        return False
    without = me.score - value
    return any(o.score > me.score and o.score < without for o in scored.values() if o.employee_id != eid)


def similar_ratings(history: Sequence[tuple[float, int]]) -> list[int]:
    """The ratings a candidate got on requests like this one (those that count at all)."""
    return [score for weight, score in history if weight > 0]


__all__ = [
    "COMPONENTS",
    "ProviderView",
    "Scored",
    "moved_down_by",
    "moved_up_by",
    "order",
    "place_discovery",
    "rating_success",
    "score_candidates",
    "similar_ratings",
]
