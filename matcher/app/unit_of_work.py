"""The unit of work: the only place that commits, logs profile changes, and tells the index.

Every caller (API requests, the CLI, notebooks, the simulation, background tasks) writes through
`write()`: services stage their changes in the session and never commit; on success the noted
events go to the webhook outbox and the noted profile changes to the change log, both in the same
transaction, which then commits; then the index follower (and, when there is something to send,
the webhook worker) is told once. Any failure rolls everything back, so a rolled-back write leaves
no trace in the database, the log, the outbox or any index. Database errors leave here as domain
errors (`db_errors`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from matcher.app.db_errors import domain_error
from matcher.webhooks.outbox import write_events
from profiles.events import forget_events, take_events
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)

# Called after a commit that logged profile changes: (highest change seq, number of employees).
OnCommit = Callable[[int, int], None]


class UnitOfWork:
    """Opens sessions that commit (`write`) or only read (`read`)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        on_commit: OnCommit,
        on_events: Callable[[], None] = lambda: None,
        profiles: ProfileRepository | None = None,
    ) -> None:
        self.sessions = sessions
        self.on_commit = on_commit
        self.on_events = on_events
        self.profiles = profiles or ProfileRepository()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose work commits on success and rolls back on any error."""
        session = self.sessions()
        try:
            yield session
            self.commit(session)
        except SQLAlchemyError as exc:
            self._rollback(session)
            _raise_translated(exc)
        except BaseException:
            self._rollback(session)
            raise
        finally:
            session.close()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only: whatever it did is rolled back."""
        session = self.sessions()
        try:
            yield session
        except SQLAlchemyError as exc:
            _raise_translated(exc)
        finally:
            self._rollback(session)
            session.close()

    def commit(self, session: Session) -> None:
        """Write the outbox and the change log, commit, then tell the index (an import calls this per chunk)."""
        deliveries = write_events(session, take_events(session))
        seq, changed = self.profiles.write_changes(session)
        session.commit()
        if changed:
            self.on_commit(seq, changed)
        if deliveries:
            self.on_events()

    def _rollback(self, session: Session) -> None:
        self.profiles.forget_changes(session)
        forget_events(session)
        try:
            session.rollback()
        except SQLAlchemyError as exc:  # a dead connection cannot roll back; it is discarded anyway
            logger.warning("rollback_failed error=%s", type(exc).__name__)


def _raise_translated(exc: SQLAlchemyError) -> NoReturn:
    """Re-raise as the domain error it means; an unmapped error (a bug) goes on as it is."""
    mapped = domain_error(exc)
    if mapped is None:
        raise exc
    raise mapped from exc
