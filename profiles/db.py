"""Declarative base, engine and session factories (the unit of work is `matcher.app.unit_of_work`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, MetaData, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# No single statement of ours should run longer; a bulk import is many short statements.
STATEMENT_TIMEOUT_MS = 30_000


class Base(DeclarativeBase):
    """Base of every ORM class of ours."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine with SQLite set up for concurrent API threads (WAL, FK checks, busy timeout)."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cur.execute("PRAGMA journal_mode=WAL")
                cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # A stopped or unreachable server must fail a request within seconds (answered 503), not hang:
    # connecting, waiting for a pooled connection and running one statement are all bounded.
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_timeout", 10)
    args = dict(kwargs.pop("connect_args", {}))
    args.setdefault("connect_timeout", 5)
    # Server options may come in the URL (`?options=-csearch_path=...`) or in connect_args: keep both.
    parsed = make_url(url)
    options = " ".join(filter(None, [str(parsed.query.get("options", "")), str(args.get("options", ""))]))
    if "statement_timeout" not in options:
        options = f"{options} -c statement_timeout={STATEMENT_TIMEOUT_MS}".strip()
    args["options"] = options
    return create_engine(parsed.difference_update_query(["options"]), connect_args=args, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded objects usable after commit (responses are built after it)."""
    return sessionmaker(bind=engine, expire_on_commit=False)
