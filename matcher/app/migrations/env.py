"""Alembic environment: our metadata, over the connection `upgrade_database` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import matcher.access.models  # noqa: F401  (keys, audit log)
import matcher.feedback.models  # noqa: F401  (engagements, ratings)
import matcher.matching.models  # noqa: F401  (registers the matcher tables)
import matcher.webhooks.models  # noqa: F401  (subscriptions, outbox, deliveries)
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
    """Migrate over the given connection (or one made from the configured URL)."""
    connection = config.attributes.get("connection")
    if connection is None:
        with create_engine(config.get_main_option("sqlalchemy.url") or "").begin() as own:
            _migrate(own)
        return
    _migrate(connection)


def _migrate(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # type: ignore[attr-defined]
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
