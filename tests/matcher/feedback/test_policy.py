"""The explore/exploit policy on candidate lists: its guarantees under many seeded draws.

Pools are drawn at random but always include people placed exactly around the relatedness
boundary (share × best ± 1e-6) and people with many and with few ratings, so a broken rule
shows up as a failure rather than passing on cases that could not tell.
"""

from __future__ import annotations

import numpy as np
import pytest

from matcher.feedback.effects import found_elsewhere, sample, vagueness
from matcher.feedback.policy import ProviderView, Scored, order, place_discovery, score_candidates
from matcher.feedback.weights import FeedbackWeights

W = FeedbackWeights()
SHARE = W.related_share


def pool(rng: np.random.Generator, n: int = 12) -> list[ProviderView]:
    """Random candidates, two of them straddling the boundary, some well rated on similar requests."""
    rel = rng.uniform(0.05, 0.95, size=n)
    best = float(rel.max())
    edge = SHARE * best
    views = []
    for i, r in enumerate([*rel.tolist(), edge + 1e-6, edge - 1e-6]):
        good = int(rng.integers(0, 3)) == 0
        history = [(float(rng.uniform(0.5, 1.0)), int(rng.integers(4, 6))) for _ in range(int(rng.integers(0, 30)))]
        views.append(
            ProviderView(
                employee_id=i,
                relevance=float(r),
                history=history if good else [],
                open_now=int(rng.integers(0, 2)),
                capacity=2,
                accepts=len(history),
            )
        )
    return views


def scored(views: list[ProviderView], w: FeedbackWeights = W, draw: int = 0, k: int = 5) -> dict[int, Scored]:
    out = score_candidates(views, w, org_mean=4.0, draw=draw)
    place_discovery(out, k=k, w=w)
    return out


@pytest.fixture(params=["thompson", "thompson_full", "ucb"])
def policy(request: pytest.FixtureRequest) -> FeedbackWeights:
    return W.model_copy(update={"exploration_policy": request.param, "discovery_slot": 3})


class TestNeverLiftsTheUnrelated:
    # Exploration reaches down to the relatedness boundary here (exploration_share 0), so the
    # boundary itself is what is tested, with draws on both sides of it.
    def test_no_positive_component_below_the_boundary(self, policy: FeedbackWeights) -> None:
        policy = policy.model_copy(update={"exploration_share": 0.0})
        rng = np.random.default_rng(1)
        lifted_just_inside = 0
        for draw in range(300):
            views = pool(rng)
            best = max(v.relevance for v in views)
            out = scored(views, policy, draw)
            for v in views:
                s = out[v.employee_id]
                if v.relevance < SHARE * best:
                    assert not s.related
                    assert all(value <= 0 for value in s.components.values()), s.components
                    assert s.score <= v.relevance + 1e-12
                else:
                    assert s.related
            inside = out[len(views) - 2]  # edge + 1e-6: related, so it may explore
            lifted_just_inside += inside.components["exploration"] > 0
        assert lifted_just_inside > 30  # the rule is not simply "never explore"

    def test_an_unrelated_person_never_ranks_above_a_related_one_without_a_poor_record(
        self, policy: FeedbackWeights
    ) -> None:
        policy = policy.model_copy(update={"exploration_share": 0.0})
        rng = np.random.default_rng(2)
        for draw in range(300):
            # No load, no declines: nothing may push a related person down, only exploration lifts.
            views = [ProviderView(v.employee_id, v.relevance, v.history) for v in pool(rng)]
            ranked = order(scored(views, policy, draw))
            first_unrelated = next((i for i, s in enumerate(ranked) if not s.related), len(ranked))
            assert all(not s.related for s in ranked[first_unrelated:]), [(s.related, s.score) for s in ranked]


