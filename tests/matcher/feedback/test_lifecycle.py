"""The engagement state machine and its rules, through the real service and database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from matcher.feedback.errors import (
    AlreadyRated,
    EngagementNotFound,
    IllegalTransition,
    InvalidRating,
    NotAParty,
    NotOffered,
    ProviderNotFound,
    ProviderUnavailable,
    RequestNotFound,
)
from matcher.feedback.models import EngagementStatus as S
from matcher.feedback.schemas import to_read
from profiles.actor import Actor
from profiles.models import as_utc

ADMIN = Actor.admin()

EXCEL = "need help with excel macros"

# Legal moves; anything else from these states is a 409 unless it repeats the move already made.
LEGAL = {
    (S.proposed, "accept"): S.accepted,
    (S.proposed, "decline"): S.declined,
    (S.proposed, "cancel"): S.cancelled,
    (S.accepted, "complete"): S.completed,
    (S.accepted, "cancel"): S.cancelled,
}
# The status each action leads to: repeating it on an engagement already there is a harmless retry.
TARGET = {"accept": S.accepted, "decline": S.declined, "complete": S.completed, "cancel": S.cancelled}
STAMP = {S.accepted: "accepted_at", S.declined: "declined_at", S.completed: "completed_at", S.cancelled: "cancelled_at"}
STATES = [S.proposed, S.accepted, S.declined, S.expired, S.completed, S.cancelled]


@pytest.fixture
def in_state(org, clock) -> Callable[[S], int]:  # type: ignore[no-untyped-def]
    """Make a fresh engagement (ann on an Excel request) and drive it into a status."""

    def make(status: S) -> int:
        eid = org.engagement(EXCEL, "ann")
        path = {
            S.proposed: [],
            S.accepted: ["accept"],
            S.declined: ["decline"],
            S.completed: ["accept", "complete"],
            S.cancelled: ["cancel"],
            S.expired: [],
        }[status]
        for action in path:
            org.call(action, engagement_id=eid)
        if status == S.expired:
            clock.advance(hours=49)
        assert org.status(eid) == status
        return eid

    return make


class TestStateMachine:
    @pytest.mark.parametrize("start", STATES)
    @pytest.mark.parametrize("action", ["accept", "decline", "complete", "cancel"])
    def test_every_transition(self, org, in_state, clock, start: S, action: str) -> None:  # type: ignore[no-untyped-def]
        eid = in_state(start)
        if (start, action) in LEGAL:
            clock.advance(minutes=5)
            engagement, changed = org.call(action, engagement_id=eid)
            target = LEGAL[(start, action)]
            assert changed and engagement.status == target
            assert as_utc(getattr(engagement, STAMP[target])) == clock.now
        elif TARGET[action] == start:
            engagement, changed = org.call(action, engagement_id=eid)
            assert not changed and engagement.status == start
        else:
            with pytest.raises(IllegalTransition):
                org.call(action, engagement_id=eid)
            assert org.status(eid) == start  # nothing changed

    def test_timestamps_on_every_transition(self, org, clock) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        t0 = clock.now
        clock.advance(hours=1)
        org.call("accept", engagement_id=eid)
        clock.advance(hours=2)
        engagement, _ = org.call("complete", engagement_id=eid)
        read = to_read(engagement)
        assert read.proposed_at == t0
        assert read.accepted_at == t0 + timedelta(hours=1)
        assert read.completed_at == t0 + timedelta(hours=3)
        assert read.expires_at == t0 + timedelta(hours=48)
        assert read.closed_by == "admin" and read.declined_at is None

    def test_retried_transition_keeps_the_first_timestamp(self, org, clock) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        first, _ = org.call("accept", engagement_id=eid)
        stamp = first.accepted_at
        clock.advance(hours=3)
        again, changed = org.call("accept", engagement_id=eid)
        assert not changed and as_utc(again.accepted_at) == as_utc(stamp) == clock.now - timedelta(hours=3)

    def test_decline_keeps_its_reason(self, org) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        engagement, _ = org.call("decline", engagement_id=eid, reason="on holiday")
        assert engagement.decline_reason == "on holiday" and engagement.declined_at is not None


class TestProposal:
    def test_retry_returns_the_same_engagement(self, org) -> None:  # type: ignore[no-untyped-def]
        out = org.match(EXCEL)
        first, created = org.call("propose", request_id=out.request_id, provider_id="ann")
        again, created_again = org.call("propose", request_id=out.request_id, provider_id="ann")
        assert created and not created_again and first.id == again.id and again.status == S.proposed

    def test_unknown_ids_are_404(self, org) -> None:  # type: ignore[no-untyped-def]
        out = org.match(EXCEL)
        with pytest.raises(RequestNotFound):
            org.call("propose", request_id="0" * 32, provider_id="ann")
        with pytest.raises(ProviderNotFound):
            org.call("propose", request_id=out.request_id, provider_id="nobody")
        with pytest.raises(EngagementNotFound):
            org.call("accept", engagement_id=9999)

    def test_only_a_returned_provider_can_be_proposed(self, org) -> None:  # type: ignore[no-untyped-def]
        out = org.match(EXCEL, k=1)
        assert [r.external_id for r in out.results] != ["nia"]
        with pytest.raises(NotOffered):
            org.call("propose", request_id=out.request_id, provider_id="nia")

    def test_provider_at_capacity_cannot_be_proposed(self, org) -> None:  # type: ignore[no-untyped-def]
        # bob has capacity 1: one open offer fills it; a second request cannot reach him.
        org.engagement(EXCEL, "bob")
        out = org.match("excel formulas question", requester="pia")
        assert "bob" not in [r.external_id for r in out.results]
        with pytest.raises(NotOffered):
            org.call("propose", request_id=out.request_id, provider_id="bob")

    def test_capacity_is_enforced_at_proposal_even_with_feedback_ranking_off(self, org, velho) -> None:  # type: ignore[no-untyped-def]
        velho.matching.effects.weights = velho.matching.effects.weights.model_copy(update={"enabled": False})
        org.engagement(EXCEL, "bob")
        out = org.match("excel formulas question", requester="pia")
        assert "bob" in [r.external_id for r in out.results]  # the baseline ranking ignores load …
        with pytest.raises(ProviderUnavailable, match="capacity"):
            org.call("propose", request_id=out.request_id, provider_id="bob")  # … the lifecycle never does

    def test_expiry_frees_capacity(self, org, clock) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "bob")
        clock.advance(hours=48, seconds=1)
        assert org.status(eid) == S.expired
        assert "bob" in org.ranked("excel formulas question", requester="pia")
        org.engagement("excel formulas question", "bob", requester="pia")

    def test_expired_offer_reads_as_expired_with_its_time(self, org, clock) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        clock.advance(hours=72)
        with org.velho.session() as s:
            engagement = org.velho.engagements.get(s, engagement_id=eid, actor=ADMIN)
            assert engagement.status == S.expired and engagement.expired_at == engagement.expires_at

    def test_provider_who_declined_is_never_proposed_for_that_request_again(self, org) -> None:  # type: ignore[no-untyped-def]
        out = org.match(EXCEL)
        eid = org.propose(out.request_id, "ann")
        org.call("decline", engagement_id=eid)
        with pytest.raises(ProviderUnavailable):
            org.call("propose", request_id=out.request_id, provider_id="ann")
        # Asking again with the same text leaves ann out; a different request does not.
        again = org.match(EXCEL)
        assert "ann" not in [r.external_id for r in again.results]
        with pytest.raises(NotOffered):
            org.call("propose", request_id=again.request_id, provider_id="ann")
        assert "ann" in org.ranked("excel pivot tables please")
        assert "ann" in org.ranked(EXCEL, requester="pia")


class TestParties:
    def test_provider_answers_the_offer(self, org) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        with pytest.raises(NotAParty):
            org.call("accept", engagement_id=eid, actor_id="req")
        engagement, _ = org.call("accept", engagement_id=eid, actor_id="ann")
        assert engagement.status == S.accepted

    def test_requester_or_provider_completes_and_only_the_requester_rates(self, org) -> None:  # type: ignore[no-untyped-def]
        eid = org.engagement(EXCEL, "ann")
        org.call("accept", engagement_id=eid, actor_id="ann")
        with pytest.raises(NotAParty):
            org.call("complete", engagement_id=eid, actor_id="pia")
        engagement, _ = org.call("complete", engagement_id=eid, actor_id="ann")
        assert engagement.closed_by == "provider"
        with pytest.raises(NotAParty):
            org.call("rate", engagement_id=eid, score=5, actor_id="ann")
        rated, _ = org.call("rate", engagement_id=eid, score=5, actor_id="req")
        assert rated.rating is not None and rated.rating.score == 5

    def test_only_the_requester_proposes(self, org) -> None:  # type: ignore[no-untyped-def]
        out = org.match(EXCEL)
        with pytest.raises(NotAParty):
            org.call("propose", request_id=out.request_id, provider_id="ann", actor_id="ann")
        org.call("propose", request_id=out.request_id, provider_id="ann", actor_id="req")


class TestRating:
    @pytest.mark.parametrize("status", [S.proposed, S.accepted, S.declined, S.cancelled, S.expired])
    def test_only_after_complete(self, org, in_state, status: S) -> None:  # type: ignore[no-untyped-def]
        eid = in_state(status)
        with pytest.raises(IllegalTransition):
            org.call("rate", engagement_id=eid, score=4)

    def test_once_identical_retry_is_harmless(self, org) -> None:  # type: ignore[no-untyped-def]
        eid = org.helped(EXCEL, "ann", None)
        rated, created = org.call("rate", engagement_id=eid, score=4, comment="thanks")
        again, created_again = org.call("rate", engagement_id=eid, score=4, comment="thanks")
        assert created and not created_again and again.rating.id == rated.rating.id
        with pytest.raises(AlreadyRated):
            org.call("rate", engagement_id=eid, score=5, comment="thanks")
        with pytest.raises(AlreadyRated):
            org.call("rate", engagement_id=eid, score=4, comment="changed my mind")

    @pytest.mark.parametrize("score", [0, 6, -1])
    def test_score_is_one_to_five(self, org, score: int) -> None:  # type: ignore[no-untyped-def]
        eid = org.helped(EXCEL, "ann", None)
        with pytest.raises(InvalidRating):
            org.call("rate", engagement_id=eid, score=score)

    def test_completed_and_rated_engagement_cannot_be_cancelled(self, org) -> None:  # type: ignore[no-untyped-def]
        eid = org.helped(EXCEL, "ann", 5)
        with pytest.raises(IllegalTransition):
            org.call("cancel", engagement_id=eid)
