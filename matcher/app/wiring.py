"""Builds engine, encoder, index, unit of work, services and background tasks from `Settings`.

The API, the CLI, notebooks and the simulation all run a `Velho` built here, so they share one
code path: writes go through `session()` (the unit of work), the index follows the change log
in its own thread, and background tasks expire offers, deliver webhooks and purge old request texts
(and, in a serving process, keep the insights store warm).
"""

from __future__ import annotations

import hashlib
import logging
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from embeddings.factory import build_encoder
from matcher.access.audit import AuditService
from matcher.access.authenticator import Authenticator
from matcher.access.keys import KeyService
from matcher.access.tokens import EmployeeTokens, TokenSettings
from matcher.app.background import PeriodicTask
from matcher.app.db_timing import time_statements
from matcher.app.heap import freeze_long_lived
from matcher.app.migrate import upgrade_database
from matcher.app.settings import Settings
from matcher.app.threads import one_blas_thread
from matcher.app.unit_of_work import UnitOfWork
from matcher.feedback.ranker import FeedbackRanker
from matcher.feedback.service import EngagementService
from matcher.index.follower import IndexFollower
from matcher.index.lexical import lexical_key
from matcher.index.sync import IndexSync
from matcher.insights.preview import ProfilePreview
from matcher.insights.prompts import DemandPrompts
from matcher.insights.service import InsightsRules, InsightsService
from matcher.insights.store import TopicStore
from matcher.matching.service import MatchService
from matcher.privacy.service import PrivacyService
from matcher.webhooks.delivery import DeliveryPolicy, DeliveryWorker
from matcher.webhooks.service import WebhookService
from matcher.webhooks.targets import TargetPolicy
from profiles.db import make_engine, make_session_factory
from profiles.errors import VelhoError
from profiles.repository import ProfileRepository
from profiles.service import ProfileService

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Readiness:
    """Whether this process should get traffic, and why not."""

    ready: bool
    reason: str
    index_count: int
    change_seq: int
    database_change_seq: int | None
    model: str


@dataclass(frozen=True)
class IndexReport:
    """This process's index against the database, for operators and consistency checks."""

    model: str
    backend: str
    change_seq: int
    statements: int
    digest: str
    roster_matches_index: bool
    database_change_seq: int
    database_statements: int
    database_digest: str

    @property
    def in_step(self) -> bool:
        """True when the index holds exactly the statements the database says it should."""
        return self.roster_matches_index and self.digest == self.database_digest


def ids_digest(ids: list[int]) -> str:
    """sha256 of ascending ids, one per line: equal digests mean equal id sets."""
    return hashlib.sha256("\n".join(map(str, sorted(ids))).encode()).hexdigest()