class TestExploration:
    def test_a_related_but_vague_candidate_gets_a_real_chance_the_unrelated_none(self) -> None:
        # A proven poor over-claimer on top, a vague colleague at 0.6 of the relevance, an unrelated one.
        over = ProviderView(1, 0.95, history=[(1.0, 1), (1.0, 2), (1.0, 1)])
        vague = ProviderView(2, 0.57)
        unrelated = ProviderView(3, SHARE * 0.95 - 1e-6)  # just below the boundary
        wins = vague_explored = 0
        for draw in range(1000):
            out = scored([over, vague, unrelated], draw=draw)
            assert out[3].components["exploration"] == 0.0
            vague_explored += out[2].components["exploration"] > 0
            wins += order(out)[0].employee_id == 2
        assert vague_explored > 300
        assert wins > 20  # not a near-tie nudge: 0.6 of the relevance can still come first

    def test_people_with_many_ratings_explore_less_than_people_with_few(self) -> None:
        many = ProviderView(1, 0.9, history=[(1.0, 5)] * 40)
        few = ProviderView(2, 0.9, history=[(1.0, 5)])
        out = [scored([many, few], draw=d) for d in range(500)]
        spread_many = np.mean([o[1].components["exploration"] for o in out])
        spread_few = np.mean([o[2].components["exploration"] for o in out])
        assert spread_many < 0.3 * spread_few

    def test_aimed_a_poor_rating_on_another_topic_costs_nothing_here(self) -> None:
        tried_elsewhere = ProviderView(1, 0.5, history=[(0.0, 1), (0.0, 1)])
        untried = ProviderView(1, 0.5)
        a = scored([tried_elsewhere, ProviderView(9, 0.9)])[1]
        b = scored([untried, ProviderView(9, 0.9)])[1]
        assert a.components == b.components

    def test_good_ratings_on_similar_requests_lift_and_poor_ones_sink(self) -> None:
        base = [ProviderView(9, 0.9)]
        good = scored([ProviderView(1, 0.5, history=[(1.0, 5)] * 3), *base])[1]
        poor = scored([ProviderView(1, 0.9, history=[(1.0, 1)] * 3), *base])[1]
        assert good.components["competence"] > 0.1 and poor.components["competence"] < -0.1

    def test_seeded(self) -> None:
        thompson = W.model_copy(update={"exploration_policy": "thompson"})
        views = pool(np.random.default_rng(3))
        first = [s.components for s in scored(views, thompson, draw=4).values()]
        assert first == [s.components for s in scored(views, thompson, draw=4).values()]
        other = thompson.model_copy(update={"exploration_seed": 1})
        assert first != [s.components for s in scored(views, other, draw=4).values()]

    def test_ucb_the_default_is_the_same_whatever_the_seed_or_draw(self) -> None:
        views = pool(np.random.default_rng(3))
        first = [s.components for s in scored(views, draw=4).values()]
        assert W.exploration_policy == "ucb" and any(c["exploration"] > 0 for c in first)
        for draw, seed in ((4, 1), (5, 0), (99, 7)):
            other = W.model_copy(update={"exploration_seed": seed})
            assert first == [s.components for s in scored(views, other, draw=draw).values()]

    def test_greedy_is_deterministic_and_never_explores(self) -> None:
        greedy = W.model_copy(update={"exploration_policy": "greedy"})
        views = pool(np.random.default_rng(4))
        assert all(s.components["exploration"] == 0 for s in scored(views, greedy).values())


class TestExplorationShare:
    """Only the plausible (at least `exploration_share` × the best relevance) get exploration draws."""

    EDGE = W.exploration_share * 0.9  # the best candidate below has relevance 0.9

    def views(self, history: list[tuple[float, int]]) -> list[ProviderView]:
        # Someone rated on similar requests, so exploration is at full strength (onset).
        return [
            ProviderView(1, 0.9, history=[(1.0, 5)] * 3),
            ProviderView(2, self.EDGE + 1e-6, history=history),
            ProviderView(3, self.EDGE - 1e-6, history=history),
        ]

    @pytest.mark.parametrize("history", [[], [(1.0, 4)], [(1.0, 5)] * 30], ids=["none", "few", "many"])
    def test_just_above_the_share_explores_just_below_never(self, history: list[tuple[float, int]]) -> None:
        above = 0
        for draw in range(300):
            out = scored(self.views(history), draw=draw)
            assert out[3].related and out[3].components["exploration"] == 0.0
            above += out[2].components["exploration"] > 0
        assert above > 30  # a real chance, not a rule that never fires

    def test_below_the_share_ratings_on_similar_requests_still_lift(self) -> None:
        out = scored(self.views([(1.0, 5)] * 5))
        assert out[3].components["exploration"] == 0.0 and out[3].components["competence"] > 0.05

    def test_never_below_the_relatedness_boundary(self) -> None:
        wide = W.model_copy(update={"exploration_share": 0.05})
        faint = ProviderView(2, W.related_share * 0.9 - 1e-6)
        for draw in range(300):
            out = scored([ProviderView(1, 0.9, history=[(1.0, 5)] * 3), faint], wide, draw=draw)
            assert all(value <= 0 for value in out[2].components.values())

    def test_a_plausible_newcomer_beats_the_crowd_of_faint_colleagues_more_often(self) -> None:
        # A proven expert, a newcomer with a plain line at 0.6 of the best and 40 colleagues at
        # 0.2–0.39: with draws for all of them, the crowd's highest draw pushes the newcomer down.
        expert = ProviderView(1, 0.9, history=[(1.0, 5)] * 3)
        newcomer = ProviderView(2, 0.54)
        crowd = [ProviderView(10 + i, 0.9 * (0.2 + 0.19 * i / 39)) for i in range(40)]

        def newcomer_in_top3(w: FeedbackWeights) -> int:
            return sum(
                2 in [s.employee_id for s in order(scored([expert, newcomer, *crowd], w, d))[:3]] for d in range(300)
            )

        thompson = W.model_copy(update={"exploration_policy": "thompson"})  # the draws are what the share tames
        assert (
            newcomer_in_top3(thompson) > newcomer_in_top3(thompson.model_copy(update={"exploration_share": 0.0})) + 30
        )


