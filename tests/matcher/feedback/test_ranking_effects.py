"""Feedback effects in real rankings: load, declines, quality, responsiveness, evidence, exploration."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from matcher.feedback.models import Engagement, Rating
from matcher.feedback.ranker import COMPONENTS
from matcher.matching.schemas import MatchItem
from profiles.actor import Actor
from profiles.models import StatementKind, StrengthStatement
from profiles.service import to_read

EXCEL = "need help with excel macros"


def item(org: Any, text: str, who: str, **kwargs: Any) -> MatchItem:
    out = org.match(text, k=10, **kwargs)
    found = [r for r in out.results if r.external_id == who]
    assert found, f"{who} not returned for {text!r}"
    return found[0]


def evidence_rows(velho: Any, who: str) -> list[StrengthStatement]:
    with velho.sessions() as s:
        eid = s.scalar(
            select(StrengthStatement.employee_id)
            .join(StrengthStatement.employee)
            .where(StrengthStatement.employee.has(external_id=who))
            .limit(1)
        )
        return list(
            s.scalars(
                select(StrengthStatement)
                .where(StrengthStatement.employee_id == eid, StrengthStatement.kind == StatementKind.evidence)
                .order_by(StrengthStatement.id)
            )
        )


class TestComponents:
    def test_every_effect_is_a_named_component_summing_to_the_score(self, org: Any) -> None:
        for r in org.match(EXCEL).results:
            assert set(r.components) == {"relevance", *COMPONENTS}
            assert sum(r.components.values()) == pytest.approx(r.score, abs=1e-5)

    def test_switched_off_leaves_pure_relevance(self, org: Any, velho: Any) -> None:
        org.helped(EXCEL, "ann", 5)
        velho.matching.effects.weights = velho.matching.effects.weights.model_copy(update={"enabled": False})
        for r in org.match(EXCEL).results:
            assert set(r.components) == {"relevance"}


class TestLoad:
    def test_provider_at_capacity_is_not_returned_and_the_list_stays_full(self, org: Any) -> None:
        assert "bob" in org.ranked("excel formulas question", requester="pia", k=3)
        org.engagement(EXCEL, "bob")  # bob's capacity is 1
        ranked = org.ranked("excel formulas question", requester="pia", k=3)
        assert "bob" not in ranked and len(ranked) == 3

    def test_near_capacity_is_penalised_and_explained(self, org: Any) -> None:
        org.engagement(EXCEL, "ann")  # 1 of 2 open
        ann = item(org, "excel pivot tables", "ann", requester="pia")
        assert ann.components["load"] == pytest.approx(-0.04 * (0.5 - 0.3) / 0.7, abs=1e-6)
        assert "busy: 1 of 2 engagements open" in ann.explanation

    def test_capacity_frees_when_help_is_completed(self, org: Any) -> None:
        eid = org.engagement(EXCEL, "bob")
        org.call("accept", engagement_id=eid)
        assert "bob" not in org.ranked("excel formulas", requester="pia")
        org.call("complete", engagement_id=eid)
        assert "bob" in org.ranked("excel formulas", requester="pia")


class TestQualityAndResponsiveness:
    def test_quality_is_the_shrunk_average_against_the_organisation(self, org: Any) -> None:
        org.helped(EXCEL, "ann", 5)
        org.helped("excel pivot tables", "ann", 5, requester="nia")
        ann = item(org, "excel formulas", "ann", requester="pia")
        org_mean = (4.0 * 5 + 10) / 7  # the organisation's two ratings, shrunk toward 4.0
        shrunk = (org_mean * 5 + 10) / 7
        assert ann.components["quality"] == pytest.approx(0.04 * (shrunk - org_mean), abs=1e-6)
        assert "rated 5.0 over 2 engagements" in ann.explanation

    def test_declines_lower_responsiveness(self, org: Any) -> None:
        eid = org.engagement(EXCEL, "bob")
        org.call("decline", engagement_id=eid)
        bob = item(org, "excel formulas", "bob", requester="pia")
        assert bob.components["responsiveness"] == pytest.approx(0.1 * (4 / 6 - 0.8), abs=1e-6)
        assert "accepted 0 of 1 offers" in bob.explanation

    def test_expiry_counts_like_a_decline(self, org: Any, clock: Any) -> None:
        org.engagement(EXCEL, "bob")
        clock.advance(hours=49)
        bob = item(org, "excel formulas", "bob", requester="pia")
        assert bob.components["responsiveness"] == pytest.approx(0.1 * (4 / 6 - 0.8), abs=1e-6)


class TestEvidence:
    def test_good_rating_adds_the_request_as_evidence(self, org: Any, velho: Any, topic_encoder: Any) -> None:
        before = item(org, "excel macros help please", "vic").score
        eid = org.helped(EXCEL, "vic", 5)
        [ev] = evidence_rows(velho, "vic")
        assert (ev.text, ev.kind, ev.source_engagement_id, ev.rating) == (EXCEL, "evidence", eid, 5)
        # The request re-encoded as a document, in the same space as declared statements.
        assert np.allclose(np.frombuffer(ev.embedding, dtype=np.float32), topic_encoder.encode_documents([EXCEL])[0])
        assert ev.id in velho.sync.roster.statements and ev.id in set(velho.sync.index.ids().tolist())
        vic = item(org, "excel macros help please", "vic")
        assert vic.components["evidence"] > 0.1
        assert vic.explanation.startswith("Helped with a similar request, rated 5")
        assert vic.matched_strengths[0].kind == "evidence"
        # From a vague "computers" match to level with the declared Excel people.
        assert vic.score > before + 0.4
        assert vic.score > item(org, "excel macros help please", "bob").score - 0.03

    def test_evidence_counts_below_a_declared_statement_of_the_same_text(self, org: Any) -> None:
        org.put("dee", [EXCEL])
        org.helped(EXCEL, "vic", 5)
        dee, vic = item(org, EXCEL, "dee"), item(org, EXCEL, "vic")
        assert dee.components["relevance"] - (
            vic.components["relevance"] + vic.components["evidence"]
        ) == pytest.approx(0.03, abs=1e-4)

    @pytest.mark.parametrize(("score", "added"), [(3, False), (4, True), (5, True), (2, False)])
    def test_only_ratings_of_four_or_more_add_evidence(self, org: Any, velho: Any, score: int, added: bool) -> None:
        org.helped(EXCEL, "vic", score)
        assert bool(evidence_rows(velho, "vic")) is added

    def test_evidence_shows_in_the_profile_and_survives_a_profile_update(self, org: Any, velho: Any) -> None:
        org.helped(EXCEL, "vic", 5)
        org.put("vic", ["happy to help with computers", "and printers"])
        with velho.sessions() as s:
            profile = to_read(velho.profiles.get(s, external_id="vic", actor=Actor.admin()))
        assert [e.text for e in profile.evidence] == [EXCEL]
        assert item(org, "excel macros help please", "vic").components["evidence"] > 0.1

    def test_oldest_evidence_goes_beyond_the_maximum(self, org: Any, velho: Any) -> None:
        velho.engagements.weights = velho.engagements.weights.model_copy(update={"evidence_max_per_provider": 2})
        for i, text in enumerate(["excel one", "excel two", "excel three"]):
            org.helped(text, "vic", 5, requester=["req", "nia", "pia"][i])
        assert [e.text for e in evidence_rows(velho, "vic")] == ["excel two", "excel three"]

    def test_low_rating_lowers_the_provider_on_similar_requests_only(self, org: Any) -> None:
        org.helped(EXCEL, "ann", 1)
        ann = item(org, "excel macros question", "ann", requester="pia")
        assert ann.components["low_ratings"] < -0.05
        assert "rated low on a similar request" in ann.explanation
        assert item(org, "printers jam", "ann", requester="pia").components["low_ratings"] == 0.0
        assert org.ranked("excel macros question", requester="pia")[0] == "bob"

    def test_erasing_the_provider_removes_ratings_and_evidence_and_anonymises_engagements(
        self, org: Any, velho: Any
    ) -> None:
        org.helped(EXCEL, "vic", 5)
        org.helped("excel pivot", "vic", 1, requester="nia")
        [ev] = evidence_rows(velho, "vic")
        with velho.session() as s:
            velho.privacy.erase(s, external_id="vic", actor=Actor.admin())
        with velho.sessions() as s:
            # The requesters' history keeps both engagements, with nobody named as provider.
            assert s.scalars(select(Engagement.provider_id)).all() == [None, None]
            assert s.scalar(select(func.count(Rating.id))) == 0
            assert s.get(StrengthStatement, ev.id) is None
        assert ev.id not in set(velho.sync.index.ids().tolist()) and "vic" not in velho.sync.roster.by_external_id
        assert "vic" not in org.ranked("excel macros help please", k=10)


class TestExploration:
    @pytest.fixture
    def exploring(self, velho: Any) -> Any:
        ranker = velho.matching.effects
        ranker.weights = ranker.weights.model_copy(update={"exploration_bonus": 0.04, "exploration_margin": 0.05})
        ranker.reset()
        return ranker

    def test_bounded_within_the_margin_and_only_for_the_little_tried(self, org: Any, exploring: Any) -> None:
        results = org.match(EXCEL, k=10).results
        best = max(r.components["relevance"] for r in results)
        for r in results:
            bonus = r.components["exploration"]
            assert 0 <= bonus < 0.04
            if r.components["relevance"] < best - 0.05:
                assert bonus == 0.0
        assert any(r.components["exploration"] > 0 for r in results)

    def test_never_lifts_the_irrelevant_above_the_relevant(self, org: Any, exploring: Any) -> None:
        for i in range(20):
            ranked = org.ranked(f"excel macros case {i}", k=10)
            assert ranked.index("nia") > ranked.index("ann") and ranked.index("nia") > ranked.index("bob")
            assert ranked.index("pia") > ranked.index("ann")

    def test_seeded_and_reproducible(self, org: Any, exploring: Any) -> None:
        def run() -> list[dict[str, float]]:
            return [{r.external_id: r.components["exploration"] for r in org.match(EXCEL).results} for _ in range(3)]

        first = run()
        exploring.reset()
        assert run() == first
        exploring.reset(seed=99)
        assert run() != first
