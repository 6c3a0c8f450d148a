"""The unit of work on a real database and index: one commit path, one error mapping, nothing
left behind by a rollback, and each concurrency outcome reached on purpose (409 and 412)."""

from __future__ import annotations

import threading

import pytest
from builders import LetsAnotherWriterIn, profile, put
from sqlalchemy import func, select, update

from matcher.app.unit_of_work import holds_sqlite_write
from matcher.app.wiring import Velho
from profiles.actor import Actor
from profiles.errors import ConcurrentUpdate, VersionMismatch
from profiles.models import Employee, ProfileChange, StrengthStatement
from profiles.service import ProfileService

ADMIN = Actor.admin()


def state(velho: Velho) -> tuple[list[tuple[str, str]], int, set[int]]:
    """(employee, statement text) pairs, change-log length and the index's ids."""
    with velho.reading() as s:
        rows = s.execute(
            select(Employee.external_id, StrengthStatement.text).join(StrengthStatement).order_by(StrengthStatement.id)
        ).all()
        log = int(s.scalar(select(func.count(ProfileChange.seq))) or 0)
    return [tuple(r) for r in rows], log, set(velho.sync.index.ids().tolist())  # type: ignore[misc]


class TestCommit:
    def test_a_commit_logs_the_change_once_and_the_index_has_it_before_write_returns(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["haavanhoito"])
        rows, log, ids = state(velho)
        assert rows == [("e1", "haavanhoito")] and log == 1
        with velho.reading() as s:
            (sid,) = s.scalars(select(StrengthStatement.id))
        assert ids == {sid} and velho.sync.change_seq == 1

    def test_a_failure_rolls_back_rows_log_and_index(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["haavanhoito"])
        before = state(velho)
        with pytest.raises(RuntimeError), velho.session() as s:
            velho.profiles.upsert(s, external_id="e2", data=profile("Bo", ["Excel-makrot"]), actor=ADMIN)
            raise RuntimeError("the caller failed after the service staged its change")
        assert state(velho) == before
        assert "e2" not in velho.sync.roster.by_external_id


class TestConcurrentWriters:
    def test_a_writer_that_lost_the_race_gets_409_and_the_winner_is_intact(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["haavanhoito"])
        slow = ProfileService(LetsAnotherWriterIn(velho.encoder, lambda: put(velho, "e1", "Winner", ["Excel-makrot"])))
        with pytest.raises(ConcurrentUpdate), velho.session() as s:
            slow.upsert(s, external_id="e1", data=profile("Loser", ["lääkehoito"]), actor=ADMIN)
        rows, _, ids = state(velho)
        assert rows == [("e1", "Excel-makrot")]
        with velho.reading() as s:
            assert s.scalar(select(Employee.name)) == "Winner"
            assert ids == set(s.scalars(select(StrengthStatement.id)))  # no orphan vector of the loser

    def test_two_creates_of_one_new_id_give_one_profile_and_a_409(self, velho: Velho) -> None:
        slow = ProfileService(LetsAnotherWriterIn(velho.encoder, lambda: put(velho, "new", "First", ["haavanhoito"])))
        with pytest.raises(ConcurrentUpdate), velho.session() as s:
            slow.upsert(s, external_id="new", data=profile("Second", ["Excel-kaavat"]), actor=ADMIN)
        rows, log, ids = state(velho)
        assert rows == [("new", "haavanhoito")] and log == 1 and len(ids) == 1

    def test_a_stale_if_match_is_412_before_anything_is_written(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["haavanhoito"])
        put(velho, "e1", "Aino", ["Excel"])
        before = state(velho)
        with pytest.raises(VersionMismatch), velho.session() as s:
            velho.profiles.upsert(s, external_id="e1", data=profile("Old", ["x"]), actor=ADMIN, if_match=1)
        assert state(velho) == before


@pytest.mark.no_postgres
class TestSerialSqliteCommits:
    """This process's SQLite commits queue on a lock, except one whose transaction already writes."""

    def test_a_transaction_holds_the_write_lock_only_once_it_wrote(self, velho: Velho) -> None:
        put(velho, "e1", "Aino", ["haavanhoito"])
        with velho.reading() as s:
            s.scalar(select(Employee.name))
            assert not holds_sqlite_write(s)
            s.execute(update(Employee).where(Employee.external_id == "nobody").values(name="x"))
            assert holds_sqlite_write(s)  # a Core statement, no ORM flush: still holds it

    def test_a_commit_that_already_wrote_does_not_queue_behind_another(self, velho: Velho) -> None:
        """Queued, it would wait for a commit that waits in SQLite's busy handler for this one."""
        put(velho, "e1", "Aino", ["haavanhoito"])
        done = threading.Event()

        def rename() -> None:
            with velho.session() as s:
                s.execute(update(Employee).where(Employee.external_id == "e1").values(name="Aino K"))
            done.set()

        with velho.uow._commit_lock:  # another commit in progress
            writer = threading.Thread(target=rename)
            writer.start()
            finished = done.wait(timeout=60)  # a bound on a hang, not a timing
        writer.join()
        assert finished
        with velho.reading() as s:
            assert s.scalar(select(Employee.name)) == "Aino K"