class TestThompsonFull:
    """`thompson_full`: candidates compete on the drawn competence θ, which may fall below the mean."""

    # At the competence weight it was measured with (0.75), where clipped optimism cannot close the gap.
    FULL = W.model_copy(update={"exploration_policy": "thompson_full", "discovery_slot": 0, "competence_weight": 0.75})

    def test_a_near_tie_is_decided_by_the_draw_both_ways(self) -> None:
        # The same record, relevance 1e-6 apart: the draw alone decides, also when both fall
        # below their mean (where the clipped draw would leave the relevance order).
        record = [(1.0, 4), (1.0, 3)]
        views = [ProviderView(1, 0.8, history=record), ProviderView(2, 0.8 - 1e-6, history=record)]
        second_first = 0
        for draw in range(400):
            out = score_candidates(views, self.FULL, org_mean=4.0, draw=draw)
            theta = {e: sample(s.belief, seed=0, draw=draw, employee_id=e) for e, s in out.items()}
            assert order(out)[0].employee_id == max(theta, key=lambda e: theta[e])
            second_first += order(out)[0].employee_id == 2
        assert 120 < second_first < 280

    def test_a_promising_newcomer_can_overtake_a_proven_expert(self) -> None:
        expert = ProviderView(1, 0.9, history=[(1.0, 5)] * 3)
        newcomer = ProviderView(2, 0.55)  # no ratings: only the prior's spread speaks for them
        clipped = self.FULL.model_copy(update={"exploration_policy": "thompson"})
        wins = {"thompson": 0, "thompson_full": 0}
        for draw in range(2000):
            for w in (clipped, self.FULL):
                out = score_candidates([expert, newcomer], w, org_mean=4.0, draw=draw)
                wins[w.exploration_policy] += order(out)[0].employee_id == 2
        assert wins["thompson"] == 0  # clipped optimism cannot close the gap
        assert wins["thompson_full"] >= 10

    def test_same_seed_same_order(self) -> None:
        views = pool(np.random.default_rng(6))
        first = [s.employee_id for s in order(scored(views, self.FULL, draw=7))]
        assert first == [s.employee_id for s in order(scored(views, self.FULL, draw=7))]
        other = self.FULL.model_copy(update={"exploration_seed": 1})
        assert first != [s.employee_id for s in order(scored(views, other, draw=7))]


class TestExplorationOnset:
    """Exploration needs something learned to explore against; before that, relevance rules."""

    @pytest.mark.parametrize(
        "history",
        [[], [(0.0, 5), (0.0, 1)]],  # never rated / rated only on unlike requests
        ids=["unrated", "rated-elsewhere"],
    )
    def test_nothing_learned_means_the_relevance_order(self, policy: FeedbackWeights, history: list) -> None:
        rng = np.random.default_rng(5)
        for draw in range(200):
            views = [ProviderView(i, float(r), history=history) for i, r in enumerate(rng.uniform(0.3, 0.9, 8))]
            out = scored(views, policy, draw, k=10)  # k above the pool: no discovery slot either
            assert all(s.components["exploration"] == 0 for s in out.values())
            assert [s.employee_id for s in order(out)] == sorted(out, key=lambda e: -views[e].relevance)

    def test_exploration_grows_with_the_similar_ratings_among_the_candidates(self) -> None:
        ratio = []
        for draw in range(200):
            vague = ProviderView(2, 0.6)
            a = scored([ProviderView(1, 0.9, history=[(1.0, 5)]), vague], draw=draw)[2]
            b = scored([ProviderView(1, 0.9, history=[(0.25, 5)]), vague], draw=draw)[2]  # counts a quarter
            if a.components["exploration"] > 1e-3:
                ratio.append(b.components["exploration"] / a.components["exploration"])
        assert len(ratio) > 50
        assert np.allclose(ratio, 0.25, atol=2e-3)  # components are rounded to 6 decimals