@dataclass
class Velho:
    """Everything a running Velho needs, built once per process."""

    settings: Settings
    engine: Engine
    uow: UnitOfWork
    encoder: Encoder
    sync: IndexSync
    follower: IndexFollower
    profiles: ProfileService
    matching: MatchService
    engagements: EngagementService
    auth: Authenticator
    keys: KeyService
    audit: AuditService
    webhooks: WebhookService
    deliveries: DeliveryWorker
    privacy: PrivacyService
    insights: InsightsService
    preview: ProfilePreview
    prompts: DemandPrompts
    tasks: list[PeriodicTask] = field(default_factory=list)
    # Started only by a serving process (`start(serving=True)`): CLI commands and tests skip it.
    insights_warmer: PeriodicTask | None = None
    _serving: bool = False

    @property
    def sessions(self) -> sessionmaker[Session]:
        """The raw session factory (tests inspect the database through it)."""
        return self.uow.sessions

    def session(self) -> AbstractContextManager[Session]:
        """The unit of work: commits on success (logging profile changes), then tells the index."""
        return self.uow.write()

    def reading(self) -> AbstractContextManager[Session]:
        """A session that only reads."""
        return self.uow.read()

    def start(self, *, progress: bool = False, block: bool = True, serving: bool = False) -> str | None:
        """Migrate the schema, start the index follower and the sweeps.

        With `block`, the index is loaded (or rebuilt) first and this returns which it was. With
        `serving` (the API's lifespan), the insights warm-up runs too.
        """
        upgrade_database(self.engine)
        self._serving = serving
        if serving:
            one_blas_thread()
        if serving and self.insights_warmer is not None and self.insights_warmer not in self.tasks:
            self.tasks.append(self.insights_warmer)
        self.follower.start(block=block, progress=progress)
        for task in self.tasks:
            task.start()
        logger.info("velho_started model=%s", self.encoder.info.model_id)
        return self.follower.how_started

    def close(self, *, save: bool = True) -> None:
        """Stop the background work, save the index (when loaded), release the database."""
        try:
            for task in self.tasks:
                task.stop()
            self.follower.stop(save=save)
            self.deliveries.close()
        finally:
            self.engine.dispose()

    def purge_old_requests(self) -> int:
        """Forget request texts past `VELHO_RETENTION_DAYS` (the retention sweep's job)."""
        with self.session() as session:
            return self.privacy.purge_old_requests(session, retention_days=self.settings.retention_days)

    def warm_insights(self) -> int:
        """Bring the insights store up to date (the warm-up's job); nothing until the index has
        loaded, since offers are read in the index's language centering (the follower wakes it)."""
        if not self.sync.loaded:
            return 0
        started = time.perf_counter()
        with self.uow.read() as session:
            held = self.insights.warm(session)
        logger.info("insights_warmed requests=%d seconds=%.2f", held, time.perf_counter() - started)
        return held

    def sweep_expired(self) -> int:
        """Mark unanswered offers past their time as expired (the periodic sweep's job)."""
        with self.session() as session:
            return self.engagements.expire_due(session)

    def rebuild_index(self, *, progress: bool = False) -> int:
        """Re-embed what the model lacks and rebuild the index from stored vectors (tools, not requests)."""
        self.sync.reembed(self.uow.write, progress=progress)
        with self.uow.read() as session:
            return self.sync.rebuild(session, progress=progress)

    def readiness(self) -> Readiness:
        """Ready when the database answers and the index is loaded and following it (reads only)."""
        state = self.follower.state()

        def answer(ready: bool, reason: str, latest: int | None = None) -> Readiness:
            return Readiness(ready, reason, len(self.sync.index), state.change_seq, latest, self.encoder.info.model_id)

        if not state.loaded:
            return answer(False, "the index is loading")
        if not state.alive:
            return answer(False, "the index follower is not running")
        try:
            with self.uow.read() as session:
                latest = ProfileRepository().latest_change_seq(session)
        except VelhoError:
            return answer(False, "the database is not reachable")
        if latest > state.change_seq:
            age = None if state.last_success is None else time.monotonic() - state.last_success
            if age is None or age > self.settings.index_max_lag_seconds:
                return answer(False, "the index is behind the database", latest)
        return answer(True, "ready", latest)

    def index_report(self) -> IndexReport:
        """The index's statement ids against the ones the database says it should hold (reads only)."""
        snap = self.sync.snapshot
        ids = sorted(snap.vectors.ids().tolist())
        with self.uow.read() as session:
            repo = ProfileRepository()
            expected = repo.indexable_statement_ids(session)
            latest = repo.latest_change_seq(session)
        return IndexReport(
            model=self.encoder.info.model_id,
            backend=self.sync.backend,
            change_seq=snap.change_seq,
            statements=len(ids),
            digest=ids_digest(ids),
            roster_matches_index=ids == snap.roster.all_statement_ids().tolist(),
            database_change_seq=latest,
            database_statements=len(expected),
            database_digest=ids_digest(expected),
        )

    def _index_loaded(self) -> None:
        """The index is loaded: what lives as long as a serving process is frozen out of garbage
        collection (`heap.py`), and the insights warm-up may run now rather than at its next tick."""
        if self._serving:
            freeze_long_lived()
        if self.insights_warmer is not None:
            self.insights_warmer.wake()

    def _events_waiting(self) -> None:
        """A commit left webhook deliveries: wake this process's delivery worker."""
        for task in self.tasks:
            if task.name == "webhooks":
                task.wake()

    def _committed(self, seq: int, changed: int) -> None:
        """After a commit that changed profiles: wake the follower and wait (bounded) until it has
        applied the change, so the writer's next match already sees its own write."""
        self.follower.notify()
        self.follower.wait_for(seq, self.settings.read_your_writes_seconds)


def build_encoder_from(settings: Settings) -> Encoder:
    """The configured encoder behind the persistent embedding cache."""
    encoder = build_encoder(settings.model, cache_dir=settings.cache_dir)
    return CachedEncoder(encoder, EmbeddingCache(settings.cache_dir / "embeddings.sqlite"))


