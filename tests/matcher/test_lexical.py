"""The lexical signal: BM25 terms and scores, the lexical ranker (`mode="lexical"`) through the
real service, and the `lexical_weight` boost of the dense ranking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from builders import put
from sqlalchemy import Engine

from embeddings.encoder import Encoder
from matcher.app.settings import RankingWeights, Settings
from matcher.app.wiring import Velho, build
from matcher.index.lexical import LexicalIndex, terms
from matcher.matching.models import HelpRequest
from matcher.matching.schemas import MatchCreate, MatchFilters, MatchItem, MatchRead
from profiles.actor import Actor


def match(velho: Velho, text: str, k: int = 10, **kwargs) -> MatchRead:  # type: ignore[no-untyped-def]
    with velho.session() as s:
        return velho.matching.match(s, MatchCreate(text=text, k=k, **kwargs))


def ranked(velho: Velho, text: str, k: int = 10, **kwargs) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.external_id for r in match(velho, text, k, **kwargs).results]


def lexical_index(velho: Velho) -> LexicalIndex:
    w = velho.matching.weights
    return velho.sync.snapshot.lexical_index(w.lexical_normalisation, w.lexical_prefix)


class TestTerms:
    def test_finnish_stemming_matches_inflected_compounds(self) -> None:
        request = set(terms("tarvitsen apua Excelin pivot-taulukoiden kanssa", "fi"))
        statement = set(terms("Excel: pivot-taulukot, makrot ja VBA", "fi"))
        assert {"excel", "pivot-tauluko", "tauluko"} <= request & statement

    def test_swedish_and_english_stemming(self) -> None:
        assert terms("rekryteringar och familjearbetet", "sv") == terms("rekrytering och familjearbete", "sv")
        assert terms("negotiating spreadsheets", "en") == terms("negotiate spreadsheet", "en")

    def test_truncation_keeps_a_prefix_of_every_word(self) -> None:
        assert (
            terms("haavanhoidossa", "fi", mode="truncate") == terms("haavanhoito", "fi", mode="truncate") == ["haava"]
        )
        assert terms("pivot-taulukoiden", "fi", mode="truncate", prefix=4) == ["pivo", "pivo", "taul"]


class TestBM25:
    @pytest.fixture
    def index(self) -> LexicalIndex:
        idx = LexicalIndex(mode="stem")
        idx.add(1, "Excel: pivot-taulukot ja makrot", "fi")
        idx.add(2, "Excel ja kirjanpito", "fi")
        idx.add(3, "Excel ja laskutus", "fi")
        idx.add(4, "haavanhoito ja lääkehoito", "fi")
        return idx

    def test_the_rare_term_outranks_the_common_one(self, index: LexicalIndex) -> None:
        scores = index.search("Excel-makrot", "fi")
        assert list(scores)[0] == 1 and set(scores) == {1, 2, 3}
        assert index.idf("makro") > index.idf("excel") > 0 and index.idf("unknown") == 0

    def test_normalised_scores_lie_in_0_1_and_keep_the_order(self, index: LexicalIndex) -> None:
        raw = index.search("Excel-makrot", "fi", limit=None)
        norm = index.search_normalised("Excel-makrot", "fi")
        assert list(norm) == list(raw)
        assert all(0 < s < 1 for s in norm.values())
        assert index.search_normalised("ei yhteisiä sanoja", "fi") == {}

    def test_only_scores_the_given_statements(self, index: LexicalIndex) -> None:
        assert set(index.search("Excel", "fi", only=[2, 4])) == {2}
        assert set(index.search("Excel", "fi", only={1, 2, 3, 4, 99})) == {1, 2, 3}

    def test_add_replaces_and_remove_forgets(self, index: LexicalIndex) -> None:
        index.add(1, "haavanhoito", "fi")
        assert 1 not in index.search("makrot", "fi") and 1 in index.search("haavanhoito", "fi")
        index.remove([1, 4])
        assert index.search("haavanhoito", "fi") == {} and len(index) == 2


@pytest.fixture
def lexical(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[Velho]:
    """A started Velho ranking by BM25 alone (feedback on, as by default)."""
    local = settings.model_copy(update={"ranking": RankingWeights(mode="lexical")})
    v = build(local, encoder=encoder, engine=engine)
    v.start()
    yield v
    v.close()


@pytest.fixture
def team(lexical: Velho) -> Velho:
    put(
        lexical,
        "nurse",
        "Aino",
        ["haavanhoito ja lääkehoito", "Excel: pivot-taulukot, makrot ja VBA"],
        unit="Kotihoito",
        languages=["fi"],
    )
    put(lexical, "accountant", "Kalle", ["kirjanpito ja Excel-raportit"], unit="Talous", languages=["fi"])
    put(
        lexical,
        "physio",
        "Peter",
        ["ergonomic patient transfers and lifting technique"],
        unit="Kuntoutus",
        languages=["en", "fi"],
    )
    put(lexical, "social", "Cecilia", ["barnskydd och familjearbete"], unit="Socialarbete", languages=["sv", "fi"])
    return lexical


class TestLexicalMode:
    def test_finds_the_person_by_a_rare_exact_term_without_encoding_the_request(
        self, team: Velho, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def no_encoding(text: str) -> None:
            raise AssertionError("lexical mode must not encode the request")

        monkeypatch.setattr(team.matching, "encode_request", no_encoding)
        out = match(team, "tarvitsen apua Excelin pivot-taulukoiden kanssa")
        assert [r.external_id for r in out.results] == ["nurse", "accountant"]  # only people sharing a term
        top = out.results[0]
        assert set(top.components) == {"lexical"} and top.score == pytest.approx(top.components["lexical"])
        assert top.matched_strengths[0].text.startswith("Excel")
        assert 0 < top.matched_strengths[0].similarity < 1
        assert top.explanation.startswith('Matches "Excel') and "\n" not in top.explanation
        assert ranked(team, "familjearbetet")[0] == "social"
        with team.session() as s:
            stored = s.get(HelpRequest, out.request_id)
            assert stored is not None and stored.embedding is None and stored.model_id is None

    def test_hidden_unavailable_and_requester_are_never_returned(self, team: Velho) -> None:
        assert "nurse" not in ranked(team, "Excel-makrot", requester_id="nurse")
        put(team, "nurse", "Aino", ["Excel: pivot-taulukot, makrot ja VBA"], visible=False)
        put(team, "accountant", "Kalle", ["kirjanpito ja Excel-raportit"], availability="unavailable")
        put(team, "physio", "Peter", ["Excel ergonomics"], languages=["en"])
        assert ranked(team, "Excel-makrot ja VBA") == ["physio"]

    def test_filters_and_the_feedback_deny_set_return_a_full_k(self, lexical: Velho) -> None:
        # 30 strong matches in unit A, 6 weaker (but matching) ones in B: unit B must still give 5.
        for i in range(30):
            put(lexical, f"a{i}", f"A{i}", [f"Excel-makrot ja pivot-taulukot, taso {i}"], unit="A", languages=["fi"])
        for i in range(6):
            put(lexical, f"b{i}", f"B{i}", [f"haavanhoito ja Excel {i}"], unit="B", languages=["sv"])
        assert len(ranked(lexical, "Excel-makrot", k=5, filters=MatchFilters(units=["B"]))) == 5
        assert len(ranked(lexical, "Excel-makrot", k=5, filters=MatchFilters(languages=["sv"]))) == 5
        out = ranked(lexical, "Excel-makrot", k=10, filters=MatchFilters(exclude_units=["A"]))
        assert sorted(out) == [f"b{i}" for i in range(6)]

        @dataclass
        class DenyOnly:
            deny: frozenset[int]

        ids = lexical.sync.roster.by_external_id
        denied = frozenset(ids[f"a{i}"] for i in range(28))
        snap = lexical.matching.snapshot()
        query = lexical.matching.prepare("Excel-makrot", k=5, snap=snap)
        got = lexical.matching.rank(query, snap=snap, feedback=DenyOnly(denied))  # type: ignore[arg-type]
        names = [lexical.sync.roster.employees[c.employee_id].external_id for c in got]
        assert len(names) == 5 and sorted(names[:2]) == ["a28", "a29"]  # then three of B

    def test_profile_changes_erase_and_rebuild_reach_the_lexical_index(self, team: Velho) -> None:
        put(team, "accountant", "Kalle", ["palkanlaskenta"], unit="Talous", languages=["fi"])
        assert "accountant" not in ranked(team, "Excel-raportit") and ranked(team, "palkanlaskenta") == ["accountant"]
        with team.session() as s:
            team.profiles.erase(s, external_id="nurse", actor=Actor.admin())
        assert ranked(team, "VBA-makrot") == []
        assert len(lexical_index(team)) == len(team.sync.roster.statements)
        team.rebuild_index()
        assert len(lexical_index(team)) == len(team.sync.roster.statements) == 3
        assert ranked(team, "palkanlaskenta") == ["accountant"]


class TestLexicalBoost:
    TEXT = "tarvitsen apua SAP-järjestelmän kanssa"

    @pytest.fixture
    def office(self, velho: Velho) -> Velho:
        # Dense ranks the ERP person first; only the accountant shares a word ("järjestelmä").
        put(velho, "erp", "Eero", ["toiminnanohjaus ja ostolaskujen käsittely"], languages=["fi"])
        put(velho, "books", "Kirsi", ["kirjanpito, laskutus ja taloushallinnon järjestelmät"], languages=["fi"])
        put(velho, "nurse", "Aino", ["haavanhoito ja lääkehoito"], languages=["fi"])
        return velho

    @staticmethod
    def results(velho: Velho, text: str) -> list[MatchItem]:
        velho.matching.effects.reset()  # type: ignore[union-attr]  # same exploration draw each time
        return match(velho, text, k=3).results

    @pytest.mark.parametrize("normalisation", ["stem", "truncate"])
    def test_weight_zero_changes_nothing_and_a_positive_weight_reorders(
        self, office: Velho, normalisation: str
    ) -> None:
        before = self.results(office, self.TEXT)
        assert [r.external_id for r in before] == ["erp", "books", "nurse"]
        assert all("lexical" not in r.components for r in before)
        w = office.matching.weights
        office.matching.weights = w.model_copy(update={"lexical_weight": 0.0, "lexical_normalisation": normalisation})
        again = self.results(office, self.TEXT)
        assert [(r.external_id, r.score, r.components) for r in again] == [
            (r.external_id, r.score, r.components) for r in before
        ]
        office.matching.weights = w.model_copy(update={"lexical_weight": 1.0, "lexical_normalisation": normalisation})
        boosted = self.results(office, self.TEXT)
        assert [r.external_id for r in boosted] == ["books", "erp", "nurse"]
        top = boosted[0]
        assert top.components["lexical"] > 0 and boosted[1].components["lexical"] == 0
        assert (
            top.components["relevance"] == next(r for r in before if r.external_id == "books").components["relevance"]
        )
        assert sum(top.components.values()) == pytest.approx(top.score, abs=1e-5)