class TestFoundElsewhere:
    """Chances go first to people not yet found: exploration ÷ (1 + weight × vagueness × success elsewhere)."""

    ANCHOR = ProviderView(9, 0.9, history=[(1.0, 5)])  # the best relevance; something learned, so exploration is on

    def explore(self, view: ProviderView, w: FeedbackWeights = W) -> float:
        return scored([self.ANCHOR, view], w)[view.employee_id].components["exploration"]

    @pytest.mark.parametrize("relevance", [0.4, 0.6, 0.8])
    def test_success_elsewhere_divides_the_chance_exactly_by_how_vague_the_line_is(self, relevance: float) -> None:
        unfound = self.explore(ProviderView(1, relevance))
        found = self.explore(ProviderView(1, relevance, history=[(0.0, 5), (0.0, 5)]))  # two 5s on unlike requests
        vague = min(1.0, (1 - relevance / 0.9) / (1 - W.exploration_share))
        assert unfound > 0.02
        assert found == pytest.approx(unfound / (1 + 2 * W.found_elsewhere_weight * vague), abs=2e-6)
        assert found < unfound

    def test_a_line_as_close_as_the_best_is_not_explained_by_success_elsewhere(self) -> None:
        rival = ProviderView(1, 0.9)  # the same relevance as the anchor's: a claim about this skill
        found = ProviderView(1, 0.9, history=[(0.0, 5)] * 3)
        assert self.explore(found) == self.explore(rival) > 0

    @pytest.mark.parametrize(
        ("share", "expected"), [(1.0, 0.0), (0.7, 0.5), (0.4, 1.0), (0.3, 1.0), (1.2, 0.0)], ids=str
    )
    def test_vagueness_runs_from_the_best_to_the_plausible_share(self, share: float, expected: float) -> None:
        assert vagueness(share, plausible=0.4) == pytest.approx(expected)

    @pytest.mark.parametrize(
        ("history", "elsewhere"),
        [([], 0.0), ([(1.0, 5)], 0.0), ([(0.0, 1), (0.3, 1)], 0.0), ([(0.5, 5)], 0.5), ([(0.0, 3), (0.75, 5)], 0.75)],
        ids=["unrated", "similar", "poor-elsewhere", "half-similar", "mixed"],
    )
    def test_only_success_on_unlike_requests_counts(self, history: list[tuple[float, int]], elsewhere: float) -> None:
        assert found_elsewhere(history) == pytest.approx(elsewhere)

    def test_a_near_tie_goes_to_the_colleague_nobody_has_tried(self) -> None:
        off = W.model_copy(update={"found_elsewhere_weight": 0.0})
        found = ProviderView(1, 0.75, history=[(0.0, 5), (0.0, 4)])
        # The gap the rule must close: the found person's exploration lost to their success elsewhere.
        gap = self.explore(found, off) - self.explore(found)
        assert gap > 0.05
        for margin, unfound_first in ((0.8, True), (1.2, False)):
            unfound = ProviderView(2, 0.75 - margin * gap)
            assert unfound.relevance >= W.exploration_share * 0.9  # plausible: it gets its own draw
            on_order = [s.employee_id for s in order(scored([self.ANCHOR, found, unfound]))]
            off_order = [s.employee_id for s in order(scored([self.ANCHOR, found, unfound], off))]
            assert off_order.index(1) < off_order.index(2)  # without the rule the relevance decides
            assert (on_order.index(2) < on_order.index(1)) == unfound_first

    def test_relevance_and_ratings_on_like_requests_still_count_in_full(self) -> None:
        # A 5 on an unlike request takes nothing from competence: only the optimism shrinks.
        rated = ProviderView(1, 0.6, history=[(1.0, 5), (0.0, 5)])
        alone = ProviderView(1, 0.6, history=[(1.0, 5)])
        a, b = scored([self.ANCHOR, rated])[1], scored([self.ANCHOR, alone])[1]
        assert a.components["competence"] == b.components["competence"] > 0
        assert 0 < a.components["exploration"] < b.components["exploration"]


