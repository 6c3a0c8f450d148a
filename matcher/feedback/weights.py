"""`FeedbackWeights`: every constant of the feedback loop, tuned on the simulation (feedback/README.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator


class FeedbackWeights(BaseModel):
    """Every constant of the feedback loop (engagements, ratings); `enabled=False` is the no-feedback baseline.

    Each effect is a named score component in relevance units (cosine similarity after language
    correction), so a weight of 0.05 moves a provider as much as 0.05 of similarity does.
    """

    # Master switch: off = pure relevance ranking, no capacity/decline exclusion, no evidence.
    enabled: bool = True
    # A `proposed` engagement not answered within this many hours expires (a soft decline).
    offer_ttl_hours: float = Field(default=72.0, gt=0)
    # Proven quality: Bayesian average of ratings shrunk toward the organisation mean with this
    # many pseudo-ratings; `quality_default_mean` is that mean before anyone is rated.
    quality_prior_weight: float = Field(default=5.0, gt=0)
    quality_default_mean: float = Field(default=4.0, ge=1, le=5)
    # Score per star of (shrunk average − organisation mean).
    quality_weight: float = 0.04
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
    # Low ratings (≤ low_rating_max) penalise the provider on similar requests: full weight for a 1 on
    # an identical request, fading to 0 at `low_rating_similarity_floor` cosine between the requests.
    low_rating_max: int = Field(default=2, ge=1, le=5)
    low_rating_weight: float = 0.12
    low_rating_similarity_floor: float = Field(default=0.5, ge=-1, lt=1)
    # Load: open engagements (proposed + accepted) at capacity exclude the provider; from
    # `load_start` of capacity the penalty rises linearly toward `load_weight` (reached at capacity).
    load_start: float = Field(default=0.3, ge=0, lt=1)
    load_weight: float = 0.04
    # Exploration: up to `exploration_bonus` for little-tried providers (halved after
    # `exploration_pseudo_count` engagements), only among candidates within `exploration_margin`
    # of the most relevant one, and always smaller than that margin. Reproducible with the seed.
    exploration_bonus: float = Field(default=0.02, ge=0)
    exploration_margin: float = Field(default=0.05, gt=0)
    exploration_pseudo_count: float = Field(default=2.0, gt=0)
    exploration_seed: int = 0

    @model_validator(mode="after")
    def _bounded_exploration(self) -> FeedbackWeights:
        if self.exploration_bonus >= self.exploration_margin:
            raise ValueError("exploration_bonus must be smaller than exploration_margin")
        return self
