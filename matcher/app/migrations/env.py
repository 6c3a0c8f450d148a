"""Alembic environment: our metadata, and the engine handed over by `upgrade_database`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import matcher.feedback.models  # noqa: F401  (engagements, ratings)
import matcher.matching.models  # noqa: F401  (registers the matcher tables)
import profiles.models  # noqa: F401
from profiles.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    """Emit SQL without a connection."""
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate over the given engine (or one built from the URL)."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