class TestDiscoverySlot:
    # Without the plausibility share, so the related-share boundary itself is what is tested here
    # (the share has its own test below).
    # The positions below (AT) are worked out for competence_weight 0.75; the slot's rules do not
    # depend on it.
    W3 = W.model_copy(update={"discovery_slot": 3, "discovery_share": 0.0, "competence_weight": 0.75})

    @staticmethod
    def proven(eid: int, rel: float) -> ProviderView:
        return ProviderView(eid, rel, history=[(1.0, 5)] * 5)

    def test_places_the_best_unproven_related_person_exactly_at_the_slot(self) -> None:
        views = [self.proven(i, 0.9 - 0.01 * i) for i in range(6)]
        views += [ProviderView(10, 0.5), ProviderView(11, SHARE * 0.9 - 1e-6)]
        greedy = self.W3.model_copy(update={"exploration_policy": "greedy"})
        out = score_candidates(views, greedy, org_mean=4.0, draw=0)
        assert place_discovery(out, k=5, w=greedy) == 10
        ranked = [s.employee_id for s in order(out)]
        assert ranked.index(10) == 2  # the third position
        assert out[10].components["discovery"] > 0
        assert out[11].components["discovery"] == 0.0  # just below share × best: never in the slot

    def test_nothing_changes_when_an_unproven_person_is_already_shown(self) -> None:
        views = [ProviderView(i, 0.9 - 0.01 * i) for i in range(8)]  # a fresh organisation
        out = score_candidates(views, self.W3, org_mean=4.0, draw=0)
        before = [s.employee_id for s in order(out)]
        assert place_discovery(out, k=5, w=self.W3) is None
        assert [s.employee_id for s in order(out)] == before

    # Six proven people (0.80 down to 0.70, lifted by their ratings) and one unproven person, 11,
    # whose relevance places them at a given position of the five shown.
    AT = {2: 0.97, 3: 0.95, 4: 0.92}

    def with_unproven_at(self, position: int) -> dict[int, Scored]:
        greedy = self.W3.model_copy(update={"exploration_policy": "greedy"})
        views = [self.proven(i, 0.8 - 0.02 * i) for i in range(6)] + [ProviderView(11, self.AT[position])]
        out = score_candidates(views, greedy, org_mean=4.0, draw=0)
        assert [s.employee_id for s in order(out)].index(11) == position
        return out

    @pytest.mark.parametrize("position", [3, 4])
    def test_an_unproven_person_shown_below_the_slot_is_lifted_into_it(self, position: int) -> None:
        # Requesters choose by position: someone unproven at the bottom of the list is rarely asked,
        # so only the positions down to the slot count as "already shown".
        out = self.with_unproven_at(position)
        assert place_discovery(out, k=5, w=self.W3) == 11
        assert [s.employee_id for s in order(out)].index(11) == 2
        assert out[11].components["discovery"] > 0

    def test_an_unproven_person_at_the_slot_leaves_the_list_alone(self) -> None:
        out = self.with_unproven_at(2)
        before = [s.employee_id for s in order(out)]
        assert place_discovery(out, k=5, w=self.W3) is None
        assert [s.employee_id for s in order(out)] == before

    @pytest.mark.parametrize(("slot", "k"), [(0, 5), (3, 2)])
    def test_off_or_k_below_the_slot(self, slot: int, k: int) -> None:
        w = W.model_copy(update={"discovery_slot": slot})
        views = [self.proven(i, 0.9) for i in range(6)] + [ProviderView(10, 0.5)]
        out = score_candidates(views, w, org_mean=4.0, draw=0)
        assert place_discovery(out, k=k, w=w) is None
        assert out[10].components["discovery"] == 0.0

    def test_only_the_clearly_unrelated_left_means_no_slot(self) -> None:
        views = [self.proven(i, 0.9) for i in range(6)] + [ProviderView(10, SHARE * 0.9 - 1e-6)]
        out = score_candidates(views, self.W3, org_mean=4.0, draw=0)
        assert place_discovery(out, k=5, w=self.W3) is None

    @pytest.mark.parametrize("share", [0.3, 0.4, 0.5])
    def test_the_slot_takes_only_the_plausible_exactly_from_discovery_share(self, share: float) -> None:
        w = self.W3.model_copy(update={"discovery_share": share})
        views = [self.proven(i, 0.9) for i in range(6)]
        # Just below the share (but related) scores higher than just above it (11 declined an
        # offer once), so a rule that ignored the share would pick 10.
        views += [ProviderView(10, share * 0.9 - 1e-6), ProviderView(11, share * 0.9 + 1e-6, declines=1)]
        greedy = w.model_copy(update={"exploration_policy": "greedy"})
        out = score_candidates(views, greedy, org_mean=4.0, draw=0)
        assert out[10].related and out[10].score > out[11].score
        assert place_discovery(out, k=5, w=greedy) == 11
        assert out[10].components["discovery"] == 0.0
        out = score_candidates(views[:-1], greedy, org_mean=4.0, draw=0)
        assert place_discovery(out, k=5, w=greedy) is None  # nobody plausible left: no slot

    def test_just_inside_the_boundary_is_eligible(self) -> None:
        views = [self.proven(i, 0.9) for i in range(6)] + [ProviderView(10, SHARE * 0.9 + 1e-6)]
        out = score_candidates(views, self.W3, org_mean=4.0, draw=0)
        assert place_discovery(out, k=5, w=self.W3) == 10


