"""Every profile query lives here; arguments after the session are keyword-only."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, func, or_, select
from sqlalchemy.orm import Session, selectinload

from profiles.models import Availability, Employee, ProfileChange, StatementKind, StrengthStatement

# Where a session keeps the employee ids it changed until the commit logs them.
_PENDING_CHANGES = "velho.changed_employees"
# Advisory-lock key of the change log (any constant; "velho" in ASCII).
CHANGE_LOG_LOCK = 0x76656C686F


class ProfileRepository:
    """Queries over employees, statements and the change log."""

    def get_by_external_id(self, session: Session, *, external_id: str, for_update: bool = False) -> Employee | None:
        """One employee with statements loaded, or None."""
        stmt = select(Employee).where(Employee.external_id == external_id).options(selectinload(Employee.statements))
        if for_update:
            stmt = stmt.with_for_update()
        return session.scalars(stmt).one_or_none()

    def get_many_by_external_ids(self, session: Session, *, external_ids: Sequence[str]) -> dict[str, Employee]:
        """Employees (with statements) by external id; unknown ids are absent."""
        found: dict[str, Employee] = {}
        ids = list(dict.fromkeys(external_ids))
        for start in range(0, len(ids), 500):
            stmt = (
                select(Employee)
                .where(Employee.external_id.in_(ids[start : start + 500]))
                .options(selectinload(Employee.statements))
            )
            found.update({e.external_id: e for e in session.scalars(stmt)})
        return found

    def get_many_by_ids(self, session: Session, *, ids: Sequence[int]) -> list[Employee]:
        """Employees (with statements) by primary key."""
        out: list[Employee] = []
        ids = list(dict.fromkeys(ids))
        for start in range(0, len(ids), 500):
            stmt = (
                select(Employee)
                .where(Employee.id.in_(ids[start : start + 500]))
                .options(selectinload(Employee.statements))
            )
            out.extend(session.scalars(stmt))
        return out

    def list_page(
        self, session: Session, *, after_external_id: str | None, limit: int, unit: str | None, include_hidden: bool
    ) -> list[Employee]:
        """Up to `limit` employees ordered by external id, starting after the cursor."""
        stmt = select(Employee).options(selectinload(Employee.statements)).order_by(Employee.external_id).limit(limit)
        if after_external_id is not None:
            stmt = stmt.where(Employee.external_id > after_external_id)
        if unit is not None:
            stmt = stmt.where(Employee.unit == unit)
        if not include_hidden:
            stmt = stmt.where(Employee.visible.is_(True))
        return list(session.scalars(stmt))

    def add(self, session: Session, *, employee: Employee) -> Employee:
        """Stage a new employee."""
        session.add(employee)
        return employee

    def delete(self, session: Session, *, employee: Employee) -> None:
        """Hard-delete an employee; their loaded statements go with them (ORM cascade, FK cascade in SQL)."""
        session.delete(employee)

    def record_change(self, session: Session, *, employee_id: int) -> None:
        """Note that this employee changed; the unit of work logs it at commit (`write_changes`)."""
        session.info.setdefault(_PENDING_CHANGES, set()).add(employee_id)

    def write_changes(self, session: Session) -> tuple[int, int]:
        """Append the noted changes to the log, last thing before the commit; returns (highest seq, count).

        On PostgreSQL a transaction-scoped advisory lock makes the log's sequence numbers commit
        in order: without it a follower could read seq 11 before seq 10 commits and skip 10 for
        good. Taken as late as possible, it is held only for the insert and the commit.
        """
        pending: set[int] = session.info.pop(_PENDING_CHANGES, set())
        if not pending:
            return 0, 0
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(CHANGE_LOG_LOCK)))
        rows = [ProfileChange(employee_id=eid) for eid in sorted(pending)]
        session.add_all(rows)
        session.flush()
        return max(r.seq for r in rows), len(rows)

    def forget_changes(self, session: Session) -> None:
        """Drop noted changes (the unit of work rolled back)."""
        session.info.pop(_PENDING_CHANGES, None)

    def latest_change_seq(self, session: Session) -> int:
        """Highest change-log sequence number (0 when empty)."""
        return int(session.scalar(select(func.coalesce(func.max(ProfileChange.seq), 0))) or 0)

    def changed_since(self, session: Session, *, seq: int) -> tuple[int, list[int]]:
        """(new high-water mark, distinct employee ids changed after `seq`)."""
        rows = session.execute(
            select(ProfileChange.employee_id, func.max(ProfileChange.seq))
            .where(ProfileChange.seq > seq)
            .group_by(ProfileChange.employee_id)
        ).all()
        if not rows:
            return seq, []
        return max(int(r[1]) for r in rows), [int(r[0]) for r in rows]

    def count_employees(self, session: Session) -> int:
        """Number of stored employees."""
        return int(session.scalar(select(func.count(Employee.id))) or 0)

    def iter_indexable(self, session: Session, *, batch_size: int = 2000) -> Iterator[list[Employee]]:
        """Visible, not-unavailable employees with statements, in primary-key batches."""
        last = 0
        while True:
            stmt = (
                select(Employee)
                .where(
                    Employee.id > last, Employee.visible.is_(True), Employee.availability != Availability.unavailable
                )
                .options(selectinload(Employee.statements))
                .order_by(Employee.id)
                .limit(batch_size)
            )
            batch = list(session.scalars(stmt))
            if not batch:
                return
            yield batch
            last = batch[-1].id

    def iter_roster_rows(
        self, session: Session, *, batch_size: int = 5000
    ) -> Iterator[tuple[Sequence[Any], Sequence[Any]]]:
        """What an index roster needs of indexable employees and their statements, in batches of
        plain column rows in `RosterRows.add_employee` / `add_statement` field order, never the
        stored vectors (at 100,000 people the ORM load of those took most of a start from the
        saved index). Read through Core: the ORM's row handling doubled the time of the reads."""
        visible = (Employee.visible.is_(True), Employee.availability != Availability.unavailable)
        conn = session.connection()
        # Languages as their JSON text, decoded once per distinct list (a few dozen in an organisation).
        decode = functools.lru_cache(maxsize=4096)(lambda raw: frozenset(json.loads(raw)) if raw else frozenset())
        last = 0
        while True:
            rows = conn.execute(
                select(Employee.id, Employee.external_id, Employee.name, Employee.unit, Employee.title,
                       cast(Employee.languages, Text), Employee.availability, Employee.capacity)
                .where(Employee.id > last, *visible).order_by(Employee.id).limit(batch_size)
            ).all()  # fmt: skip
            if not rows:
                return
            emps = [(*r[:5], decode(r[5]), *r[6:]) for r in rows]
            stmts = conn.execute(
                select(StrengthStatement.id, StrengthStatement.employee_id, StrengthStatement.text,
                       StrengthStatement.language, StrengthStatement.kind, StrengthStatement.level,
                       StrengthStatement.rating)
                .where(StrengthStatement.employee_id > last, StrengthStatement.employee_id <= rows[-1].id)
                .order_by(StrengthStatement.employee_id, StrengthStatement.position, StrengthStatement.id)
            ).all()  # fmt: skip
            yield emps, stmts
            last = rows[-1].id

    def eligible_ids(self, session: Session, *, ids: Sequence[int]) -> set[int]:
        """Those of `ids` that exist and may be matched (visible, not unavailable)."""
        if not ids:
            return set()
        stmt = select(Employee.id).where(
            Employee.id.in_(list(ids)), Employee.visible.is_(True), Employee.availability != Availability.unavailable
        )
        return set(session.scalars(stmt))

    def indexable_statement_ids(self, session: Session) -> list[int]:
        """Ids of every statement the index should hold (visible, not unavailable employees), ascending."""
        stmt = (
            select(StrengthStatement.id)
            .join(Employee, Employee.id == StrengthStatement.employee_id)
            .where(Employee.visible.is_(True), Employee.availability != Availability.unavailable)
            .order_by(StrengthStatement.id)
        )
        return list(session.scalars(stmt))

    def statements_needing_embedding(self, session: Session, *, model_id: str, limit: int) -> list[StrengthStatement]:
        """Statements with no vector for `model_id` (new, or embedded by another model)."""
        stmt = select(StrengthStatement).where(_lacks_vector_of(model_id)).order_by(StrengthStatement.id).limit(limit)
        return list(session.scalars(stmt))

    def count_needing_embedding(self, session: Session, *, model_id: str) -> int:
        """How many statements a model change would re-embed."""
        return int(session.scalar(select(func.count(StrengthStatement.id)).where(_lacks_vector_of(model_id))) or 0)

    def evidence_for_engagement(self, session: Session, *, engagement_id: int) -> StrengthStatement | None:
        """The evidence statement an engagement produced, if any."""
        stmt = select(StrengthStatement).where(
            StrengthStatement.kind == StatementKind.evidence, StrengthStatement.source_engagement_id == engagement_id
        )
        return session.scalars(stmt).one_or_none()


def _lacks_vector_of(model_id: str) -> ColumnElement[bool]:
    """No vector of `model_id`: written as ranges, because `!=` cannot use the model_id index and at
    500,000 statements the full scan took 3 s of every start."""
    column = StrengthStatement.model_id
    return or_(column.is_(None), column < model_id, column > model_id)
