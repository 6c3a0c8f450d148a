"""Profile rules: only the owner edits, hidden profiles stay hidden, erase removes everything."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from sqlalchemy.orm import Session

from embeddings.encoder import Encoder
from profiles.actor import Actor
from profiles.embedding import embed_statements, new_statement, statement_hash
from profiles.errors import NotProfileOwner, ProfileNotFound, VersionMismatch
from profiles.events import note_event
from profiles.models import Employee, StatementKind, StrengthStatement, as_utc, utcnow
from profiles.repository import ProfileRepository
from profiles.schemas import AvailabilityValue, ProfileCreate, ProfilePage, ProfileRead, StrengthRead


class ProfileService:
    """Create/replace, read, list and erase profiles. Never commits: the caller's unit of work does."""

    def __init__(self, encoder: Encoder, repository: ProfileRepository | None = None) -> None:
        self.encoder = encoder
        self.repo = repository or ProfileRepository()

    def upsert(
        self, session: Session, *, external_id: str, data: ProfileCreate, actor: Actor, if_match: int | None = None
    ) -> tuple[Employee, bool]:
        """Create or replace a whole profile; returns (employee, created).

        Args:
            external_id: the organisation's id for the employee.
            data: the full profile; declared statements are replaced, evidence is kept.
            actor: who is writing (only the owner or an admin may).
            if_match: the version the caller last read; a different stored version raises 412.
        """
        if not actor.may_edit(external_id):
            raise NotProfileOwner(f"you may not change the profile of {external_id}")
        employee = self.repo.get_by_external_id(session, external_id=external_id)
        created = employee is None
        if employee is None:
            if if_match is not None:
                raise VersionMismatch(f"employee {external_id} does not exist yet, so If-Match cannot match")
            employee = Employee(external_id=external_id, statements=[])
            self.repo.add(session, employee=employee)
        elif if_match is not None and employee.version != if_match:
            raise VersionMismatch(f"stored version is {employee.version}, If-Match said {if_match}")
        self._apply(employee, data)
        embed_statements(self.encoder, employee.statements)
        # A concurrent writer that won makes this flush (or the commit) fail: 409 via the unit of work.
        session.flush()
        self.repo.record_change(session, employee_id=employee.id)
        event = {"employee_id": external_id, "version": employee.version, "created": created}
        note_event(session, "profile.updated", event)
        return employee, created

    def _apply(self, employee: Employee, data: ProfileCreate) -> None:
        """Copy fields; keep unchanged statements (and their ids and vectors), replace the rest."""
        employee.name = data.name
        employee.unit = data.unit
        employee.title = data.title
        employee.supervisor = data.supervisor
        employee.languages = list(data.languages)
        employee.availability = data.availability  # type: ignore[assignment]
        employee.capacity = data.capacity
        employee.visible = data.visible
        # Touch the row so the version bumps even when only statements changed.
        employee.updated_at = utcnow()

        keep: dict[tuple[str, int | None], StrengthStatement] = {}
        evidence: list[StrengthStatement] = []
        for stmt in employee.statements:
            if stmt.kind == StatementKind.evidence:
                evidence.append(stmt)
            else:
                keep.setdefault((stmt.text_hash, stmt.level), stmt)
        declared: list[StrengthStatement] = []
        for position, item in enumerate(data.strengths):
            old = keep.pop((statement_hash(item.text), item.level), None)
            if old is not None and (item.language is None or item.language == old.language):
                old.position = position
                declared.append(old)
            else:
                declared.append(
                    new_statement(text=item.text, level=item.level, language=item.language, position=position)
                )
        employee.statements = declared + evidence

    def get(self, session: Session, *, external_id: str, actor: Actor) -> Employee:
        """One profile; a hidden profile is visible only to its owner and admins."""
        employee = self.repo.get_by_external_id(session, external_id=external_id)
        if employee is None or (not employee.visible and not actor.may_see_hidden(external_id)):
            raise ProfileNotFound(f"no employee {external_id}")  # a hidden profile's existence is not revealed
        return employee

    def list(self, session: Session, *, cursor: str | None, limit: int, unit: str | None, actor: Actor) -> ProfilePage:
        """A page of profiles ordered by external id (keyset pagination: stable under inserts)."""
        # The cursor is the last external id of the previous page: keyset pagination on a unique key.
        after = cursor or None
        rows = self.repo.list_page(
            session, after_external_id=after, limit=limit + 1, unit=unit, include_hidden=actor.is_admin
        )
        items = rows[:limit]
        next_cursor = items[-1].external_id if len(rows) > limit else None
        return ProfilePage(items=[to_read(e) for e in items], next_cursor=next_cursor)

    def erase(self, session: Session, *, external_id: str, actor: Actor) -> None:
        """Hard-delete the employee, their statements and evidence; the index drops their vectors."""
        employee = self.repo.get_by_external_id(session, external_id=external_id)
        if employee is None or (not employee.visible and not actor.may_see_hidden(external_id)):
            raise ProfileNotFound(f"no employee {external_id}")
        if not actor.may_edit(external_id):
            raise NotProfileOwner(f"you may not erase the profile of {external_id}")
        employee_id = employee.id
        self.repo.delete(session, employee=employee)
        self.repo.record_change(session, employee_id=employee_id)
        note_event(session, "profile.erased", {"employee_id": external_id})

    def upsert_many(self, session: Session, *, rows: Sequence[tuple[str, ProfileCreate]]) -> tuple[int, int]:
        """Admin bulk write of validated rows in one flush; returns (created, updated)."""
        existing = self.repo.get_many_by_external_ids(session, external_ids=[r[0] for r in rows])
        created = updated = 0
        touched: list[Employee] = []
        for external_id, data in rows:
            employee = existing.get(external_id)
            if employee is None:
                employee = Employee(external_id=external_id, statements=[])
                self.repo.add(session, employee=employee)
                existing[external_id] = employee
                created += 1
            else:
                updated += 1
            self._apply(employee, data)
            touched.append(employee)
        embed_statements(self.encoder, [s for e in touched for s in e.statements])
        session.flush()
        for employee in {id(e): e for e in touched}.values():
            self.repo.record_change(session, employee_id=employee.id)
            note_event(session, "profile.updated", {"employee_id": employee.external_id, "version": employee.version})
        return created, updated


def to_read(employee: Employee) -> ProfileRead:
    """Public view of a profile, declared strengths and evidence apart."""
    declared = [s for s in employee.statements if s.kind != StatementKind.evidence]
    evidence = [s for s in employee.statements if s.kind == StatementKind.evidence]
    return ProfileRead(
        external_id=employee.external_id,
        name=employee.name,
        unit=employee.unit,
        title=employee.title,
        supervisor=employee.supervisor,
        languages=list(employee.languages or []),
        availability=cast(AvailabilityValue, str(employee.availability)),  # a StrEnum or, loaded, its str
        capacity=employee.capacity,
        visible=employee.visible,
        version=employee.version,
        strengths=[StrengthRead.model_validate(s) for s in declared],
        evidence=[StrengthRead.model_validate(s) for s in evidence],
        created_at=as_utc(employee.created_at),
        updated_at=as_utc(employee.updated_at),
    )