class TestFairExposure:
    """The `exposure` component: the most shown related candidate yields near-ties to colleagues shown less."""

    W = W.model_copy(update={"exploration_policy": "greedy", "discovery_slot": 0})
    # Someone rated on a request like this one, so outcomes tell something here (exploration onset 1).
    RATED = ProviderView(9, 0.30, history=[(1.0, 4)])

    def test_in_proportion_to_the_most_shown_related_candidate(self) -> None:
        best = ProviderView(1, 0.80, exposure=6.0)
        half = ProviderView(2, 0.70, exposure=3.0)
        unseen = ProviderView(3, 0.60)
        unrelated = ProviderView(4, 0.10, exposure=60.0)  # shown a lot elsewhere: sets no scale here
        out = scored([best, half, unseen, unrelated, self.RATED], self.W)
        w = self.W.exposure_weight
        assert out[1].components["exposure"] == pytest.approx(-w)
        assert out[2].components["exposure"] == pytest.approx(-w / 2)
        assert out[3].components["exposure"] == 0.0 and out[4].components["exposure"] == 0.0

    @pytest.mark.parametrize(("gap", "overtaken"), [(0.25 - 1e-6, True), (0.25 + 1e-6, False)])
    def test_reorders_exactly_the_ties_within_its_weight(self, gap: float, overtaken: bool) -> None:
        w = self.W.model_copy(update={"exposure_weight": 0.25})
        shown = ProviderView(1, 0.80, exposure=4.0)
        other = ProviderView(2, 0.80 - gap)
        ranked = [s.employee_id for s in order(scored([shown, other, self.RATED], w)) if s.employee_id != 9]
        assert ranked == ([2, 1] if overtaken else [1, 2])

    def test_off_where_nothing_like_the_request_was_rated_and_at_weight_zero(self) -> None:
        views = [ProviderView(1, 0.80, exposure=4.0), ProviderView(2, 0.70)]
        assert scored(views, self.W)[1].components["exposure"] == 0.0  # fresh: relevance alone
        off = self.W.model_copy(update={"exposure_weight": 0.0})
        assert scored([*views, self.RATED], off)[1].components["exposure"] == 0.0
        assert scored([*views, self.RATED], self.W)[1].components["exposure"] < 0

    def test_never_sinks_a_related_candidate_below_the_relatedness_boundary(self) -> None:
        rng = np.random.default_rng(5)
        w = self.W.model_copy(update={"exposure_weight": 2.0})  # far larger than any gap
        for _ in range(200):
            views = [
                ProviderView(i, float(r), exposure=float(rng.uniform(0, 10)), history=[(1.0, 4)] if i == 0 else [])
                for i, r in enumerate(rng.uniform(0.05, 0.95, size=10))
            ]
            best = max(v.relevance for v in views)
            out = scored(views, w)
            for s in out.values():
                if s.related:
                    assert s.score >= SHARE * best - 1e-9
                else:
                    assert s.components["exposure"] == 0.0
