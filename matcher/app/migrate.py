"""Alembic migrations, run programmatically (the app, CLI and tests call `upgrade_database`).

Several processes may start together on an empty database: on PostgreSQL they take turns on an
advisory lock, on SQLite on a file lock beside the database, so exactly one migrates and the
others find the schema current.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, func, select

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Advisory-lock key of schema migrations (any constant; "migr" in ASCII).
MIGRATION_LOCK = 0x6D696772


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations (and running over `connection`, when given)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent, safe for processes starting together)."""
    with _migration_lock(engine) as connection:
        command.upgrade(alembic_config(connection), revision)
        connection.commit()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[Connection]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(select(func.pg_advisory_lock(MIGRATION_LOCK)))
            connection.commit()
            try:
                yield connection
            finally:
                connection.rollback()
                connection.execute(select(func.pg_advisory_unlock(MIGRATION_LOCK)))
                connection.commit()
        return
    database = engine.url.database
    lock_file = Path(f"{database}.migrate.lock") if database and database != ":memory:" else None
    with _file_lock(lock_file), engine.connect() as connection:
        yield connection


@contextlib.contextmanager
def _file_lock(path: Path | None) -> Iterator[None]:
    if path is None:
        yield
        return
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
