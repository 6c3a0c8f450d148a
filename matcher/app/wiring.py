"""Builds engine, encoder, index and services from `Settings`; API, CLI and notebooks all use it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from embeddings.factory import build_encoder
from matcher.feedback.ranker import FeedbackRanker
from matcher.feedback.service import EngagementService
from matcher.index.sync import IndexSync
from matcher.app.migrate import upgrade_database
from matcher.matching.service import MatchService
from matcher.app.settings import Settings
from profiles.db import make_engine, make_session_factory, session_scope
from profiles.service import ProfileService

logger = logging.getLogger(__name__)


@dataclass
class Velho:
    """Everything a running Velho needs, built once per process."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    encoder: Encoder
    sync: IndexSync
    profiles: ProfileService
    matching: MatchService
    engagements: EngagementService

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work that commits on success, then lets the index catch up."""
        with session_scope(self.sessions) as session:
            yield session
        self.after_commit()

    def after_commit(self) -> None:
        """Apply committed profile changes to the index now (searches would otherwise do it)."""
        with session_scope(self.sessions) as session:
            self.sync.catch_up(session)

    def start(self, *, progress: bool = False) -> str:
        """Migrate the schema and load (or rebuild) the index."""
        upgrade_database(self.engine)
        with session_scope(self.sessions) as session:
            how = self.sync.start(session, progress=progress)
        logger.info("velho_started index=%s count=%d", how, len(self.sync.index))
        return how

    def close(self) -> None:
        """Save the index and release the database."""
        try:
            self.sync.save()
        finally:
            self.engine.dispose()


def build_encoder_from(settings: Settings) -> Encoder:
    """The configured encoder behind the persistent embedding cache."""
    encoder = build_encoder(settings.model, cache_dir=settings.cache_dir)
    return CachedEncoder(encoder, EmbeddingCache(settings.cache_dir / "embeddings.sqlite"))


def build(settings: Settings, *, encoder: Encoder | None = None, engine: Engine | None = None) -> Velho:
    """Wire a `Velho` from settings; tests pass a shared encoder or engine."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = engine or make_engine(settings.resolved_database_url)
    encoder = encoder or build_encoder_from(settings)
    w = settings.ranking
    sync = IndexSync(
        encoder,
        backend=settings.index_backend,
        index_dir=settings.index_dir / _safe(encoder.info.model_id),
        centering_strength=w.centering_strength,
        centering_min_statements=w.centering_min_statements,
    )
    return Velho(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        encoder=encoder,
        sync=sync,
        profiles=ProfileService(encoder),
        matching=MatchService(encoder, sync, w, effects=FeedbackRanker(settings.feedback, w, sync)),
        engagements=EngagementService(encoder, settings.feedback),
    )


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in name)
