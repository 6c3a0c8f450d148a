"""Supply per offer, spread of exposure and load, hidden experts, suggestions, and the topic store."""

from __future__ import annotations

from dataclasses import replace

import pytest
from insights_org import Org, _file, period
from sqlalchemy import update

from matcher.insights.distribution import gini, top_share
from matcher.insights.schemas import SupplyRead
from matcher.matching.models import HelpRequest


def supply(org: Org) -> SupplyRead:
    with org.velho.reading() as s:
        return org.velho.insights.supply(s, period=period(org), limit=100)


class TestOffers:
    def test_offers_count_top3_choices_and_ratings_on_the_statement_that_matched(self, org: Org) -> None:
        offers = {o.text: o for o in supply(org).offers}
        fi, en = offers["Excelin pivot-taulukot ja makrot"], offers["Excel pivot tables and macros"]
        # Six current Excel requests, each attributed to one of the two Excel statements.
        assert fi.matched_top3 + en.matched_top3 >= 6
        assert fi.chosen + en.chosen == 5 and fi.rated + en.rated == 5

    def test_hidden_employees_never_appear(self, org: Org) -> None:
        s = supply(org)
        everyone = s.offers + s.unused
        assert "secret" not in {o.external_id for o in everyone}
        assert "Arabian ja somalin tulkkaus asiakkaille" not in {o.text for o in everyone}
        assert "secret" not in {e.external_id for u in s.hidden_experts for e in u.experts}
        assert s.spread.providers == 5  # six people, one hidden

    def test_unused_offers_were_never_in_a_top3(self, org: Org) -> None:
        s = supply(org)
        assert s.unused_total == len(s.unused) and all(o.matched_top3 == 0 for o in s.unused)
        assert {o.statement_id for o in s.unused}.isdisjoint({o.statement_id for o in s.offers if o.matched_top3})

    def test_hidden_experts_are_well_rated_non_supervisors_by_unit(self, org: Org) -> None:
        experts = {u.unit: [(e.external_id, e.well_rated) for e in u.experts] for u in supply(org).hidden_experts}
        # The nurse also completed two well-rated engagements, but is a supervisor.
        assert experts == {"Talous": [("excel", 5)]}

    def test_spread_is_skewed_towards_the_excel_colleague(self, org: Org) -> None:
        spread = supply(org).spread
        assert spread.load_gini is not None and spread.load_gini > 0.4
        assert spread.load_top10_share == 1.0  # five providers: the top ten are everyone


class TestSuggestions:
    def test_unmet_topic_without_strong_provider_and_unused_offers(self, org: Org) -> None:
        with org.velho.reading() as s:
            out = org.velho.insights.suggestions(s, period=period(org))
        kinds = {(x.kind, x.label.en) for x in out.suggestions}
        assert ("recruit_or_train", "Wound care and pressure ulcers") in kinds
        # Interpreting is unmet too, but its best matches were strong: no one to recruit.
        assert ("recruit_or_train", "Arabic and Somali interpreting") not in kinds
        retire = {x.statement_id for x in out.suggestions if x.kind == "retire_or_reword"}
        assert retire == {o.statement_id for o in supply(org).unused}

    def test_an_offer_rated_below_the_bar_is_to_be_revised(self, org: Org, monkeypatch: pytest.MonkeyPatch) -> None:
        # The nurse's help was rated 5 and 4: with a bar of 4.6 and groups of one, revise.
        rules = replace(org.velho.insights.rules, min_group_size=1, revise_below_rating=4.6)
        monkeypatch.setattr(org.velho.insights, "rules", rules)  # undone after the test (the org is shared)
        with org.velho.reading() as s:
            out = org.velho.insights.suggestions(s, period=period(org))
        revise = [x for x in out.suggestions if x.kind == "revise"]
        # The two ratings land on the nurse's statements (both, or split between her two).
        assert revise and {x.label.en for x in revise} <= {
            "Wound care and pressure ulcers",
            "Haavanhoito ja painehaavojen ehkäisy",
        }
        assert all("rated 4" in x.reason.en for x in revise)


class TestStore:
    def test_new_requests_join_existing_topics_and_a_purge_starts_over(self, own_org: Org) -> None:
        org = own_org
        store, v = org.velho.insights.store, org.velho
        with v.reading() as s:
            first = store.view(s, v.sync.index)
        rid = _file(v, "Excel-taulukon pivot ja makrot", "asker")
        with v.reading() as s:
            second = store.view(s, v.sync.index)
        assert second.model is first.model  # no refit for one more request
        assert len(second.index) == len(first.index) + 1
        assert int(second.topics[second.index[rid]]) == int(second.topics[second.index[org.requests["excel"][0]]])
        # Its vector is erased (as a requester's erasure does): the next recount must drop it.
        store.recount_seconds = 0
        with v.session() as s:
            s.execute(update(HelpRequest).where(HelpRequest.id == rid).values(embedding=None, text=None))
        with v.reading() as s:
            third = store.view(s, v.sync.index)
        assert rid not in third.index and third.model is not first.model


class TestDistribution:
    def test_gini_and_top_share(self) -> None:
        assert gini([1, 1, 1, 1]) == 0.0
        assert gini([0, 0, 0, 4]) == 0.75
        assert gini([]) is None and gini([0, 0]) is None
        assert top_share([5] + [1] * 20, top=1) == 0.2

    def test_a_purge_of_the_oldest_vectors_is_noticed_at_once(self, own_org: Org) -> None:
        store, v = own_org.velho.insights.store, own_org.velho
        with v.reading() as s:
            first = store.view(s, v.sync.index)
        oldest = store._ids[0]
        with v.session() as s:
            s.execute(update(HelpRequest).where(HelpRequest.id == oldest).values(embedding=None, text=None))
        with v.reading() as s:
            after = store.view(s, v.sync.index)
        assert oldest not in after.index and len(after.index) == len(first.index) - 1
