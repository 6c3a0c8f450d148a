"""Profile rules on a real database: create/replace, versions, ownership, erase."""

from __future__ import annotations

import pytest
from builders import profile, put
from sqlalchemy import func, select

from matcher.app.wiring import Velho
from profiles.actor import Actor
from profiles.errors import NotProfileOwner, ProfileNotFound, VersionMismatch
from profiles.models import Employee, ProfileChange, StrengthStatement


def count(velho: Velho, model: type) -> int:
    with velho.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


class TestUpsert:
    def test_create_then_replace_bumps_version_and_keeps_unchanged_statements(self, velho: Velho) -> None:
        with velho.session() as s:
            emp, created = velho.profiles.upsert(
                s, external_id="e1", data=profile("Anna", ["haavanhoito", "Excel-makrot"]), actor=Actor.admin()
            )
            assert created and emp.version == 1
            kept_id = emp.statements[1].id
        with velho.session() as s:
            emp, created = velho.profiles.upsert(
                s,
                external_id="e1",
                data=profile("Anna", ["Excel-makrot", "lääkehoito"]),
                actor=Actor.admin(),
                if_match=1,
            )
            assert not created and emp.version == 2
            assert [st.text for st in emp.statements] == ["Excel-makrot", "lääkehoito"]
            assert emp.statements[0].id == kept_id  # unchanged text keeps its row and vector
            assert all(st.embedding is not None and st.model_id == velho.encoder.info.model_id for st in emp.statements)
            assert emp.statements[1].language == "fi"
        assert count(velho, StrengthStatement) == 2

    def test_stale_if_match_is_rejected_and_changes_nothing(self, velho: Velho) -> None:
        put(velho, "e1", "Anna", ["haavanhoito"])
        with pytest.raises(VersionMismatch), velho.session() as s:
            velho.profiles.upsert(s, external_id="e1", data=profile("Changed", []), actor=Actor.admin(), if_match=7)
        with velho.session() as s:
            emp = velho.profiles.get(s, external_id="e1", actor=Actor.admin())
            assert emp.name == "Anna" and emp.version == 1 and len(emp.statements) == 1

    def test_employee_cannot_change_another_profile(self, velho: Velho) -> None:
        put(velho, "e1", "Anna", ["haavanhoito"])
        with pytest.raises(NotProfileOwner), velho.session() as s:
            velho.profiles.upsert(s, external_id="e1", data=profile("Mallory"), actor=Actor.employee("e2"))
        with pytest.raises(NotProfileOwner), velho.session() as s:
            velho.profiles.erase(s, external_id="e1", actor=Actor.employee("e2"))
        with velho.session() as s:
            velho.profiles.upsert(s, external_id="e1", data=profile("Anna K."), actor=Actor.employee("e1"))
            assert velho.profiles.get(s, external_id="e1", actor=Actor.admin()).name == "Anna K."

    def test_hidden_profile_is_only_visible_to_owner_and_admin(self, velho: Velho) -> None:
        put(velho, "e1", "Anna", ["haavanhoito"], visible=False)
        with velho.session() as s:
            assert velho.profiles.get(s, external_id="e1", actor=Actor.employee("e1")).name == "Anna"
            with pytest.raises(ProfileNotFound):
                velho.profiles.get(s, external_id="e1", actor=Actor.employee("e2"))
            page = velho.profiles.list(s, cursor=None, limit=10, unit=None, actor=Actor.employee("e2"))
            assert page.items == []


class TestErase:
    def test_erase_removes_rows_and_logs_a_change(self, velho: Velho) -> None:
        put(velho, "e1", "Anna", ["haavanhoito", "Excel"])
        put(velho, "e2", "Bo", ["lääkehoito"])
        before = count(velho, ProfileChange)
        with velho.session() as s:
            velho.profiles.erase(s, external_id="e1", actor=Actor.admin())
        assert count(velho, Employee) == 1
        assert count(velho, StrengthStatement) == 1
        assert count(velho, ProfileChange) == before + 1
        with pytest.raises(ProfileNotFound), velho.session() as s:
            velho.profiles.erase(s, external_id="e1", actor=Actor.admin())


class TestList:
    def test_cursor_pagination_visits_everyone_once(self, velho: Velho) -> None:
        for i in range(7):
            put(velho, f"e{i}", f"P{i}", unit="A" if i % 2 else "B")
        seen: list[str] = []
        cursor = None
        with velho.session() as s:
            while True:
                page = velho.profiles.list(s, cursor=cursor, limit=3, unit=None, actor=Actor.admin())
                seen += [p.external_id for p in page.items]
                if page.next_cursor is None:
                    break
                cursor = page.next_cursor
            assert seen == [f"e{i}" for i in range(7)]
            only_a = velho.profiles.list(s, cursor=None, limit=10, unit="A", actor=Actor.admin())
            assert [p.external_id for p in only_a.items] == ["e1", "e3", "e5"]
