"""Matching through the real service, encoder, database and FAISS index."""

from __future__ import annotations

import numpy as np
import pytest
from builders import put
from sqlalchemy import select

from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.matching.schemas import MatchCreate, MatchFilters
from profiles.actor import Actor
from profiles.models import StrengthStatement


def ranked(velho: Velho, text: str, k: int = 10, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    with velho.session() as s:
        return [r.external_id for r in velho.matching.match(s, MatchCreate(text=text, k=k, **kwargs)).results]


@pytest.fixture
def team(velho: Velho) -> Velho:
    put(
        velho,
        "nurse",
        "Aino",
        ["haavanhoito ja lääkehoito", "Excel: pivot-taulukot, makrot ja VBA"],
        unit="Kotihoito",
        languages=["fi"],
    )
    put(
        velho,
        "physio",
        "Peter",
        ["ergonomic patient transfers and lifting technique"],
        unit="Kuntoutus",
        languages=["en", "fi"],
    )
    put(velho, "social", "Cecilia", ["barnskydd och familjearbete"], unit="Socialarbete", languages=["sv", "fi"])
    put(
        velho,
        "cleaner",
        "Samir",
        ["laitoshuolto ja siivous", "sujuva arabian kieli ja tulkkaus"],
        unit="Laitoshuolto",
        languages=["fi", "ar"],
    )
    put(
        velho,
        "it",
        "Ilkka",
        ["tietokoneiden ja tulostimien vianetsintä", "mindfulness-harjoitukset"],
        unit="IT-tuki",
        languages=["fi"],
    )
    return velho


class TestRelevance:
    def test_multi_vector_profile_finds_the_one_line_expert(self, team: Velho) -> None:
        assert ranked(team, "tarvitsen apua Excelin pivot-taulukoiden kanssa")[0] == "nurse"

    def test_finnish_request_finds_english_written_expert(self, team: Velho) -> None:
        assert ranked(team, "potilassiirrot ja ergonomia")[0] == "physio"

    def test_english_request_finds_finnish_written_expert(self, team: Velho) -> None:
        assert ranked(team, "help with Excel macros")[0] == "nurse"
        assert ranked(team, "someone who speaks Arabic to interpret")[0] == "cleaner"

    def test_result_carries_reasons(self, team: Velho) -> None:
        with team.session() as s:
            out = team.matching.match(s, MatchCreate(text="help with Excel macros", k=2))
        top = out.results[0]
        assert top.matched_strengths[0].text.startswith("Excel")
        assert 0 < top.matched_strengths[0].similarity <= 1
        assert "Excel" in top.explanation
        assert top.components["relevance"] > 0
        assert sum(top.components.values()) == pytest.approx(top.score, abs=1e-5)
        assert out.results[0].score >= out.results[1].score


class TestEligibility:
    def test_requester_is_never_returned(self, team: Velho) -> None:
        assert "nurse" not in ranked(team, "Excel-makrot", requester_id="nurse")

    def test_hidden_and_unavailable_are_never_returned(self, team: Velho) -> None:
        put(team, "nurse", "Aino", ["Excel: pivot-taulukot, makrot ja VBA"], visible=False)
        put(team, "physio", "Peter", ["ergonomic patient transfers"], availability="unavailable")
        results = ranked(team, "Excel ja potilassiirrot", k=10)
        assert "nurse" not in results and "physio" not in results
        assert len(results) == 3

    def test_filters_return_a_full_k_when_k_eligible_exist(self, velho: Velho) -> None:
        # 30 strong Excel people in unit A, 6 weaker ones in B: unit B must still give 5.
        for i in range(30):
            put(velho, f"a{i}", f"A{i}", [f"Excel-makrot ja pivot-taulukot, taso {i}"], unit="A", languages=["fi"])
        for i in range(6):
            put(velho, f"b{i}", f"B{i}", [f"haavanhoito {i}"], unit="B", languages=["sv"])
        assert len(ranked(velho, "Excel-makrot", k=5, filters=MatchFilters(units=["B"]))) == 5
        assert len(ranked(velho, "Excel-makrot", k=5, filters=MatchFilters(languages=["sv"]))) == 5
        out = ranked(velho, "Excel-makrot", k=10, filters=MatchFilters(exclude_units=["A"]))
        assert sorted(out) == [f"b{i}" for i in range(6)]


class TestIndexFollowsTheDatabase:
    def test_erase_removes_vectors_from_the_index(self, team: Velho) -> None:
        with team.session() as s:
            ids = [
                st.id
                for st in s.scalars(
                    select(StrengthStatement)
                    .join(StrengthStatement.employee)
                    .where(StrengthStatement.employee_id == team.sync.roster.by_external_id["nurse"])
                )
            ]
        with team.session() as s:
            team.profiles.erase(s, external_id="nurse", actor=Actor.admin())
        assert not set(ids) & set(team.sync.index.ids().tolist())
        assert "nurse" not in ranked(team, "Excel-makrot")

    def test_saved_index_is_reloaded_and_a_stale_one_rebuilt(self, team: Velho, settings: Settings) -> None:
        team.sync.save()
        again = build(settings, encoder=team.encoder, engine=team.engine)
        assert again.start() == "loaded"
        assert sorted(again.sync.index.ids().tolist()) == sorted(team.sync.index.ids().tolist())
        again.close(save=False)
        # A change made while the saved copy was not running is caught up on load.
        put(team, "new", "Uusi", ["Excel-makrot"])
        third = build(settings, encoder=team.encoder, engine=team.engine)
        third.start()
        assert "new" in {e.external_id for e in third.sync.roster.employees.values()}
        third.close(save=False)
        # A manifest for another model means rebuild, never a mixed vector space.
        manifest = third.sync.index_dir / "manifest.json"
        manifest.write_text(manifest.read_text().replace(team.encoder.info.model_id, "other-model"))
        fourth = build(settings, encoder=team.encoder, engine=team.engine)
        assert fourth.start() == "rebuilt"
        fourth.close(save=False)

    def test_rebuild_reembeds_statements_of_another_model(self, team: Velho) -> None:
        with team.session() as s:
            for st in s.scalars(select(StrengthStatement)):
                st.model_id = "old-model"
        assert team.sync.reembed(team.session) == 8
        with team.session() as s:
            models = {st.model_id for st in s.scalars(select(StrengthStatement))}
            vec = s.scalars(select(StrengthStatement)).first()
            assert models == {team.encoder.info.model_id}
            assert vec is not None and np.frombuffer(vec.embedding or b"", dtype=np.float32).shape == (384,)