def build(
    settings: Settings,
    *,
    encoder: Encoder | None = None,
    engine: Engine | None = None,
    index_dir: Path | None = None,
) -> Velho:
    """Wire a `Velho` from settings; tests pass a shared encoder or engine, the eval runner its own index dir."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.resolved_database_url)
    time_statements(engine)
    encoder = encoder or build_encoder_from(settings)
    w = settings.ranking
    lexical = (
        [lexical_key(w.lexical_normalisation, w.lexical_prefix)] if w.mode == "lexical" or w.lexical_weight > 0 else []
    )
    sync = IndexSync(
        encoder,
        backend=settings.index_backend,
        index_dir=index_dir or settings.index_dir / _safe(encoder.info.model_id),
        centering_strength=w.centering_strength,
        centering_min_statements=w.centering_min_statements,
        lexical_keys=lexical,
    )
    holder: list[Velho] = []
    uow = UnitOfWork(
        make_session_factory(engine),
        on_commit=lambda seq, n: holder[0]._committed(seq, n),
        on_events=lambda: holder[0]._events_waiting(),
        serial_commits=engine.dialect.name == "sqlite",
    )
    follower = IndexFollower(
        sync,
        read=uow.read,
        write=uow.write,
        poll_seconds=settings.index_poll_seconds,
        save_every_seconds=settings.index_save_seconds,
        on_loaded=lambda: holder[0]._index_loaded(),
    )
    profiles = ProfileService(encoder)
    keys = KeyService()
    tokens = EmployeeTokens(
        TokenSettings(
            secret=settings.jwt_secret,
            public_key=settings.jwt_public_key,
            jwks_file=settings.jwt_jwks_file,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            employee_claim=settings.jwt_employee_claim,
            leeway_seconds=settings.jwt_leeway_seconds,
        )
    )
    policy = DeliveryPolicy(
        retry_base_seconds=settings.webhook_retry_base_seconds,
        retry_max_seconds=settings.webhook_retry_max_seconds,
        max_attempts=settings.webhook_max_attempts,
        disable_after_failures=settings.webhook_disable_after_failures,
        timeout_seconds=settings.webhook_timeout_seconds,
    )
    ranker = FeedbackRanker(settings.feedback, w, sync)
    matching = MatchService(encoder, sync, w, effects=ranker)
    insights = InsightsService(
        TopicStore(
            model_id=encoder.info.model_id,
            dimension=encoder.info.dimension,
            min_size=settings.insights_min_group_size,
            refit_growth=settings.insights_refit_growth,
            recount_seconds=settings.insights_recount_seconds,
            likeness=ranker.learnt_likeness if settings.insights_learnt_topics else None,
        ),
        lambda: sync.centering,
        lambda: sync.index,
        InsightsRules(min_group_size=settings.insights_min_group_size),
    )
    targets = TargetPolicy(tuple(settings.webhook_allowed_networks))
    velho = Velho(
        settings=settings,
        engine=engine,
        uow=uow,
        encoder=encoder,
        sync=sync,
        follower=follower,
        profiles=profiles,
        matching=matching,
        engagements=EngagementService(encoder, settings.feedback),
        auth=Authenticator(admin_token=settings.admin_token or "", keys=keys, tokens=tokens, sessions=uow.write),
        keys=keys,
        audit=AuditService(),
        webhooks=WebhookService(targets),
        deliveries=DeliveryWorker(write=uow.write, policy=policy, targets=targets),
        privacy=PrivacyService(profiles, settings.feedback),
        insights=insights,
        preview=ProfilePreview(encoder, insights, lambda: matching.weights),
        prompts=DemandPrompts(
            encoder,
            insights,
            lambda: matching.weights,
            lambda: max(settings.insights_prompt_share, settings.feedback.related_share),
        ),
    )
    if settings.expiry_sweep_seconds > 0:
        velho.tasks.append(PeriodicTask("offer-expiry", settings.expiry_sweep_seconds, velho.sweep_expired))
    if settings.webhook_poll_seconds > 0:
        velho.tasks.append(PeriodicTask("webhooks", settings.webhook_poll_seconds, velho.deliveries.run_once))
    if settings.retention_sweep_seconds > 0:
        velho.tasks.append(PeriodicTask("retention", settings.retention_sweep_seconds, velho.purge_old_requests))
    if settings.insights_warm_seconds > 0:
        velho.insights_warmer = PeriodicTask("insights-warm", settings.insights_warm_seconds, velho.warm_insights)
    holder.append(velho)
    return velho


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)


__all__ = ["IndexReport", "Readiness", "Velho", "build", "build_encoder_from"]
