"""The one place that turns database errors into domain errors (each with its HTTP status as data).

Services do not catch SQLAlchemy errors themselves: the unit of work (and the API, for anything
outside one) asks `domain_error` what an error means for the caller.
"""

from __future__ import annotations

from sqlalchemy.exc import (
    DataError,
    DBAPIError,
    DisconnectionError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm.exc import StaleDataError

from profiles.errors import ConcurrentUpdate, InvalidInput, ServiceUnavailable, VelhoError

# PostgreSQL's "try again" outcomes of two transactions colliding: a conflict, not an outage.
_CONFLICT_SQLSTATES = {"40001", "40P01"}  # serialization_failure, deadlock_detected


def domain_error(exc: SQLAlchemyError) -> VelhoError | None:
    """The domain error a database error means, or None for a bug (answered 500 and logged)."""
    if isinstance(exc, StaleDataError):
        return ConcurrentUpdate("the data changed concurrently; read it again and retry")
    if isinstance(exc, IntegrityError):
        return ConcurrentUpdate("another request wrote the same data at the same time; read it again and retry")
    if isinstance(exc, DBAPIError) and _sqlstate(exc) in _CONFLICT_SQLSTATES:
        return ConcurrentUpdate("the write collided with a concurrent one; retry")
    if isinstance(exc, DataError):
        return InvalidInput("the database refused a value as invalid")
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated
    ):
        return ServiceUnavailable("the database is not reachable right now; retry shortly")
    return None


def _sqlstate(exc: DBAPIError) -> str | None:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return str(code) if code else None
