"""`FeedbackWeights`: every constant of the feedback loop, tuned on the simulation (feedback/README.md)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, model_validator

from matcher.feedback.effects import Policy


class FeedbackWeights(BaseModel):
    """Every constant of the feedback loop (engagements, ratings); `enabled=False` is the no-feedback baseline.

    Responsiveness and load are in relevance units (cosine similarity after language correction);
    competence, exploration and discovery are in units of the best candidate's relevance, so they
    mean the same on the e5 scale (best ≈ 0.6) and on the simulation's topic encoder (≈ 0.95).
    """

    # Master switch: off = pure relevance ranking, no capacity/decline exclusion, no evidence.
    enabled: bool = True
    # A `proposed` engagement not answered within this many hours expires (a soft decline).
    offer_ttl_hours: float = Field(default=72.0, gt=0)
    # The organisation's mean rating (a Bayesian average with this many pseudo-ratings at
    # `quality_default_mean`) is the competence prior of the best-matching candidate.
    quality_prior_weight: float = Field(default=5.0, gt=0)
    quality_default_mean: float = Field(default=4.0, ge=1, le=5)
    # Global quality (all ratings, any topic): score per star above the organisation mean. 0: off,
    # because a hidden expert tried once on the wrong topic must not be marked down on their own.
    quality_weight: float = 0.0
    # Responsiveness: Beta(alpha, beta) prior over accepting an offer (prior mean alpha/(alpha+beta));
    # an expired offer counts as `expiry_weight` declines.
    accept_prior_alpha: float = Field(default=4.0, gt=0)
    accept_prior_beta: float = Field(default=1.0, gt=0)
    expiry_weight: float = Field(default=1.0, ge=0)
    # Score per unit of (posterior acceptance − prior mean).
    responsiveness_weight: float = 0.1
    # Evidence: a completed engagement rated at least this adds the request as an evidence statement
    # (counted `RankingWeights.evidence_discount` below declared strengths); at most this many per provider.
    evidence_min_rating: int = Field(default=4, ge=1, le=5)
    evidence_max_per_provider: int = Field(default=20, ge=1)
    # Load: open engagements (proposed + accepted) at capacity exclude the provider; from
    # `load_start` of capacity the penalty rises linearly toward `load_weight` (reached at capacity).
    # 0.15: enough for a loaded proven expert (evidence lifts them ~0.3 above a plainly declared
    # colleague on e5) to yield to the next good person before capacity shuts them out; 0.04 left
    # the demo simulation's concentration untouched (feedback/README.md).
    load_start: float = Field(default=0.3, ge=0, lt=1)
    load_weight: float = Field(default=0.15, ge=0)
    # Fair exposure: each candidate's position-discounted appearances (1/log2(rank+1)) among the
    # results of the organisation's latest `exposure_requests` stored requests, over the most shown
    # related candidate's in this list, × this, taken off the related (a turn for colleagues shown
    # less), × the exploration onset: a fresh organisation is still ranked by relevance alone.
    # Load alone spreads only what is accepted: a proven expert with room kept the first place on
    # every request of their skill. 0.15: on the e5 grid by position (16 seeds) the Gini among the
    # competent fell 0.358 -> 0.339, as at 0.25, and the demo lost less (precision@1 -0.006 and
    # -0.010 against -0.008 and -0.028; feedback/TUNING.md); 0 = off.
    exposure_weight: float = Field(default=0.15, ge=0)
    exposure_requests: int = Field(default=300, ge=1, le=5000)  # its results are read whole on every match
    # Competence posterior per provider for this request: Beta prior of `competence_prior_strength`
    # pseudo-ratings; its mean is the organisation's mean rating for the best match, lower by
    # `competence_prior_slope` per unit of relevance share below the best (never below the floor).
    # 1 pseudo-rating and 0.35 per unit of share since the ninth session (2 and 0.7 before): on e5
    # the relevance of an untried colleague predicts their rating weakly (over-claimers top it,
    # a hidden expert's vague line sits at 0.3-0.5 of the best), so the prior should be flat and
    # light. Measured on the e5 grid, with `local_nearest`: hidden experts engaged +0.06 to +0.09,
    # Gini among the competent -0.02 to -0.03, precision@1 unchanged within the noise over 12
    # seeds; the demo's hidden experts' rating 3.98 -> 4.06 (feedback/README.md).
    competence_prior_strength: float = Field(default=1.0, gt=0)
    competence_prior_slope: float = Field(default=0.35, ge=0)
    competence_prior_floor: float = Field(default=0.02, gt=0, lt=1)
    # Ratings count by how alike their request is to this one (`effects.RequestLikeness`): not at
    # all up to a floor, fully from a top; the latest `competence_history` per provider. "local"
    # compares requests by their similarities to the candidates' declared statements (the
    # `local_request_*` pair), and gates evidence statements the same way; with fewer than
    # `local_min_statements` such statements, or under "cosine", plain cosine counts (the
    # `similar_request_*` pair, the only rule before the e5 grid). On e5, cosine kept a 1 on one
    # phrasing of a topic from counting on another (same-topic request cosines: median 0.38) and
    # let a "who could help me with …" request of another topic count instead; "local" raised
    # precision@1 on the e5 grid simulation from 0.78 to 0.85 (feedback/README.md). Only the
    # `local_nearest` declared statements closest to the request form the metric: over all of a
    # 30-person list, the gap between the request's domain and the rest swamps which skill of the
    # domain it is about (Arabic or Somali, wounds or insulin): same-domain pairs' AUC 0.81 -> 0.88.
    # The ramp (0.45, 0.75) is set to where the nearest-30 metric puts same-topic pairs (median 0.72).
    request_similarity: Literal["cosine", "local"] = "local"
    similar_request_floor: float = Field(default=0.4, ge=-1, lt=1)
    similar_request_full: float = Field(default=0.7, gt=-1, le=1)
    local_request_floor: float = Field(default=0.45, ge=-1, lt=1)
    local_request_full: float = Field(default=0.75, gt=-1, le=1)
    local_min_statements: int = Field(default=20, ge=3)
    local_nearest: int = Field(default=30, ge=3)
    # Also compare a past request in its own neighbourhood (the statements nearest it when it was
    # ranked, stored with it) and average the two correlations: the new request's neighbourhood
    # alone cannot see a skill it does not contain (among the statements nearest an Excel question,
    # an insulin-pen question correlated at 0.87, and an Excel expert's 1 on it cost them 0.41 on
    # Excel). On the e5 grid simulation, precision@1 +0.022 ± 0.007 with requesters choosing by
    # position (13 seeds), +0.007 ± 0.008 when they take the first result (24 seeds).
    local_own_neighbourhood: bool = True
    competence_history: int = Field(default=50, ge=1)
    # Likeness learnt from outcomes (`nuisance.py`): before requests are compared in the `local`
    # metric, the directions in which requests one person was rated at least `evidence_min_rating`
    # on differ from each other (language, form, wording) are shrunk, each by sqrt(λ / (λ + its
    # variance)) with λ this × the average; 0 = off. Fitted on the latest `nuisance_ratings` such
    # ratings, and again whenever the organisation's ratings have grown by a tenth. On the e5 grid a
    # same-topic request in another language or form then counts more, and one about the
    # neighbouring skill in the same form less (feedback/README.md).
    nuisance_shrink: float = Field(default=1.0, ge=0)
    nuisance_ratings: int = Field(default=5000, ge=2)
    # ... and the directions that told a person's good help (≥ `evidence_min_rating`) from their
    # poor help (≤ `contrast_max_rating`, or a decline as outside their skills when
    # `learn_outside_skills`) lengthened, the strongest by √(1 + this); 0 = off. An
    # Arabic expert's 1 on a Somali request of the same form says which word mattered. On the e5
    # grid, taking the first result, precision@1 +0.038 ± 0.005 on 16 seeds not used in choosing
    # it (+0.038 ± 0.009 at 3 and +0.032 ± 0.010 at 1 on the 8 it was chosen on; feedback/README.md).
    contrast: float = Field(default=3.0, ge=0)
    contrast_max_rating: int = Field(default=2, ge=1, le=5)
    # The ramp of ratings compared through that transform, in place of the `local_request_*` pair:
    # it raises same-topic pairs' correlations, so the ramp moves up with it (precision@1 on the e5
    # grid +0.013 ± 0.009 over 16 seeds, measured with evidence on that ramp too; with evidence on
    # the plain ramp, as here, the same within −0.002 ± 0.006). Evidence statements are gated
    # without the transform, on the plain metric's own ramp.
    nuisance_request_floor: float = Field(default=0.5, ge=-1, lt=1)
    nuisance_request_full: float = Field(default=0.8, gt=-1, le=1)
    # A decline as outside one's skills (`DeclineBody.outside_skills`) counts as a rating of 1 on
    # requests like its own (also up to `competence_history` of them), and never as unresponsiveness.
    learn_outside_skills: bool = True
    # Score per unit of competence (posterior mean − prior mean), × the best relevance. The
    # relevance already carries the prior (its mean falls by `competence_prior_slope` per unit of
    # share), so at 1 / slope (2.86; 1.43 at the former slope) the score orders candidates by
    # their posterior mean alone and ratings count as much as the relevance prior says they
    # should; at 0.75 (before the e5 grid) a proven over-claimer kept outranking an unproven
    # colleague at 0.6 of the best.
    competence_weight: float = Field(default=2.86, ge=0)
    # Clearly unrelated: relevance below this share of the best candidate's. They get no
    # exploration, no discovery slot and no positive competence: nothing feedback adds lifts them.
    related_share: float = Field(default=0.2, gt=0, lt=1)
    # Exploration: optimism drawn from the competence posterior ("thompson": optimistic Thompson
    # sampling; "ucb": `exploration_ucb_z` standard deviations; "greedy": none), × competence_weight.
    # "thompson_full": the draw unclipped, so candidates compete on the drawn competence θ itself
    # (competence + exploration = competence_weight × best × (θ − prior mean)); with
    # competence_weight = 1 / competence_prior_slope the score is then an affine function of θ alone.
    # Not adopted: on the demo's held-out seeds newcomers waited longer (6.4 days against 5.3) and
    # fewer hidden experts were engaged (0.48 against 0.52); numbers in feedback/README.md.
    # "ucb" (0.5 SD) since the e5 grid: Thompson's random draws, among the dozens of plausible but
    # untried colleagues an e5 request has, put one of them first on ~1 request in 8 for good,
    # and precision@1 stayed at 0.78 against 0.86 with UCB (feedback/README.md).
    exploration_policy: Policy = "ucb"
    # Only candidates with at least this share of the best relevance get an exploration draw (never
    # below `related_share`). On e5 a request has dozens of colleagues at 0.2–0.4 of the best, and
    # the highest of their many draws kept beating one plausible unproven person (a newcomer with a
    # plain line); below the share only ratings on similar requests can lift someone.
    exploration_share: float = Field(default=0.4, ge=0, lt=1)
    exploration_ucb_z: float = Field(default=0.5, ge=0)
    exploration_seed: int = 0
    # Exploration grows with what is known about requests like this one: × min(1, the candidates'
    # similarity-weighted ratings / this). With no similar rating at all it is 0, so a fresh
    # organisation, or a new kind of request, is ranked by relevance alone.
    exploration_onset: float = Field(default=1.0, gt=0)
    # Exploration ÷ (1 + this × vagueness × success on requests unlike this one; `effects`'
    # `found_elsewhere` and `vagueness`): chances go first to people not yet found anywhere.
    # Someone rated well on one skill has been found; when a request of another kind reaches them
    # only through a vague line, that line is most likely about the skill already proven, and the
    # chance is better spent on a colleague nobody has tried. Vagueness is 0 at the best relevance
    # (a line as close as anyone's is a claim about this skill) and 1 at `exploration_share`.
    # Relevance and ratings on requests like this one still count in full. On the e5 grid
    # simulation, 24 of the hidden experts' 53 engagements on a topic not theirs (seeds 11-12)
    # came after a 4 or 5 on their own. With 1, taking the first result (16 held-out seeds):
    # precision@1 +0.017 +- 0.007, hidden experts engaged +0.040 +- 0.014, their rating +0.06 +-
    # 0.03; the demo and the grid unchanged within the noise. Without vagueness, the demo's
    # precision@1 by position fell 0.018 +- 0.005 (feedback/README.md).
    found_elsewhere_weight: float = Field(default=1.0, ge=0)
    # Discovery slot: when none of the positions down to this one holds a related person not yet
    # proven on similar requests (similarity-weighted ratings below `proven_weight`), the most
    # promising plausible one further down is placed here, labelled; 0 = off. Only when k is at
    # least this position.
    discovery_slot: int = Field(default=3, ge=0)
    proven_weight: float = Field(default=1.0, gt=0)
    # Only people with at least this share of the best relevance may take the discovery slot (and
    # never below `related_share`): a guaranteed place in view is for the plausible. On e5 a
    # request has 45–180 related colleagues, most of them at 0.2–0.4 of the best.
    discovery_share: float = Field(default=0.4, ge=0, lt=1)

    @model_validator(mode="after")
    def _ordered_similarity(self) -> FeedbackWeights:
        if self.similar_request_full <= self.similar_request_floor:
            raise ValueError("similar_request_full must be above similar_request_floor")
        if self.local_request_full <= self.local_request_floor:
            raise ValueError("local_request_full must be above local_request_floor")
        if self.nuisance_request_full <= self.nuisance_request_floor:
            raise ValueError("nuisance_request_full must be above nuisance_request_floor")
        return self
