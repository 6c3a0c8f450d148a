"""The pure feedback effects against hand-computed values, with cases placed right at each boundary."""

from __future__ import annotations

import math

import numpy as np
import pytest
from pydantic import ValidationError

from matcher.feedback.effects import (
    Competence,
    OwnNeighbourhoods,
    RequestLikeness,
    at_capacity,
    bayesian_average,
    beta_posterior_mean,
    competence_posterior,
    competence_prior,
    is_related,
    load_penalty,
    optimism,
    quality_score,
    rating_success,
    relevance_share,
    responsiveness_score,
    similarity_weights,
    unit_draw,
)
from matcher.feedback.weights import FeedbackWeights

W = FeedbackWeights()


def belief(prior: float, history: list[tuple[float, int]], strength: float = 2.0) -> Competence:
    return competence_posterior(prior, history, strength=strength)


class TestBayesianAverage:
    def test_hand_computed(self) -> None:
        # (4.0 * 5 + 5) / (5 + 1) and (4.0 * 5 + 20 * 4.6) / (5 + 20)
        assert bayesian_average(5, 1, prior_mean=4.0, prior_weight=5) == pytest.approx(25 / 6)
        assert bayesian_average(92, 20, prior_mean=4.0, prior_weight=5) == pytest.approx(4.48)
        assert bayesian_average(0, 0, prior_mean=3.7, prior_weight=5) == pytest.approx(3.7)

    def test_quality_is_neutral_unrated_and_negative_for_poor_ratings(self) -> None:
        assert quality_score(0, 0, org_mean=4.2, prior_weight=5, weight=0.04) == 0.0
        # (4.2 * 5 + 3 * 1) / 8 = 3.0 → 0.04 * (3.0 - 4.2)
        assert quality_score(3, 3, org_mean=4.2, prior_weight=5, weight=0.04) == pytest.approx(-0.048)


class TestResponsiveness:
    def test_hand_computed(self) -> None:
        assert beta_posterior_mean(3, 1, alpha=4, beta=1) == pytest.approx(7 / 9)
        kw = dict(alpha=4.0, beta=1.0, expiry_weight=1.0, weight=0.1)
        assert responsiveness_score(0, 0, 0, **kw) == 0.0
        one = responsiveness_score(0, 1, 0, **kw)
        assert one == pytest.approx(0.1 * (4 / 6 - 0.8))  # −0.0133
        habitual = responsiveness_score(1, 6, 3, **kw)
        assert habitual == pytest.approx(0.1 * (5 / 15 - 0.8))  # −0.0467
        assert habitual < 3 * one < 0

    def test_expiry_counts_as_weighted_decline(self) -> None:
        half = responsiveness_score(0, 0, 2, alpha=4, beta=1, expiry_weight=0.5, weight=1.0)
        assert half == pytest.approx(4 / 6 - 0.8)


class TestLoad:
    def test_capacity(self) -> None:
        assert at_capacity(3, 3) and at_capacity(0, 0) and not at_capacity(2, 3)

    @pytest.mark.parametrize(
        ("open_count", "capacity", "expected"),
        [(0, 3, 0.0), (1, 4, 0.0), (2, 4, -0.04 * (0.5 - 0.3) / 0.7), (3, 3, -0.04)],
    )
    def test_hand_computed(self, open_count: int, capacity: int, expected: float) -> None:
        assert load_penalty(open_count, capacity, start=0.3, weight=0.04) == pytest.approx(expected)


class TestRelatedness:
    """ "Clearly unrelated" is relative to the best relevance: below `share` × best."""

    @pytest.mark.parametrize("best", [0.95, 0.62, 0.31])
    def test_the_boundary_sits_exactly_at_share_times_best(self, best: float) -> None:
        edge = 0.4 * best
        assert is_related(edge, best, share=0.4)
        assert is_related(edge + 1e-9, best, share=0.4)
        assert not is_related(edge - 1e-9, best, share=0.4)

    def test_nothing_is_related_when_nothing_is_relevant(self) -> None:
        assert not is_related(0.0, 0.0, share=0.4)
        assert not is_related(-0.1, -0.05, share=0.4)
        assert not is_related(float("nan"), 0.9, share=0.4)

    def test_share(self) -> None:
        assert relevance_share(0.45, 0.9) == pytest.approx(0.5)
        assert relevance_share(0.9, 0.9) == 1.0 and relevance_share(0.5, 0.0) == 0.0


class TestCompetencePosterior:
    def test_rating_scale(self) -> None:
        assert [rating_success(s) for s in (1, 2, 3, 4, 5)] == [0.0, 0.25, 0.5, 0.75, 1.0]
        assert rating_success(4.0) == 0.75  # the organisation mean works as well

    def test_prior_from_relevance(self) -> None:
        assert competence_prior(1.0, top=0.75, slope=1.0, floor=0.02) == pytest.approx(0.75)
        assert competence_prior(0.5, top=0.75, slope=1.0, floor=0.02) == pytest.approx(0.25)
        assert competence_prior(0.1, top=0.75, slope=1.0, floor=0.02) == pytest.approx(0.02)

    @pytest.mark.parametrize(
        ("similarity", "weight"), [(0.4, 0.0), (0.400001, 0.0), (0.55, 0.5), (0.7, 1.0), (1.0, 1.0)]
    )
    def test_similarity_weight_around_the_floor(self, similarity: float, weight: float) -> None:
        assert similarity_weights(np.array([similarity]), floor=0.4, full=0.7)[0] == pytest.approx(weight, abs=1e-5)

    def test_hand_computed(self) -> None:
        # prior 0.75 × 2 pseudo-ratings; a 5 on an identical request, a 1 counting half.
        b = belief(0.75, [(1.0, 5), (0.5, 1)])
        assert (b.alpha, b.beta, b.weight) == pytest.approx((1.5 + 1.0, 0.5 + 0.5, 1.5))
        assert b.mean == pytest.approx(2.5 / 3.5)
        assert b.sd == pytest.approx(math.sqrt(2.5 * 1.0 / (3.5**2 * 4.5)))

    def test_ratings_on_unlike_requests_change_nothing(self) -> None:
        assert belief(0.3, [(0.0, 1), (0.0, 1), (0.0, 5)]) == belief(0.3, [])

    def test_one_five_does_not_outrank_twenty_four_point_sixes(self) -> None:
        one = belief(0.75, [(1.0, 5)])
        twenty = competence_posterior(0.75, [(1.0, 5)] * 12 + [(1.0, 4)] * 8, strength=2)
        assert twenty.mean > one.mean > 0.75

    def test_uncertainty_shrinks_with_engagements(self) -> None:
        sds = [belief(0.6, [(0.9, 4)] * n).sd for n in (0, 1, 3, 10, 40)]
        assert all(a > b for a, b in zip(sds[:-1], sds[1:], strict=True))


def unit(v: np.ndarray) -> np.ndarray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


class TestRequestLikeness:
    """Requests compared in the metric of the neighbourhood's statements, or by cosine."""

    DIM = 8
    FORM, SWEDISH = 5, 6  # directions the statements never vary in: a request's form, its language
    RAMPS = {"cosine": (0.4, 0.7), "local": (0.6, 0.85), "min_basis": 20}

    def e(self, *parts: tuple[int, float]) -> np.ndarray:
        v = np.zeros(self.DIM, dtype=np.float32)
        for axis, value in parts:
            v[axis] += value
        return unit(v)

    def basis(self, n: int) -> np.ndarray:
        """n statements about three skills (axes 0, 1, 2), with a little noise of their own."""
        rng = np.random.default_rng(0)
        rows = [self.e((i % 3, 1.0)) + rng.normal(0, 0.05, self.DIM).astype(np.float32) for i in range(n)]
        return np.stack([unit(r) for r in rows])

    def likeness(self, n: int) -> RequestLikeness:
        query = self.e((0, 1.0), (self.FORM, 1.0))  # "who could help me with skill 0?"
        return RequestLikeness(
            query, self.basis(n), cosine=self.RAMPS["cosine"], local=self.RAMPS["local"], min_basis=20
        )

    def test_local_sees_the_skill_not_the_form_or_the_language(self) -> None:
        like = self.likeness(30)
        same_skill_swedish = self.e((0, 1.0), (self.SWEDISH, 1.0), (self.FORM, 1.0))
        other_skill_same_form = self.e((1, 1.0), (self.FORM, 1.0))
        others = np.stack([same_skill_swedish, other_skill_same_form])
        # By plain cosine the form alone carries another skill's request over the cosine floor (0.5).
        assert others[1] @ like.query == pytest.approx(0.5, abs=1e-6)
        local = like.similarity(others)
        assert like.local and local[0] > 0.95 and local[1] < 0.0
        assert like.weights(others) == [1.0, 0.0]

    def test_a_small_neighbourhood_falls_back_to_cosine_and_its_ramp(self) -> None:
        like = self.likeness(19)  # one statement short of min_basis
        other_skill_same_form = self.e((1, 1.0), (self.FORM, 1.0))
        assert not like.local
        assert like.similarity(other_skill_same_form[None, :])[0] == pytest.approx(0.5, abs=1e-6)
        assert like.weights(other_skill_same_form[None, :]) == [pytest.approx((0.5 - 0.4) / 0.3)]

    @pytest.mark.parametrize(("target", "weight"), [(0.6 - 1e-4, 0.0), (0.6 + 1e-4, 0.0004), (0.85, 1.0)])
    def test_local_ramp_around_its_floor_and_top(self, target: float, weight: float) -> None:
        like = self.likeness(30)
        # A request whose local similarity is exactly `target`: mix the query's own direction in
        # the metric with one orthogonal to it there.
        q = like.query
        other = self.e((1, 1.0), (self.FORM, 1.0))
        lo, hi = 0.0, 1.0
        for _ in range(60):  # bisect the mixing share
            mid = (lo + hi) / 2
            v = unit(mid * q + (1 - mid) * other)
            lo, hi = (mid, hi) if like.similarity(v[None, :])[0] < target else (lo, mid)
        v = unit(hi * q + (1 - hi) * other)
        assert like.similarity(v[None, :])[0] == pytest.approx(target, abs=1e-6)
        assert like.weights(v[None, :])[0] == pytest.approx(weight, abs=1e-3)

    def test_the_nearest_statements_tell_neighbouring_skills_apart(self) -> None:
        # Two neighbouring skills of one domain (axes 0 and 1, both leaning on the domain, axis 7),
        # 10 statements each, among 60 statements of far skills (axes 2-4): Arabic and Somali
        # interpreting among everything else an organisation offers.
        rng = np.random.default_rng(1)

        def stmt(*parts: tuple[int, float]) -> np.ndarray:
            return unit(self.e(*parts) + rng.normal(0, 0.05, self.DIM).astype(np.float32))

        near = [stmt((0, 1.0), (7, 1.0)) for _ in range(10)] + [stmt((1, 1.0), (7, 1.0)) for _ in range(10)]
        far = [stmt((2 + i % 3, 1.0)) for i in range(60)]
        basis = np.stack(near + far)
        query = self.e((0, 0.3), (7, 1.0), (self.FORM, 1.0))  # mostly the domain, a little skill 0
        neighbour = self.e((1, 0.3), (7, 1.0), (self.FORM, 1.0))[None, :]  # the same, about skill 1
        same_skill = self.e((0, 0.3), (7, 1.0), (self.SWEDISH, 1.0))[None, :]

        def likeness(nearest: int | None) -> RequestLikeness:
            return RequestLikeness(
                query, basis, cosine=self.RAMPS["cosine"], local=self.RAMPS["local"], min_basis=20, nearest=nearest
            )

        # Over every statement, "the domain, not the far skills" is all the profiles show.
        assert likeness(None).weights(neighbour) == [1.0]
        # Among the 20 nearest, what varies is which of the two skills.
        assert likeness(20).similarity(neighbour)[0] < 0.0
        assert likeness(20).weights(neighbour) == [0.0]
        assert likeness(20).weights(same_skill) == [1.0]

    def test_a_past_request_is_also_compared_in_its_own_neighbourhood(self) -> None:
        # The new request is about skill 0 (axis 0); its 20 nearest statements are all about
        # skill 0, half of them also about reports (axis 3), so all its neighbourhood can see is
        # "reports or not". A past request about skill 1 with reports looks just like it there.
        # That request's own neighbourhood holds both skills and tells them apart.
        rng = np.random.default_rng(2)

        def stmt(*parts: tuple[int, float]) -> np.ndarray:
            return unit(self.e(*parts) + rng.normal(0, 0.03, self.DIM).astype(np.float32))

        def about(skill: int, n: int) -> list[np.ndarray]:
            return [stmt((skill, 1.0), (3, 0.8 * (i % 2)), (7, 0.5)) for i in range(n)]

        ours = np.stack(about(0, 20))
        theirs = np.stack(about(0, 10) + about(1, 10))
        query = self.e((0, 1.0), (3, 0.8), (7, 0.5), (self.FORM, 1.0))
        other_skill = self.e((1, 1.0), (3, 0.8), (7, 0.5), (self.FORM, 1.0))
        same_skill = self.e((0, 1.0), (3, 0.8), (7, 0.5), (self.SWEDISH, 1.0))
        past = np.stack([other_skill, same_skill])
        like = RequestLikeness(query, ours, cosine=self.RAMPS["cosine"], local=self.RAMPS["local"], min_basis=20)
        # Both past requests were ranked among `theirs`: rows 0-19 of the statements.
        own = OwnNeighbourhoods(np.concatenate([theirs, ours]), np.tile(np.arange(20), (2, 1)), past @ theirs.T)

        assert like.weights(past) == [1.0, 1.0]
        in_their_own = own.correlation(query, min_held=20)
        assert in_their_own[0] < -0.5 and in_their_own[1] > 0.9
        assert like.similarity(past, own) == pytest.approx((like.similarity(past) + in_their_own) / 2)
        assert like.weights(past, own) == [0.0, 1.0]

        # With fewer than `min_basis` of a request's own statements still held (edited or erased
        # since), its own neighbourhood says too little: this request's alone counts.
        thinned = own.rows.copy()
        thinned[0, 1:] = -1
        assert like.weights(past, OwnNeighbourhoods(own.statements, thinned, own.similarities)) == [1.0, 1.0]

    def test_own_neighbourhood_correlation_skips_statements_no_longer_held(self) -> None:
        rng = np.random.default_rng(3)
        statements = rng.normal(size=(12, self.DIM)).astype(np.float32)
        query, other = rng.normal(size=self.DIM).astype(np.float32), rng.normal(size=(1, self.DIM)).astype(np.float32)
        rows = np.array([[0, 3, -1, 5, 7, -1, 11, 2]])
        held = [0, 3, 5, 7, 11, 2]
        # Stored when the past request was ranked; a gone statement's entry is never read.
        similarities = np.where(rows >= 0, statements[rows] @ other[0], 99.0)
        expected = np.corrcoef(statements[held] @ query, statements[held] @ other[0])[0, 1]
        own = OwnNeighbourhoods(statements, rows, similarities)
        assert own.correlation(query, min_held=6)[0] == pytest.approx(expected, abs=1e-6)
        assert np.isnan(own.correlation(query, min_held=7)[0])

    def test_nothing_to_compare(self) -> None:
        like = self.likeness(30)
        assert like.weights(np.zeros((0, self.DIM), dtype=np.float32)) == []


class TestOptimism:
    def opt(self, b: Competence, policy: str = "thompson", draw: int = 0, eid: int = 1, seed: int = 0) -> float:
        return optimism(b, policy=policy, seed=seed, draw=draw, employee_id=eid, ucb_z=1.0)  # type: ignore[arg-type]

    def test_never_negative_and_bounded_by_the_scale(self) -> None:
        for prior in (0.02, 0.3, 0.75, 0.98):
            b = belief(prior, [(0.8, 3)])
            draws = [self.opt(b, draw=d) for d in range(300)]
            assert all(0.0 <= x <= 1.0 - b.mean for x in draws)
            assert any(x > 0 for x in draws)

    def test_many_engagements_explore_far_less_than_few(self) -> None:
        few, many = belief(0.75, [(0.9, 5)]), belief(0.75, [(0.9, 5)] * 30)
        mean_few = np.mean([self.opt(few, draw=d, eid=1) for d in range(2000)])
        mean_many = np.mean([self.opt(many, draw=d, eid=2) for d in range(2000)])
        assert mean_many < 0.3 * mean_few
        assert self.opt(many, "ucb") < 0.3 * self.opt(few, "ucb")

    def test_greedy_never_explores_and_ucb_is_one_sd(self) -> None:
        b = belief(0.4, [])
        assert self.opt(b, "greedy") == 0.0
        assert self.opt(b, "ucb") == pytest.approx(b.sd)

    def test_seeded_and_reproducible(self) -> None:
        b = belief(0.5, [])
        first = [self.opt(b, draw=d, eid=e) for d in range(5) for e in range(5)]
        assert first == [self.opt(b, draw=d, eid=e) for d in range(5) for e in range(5)]
        assert first != [self.opt(b, draw=d, eid=e, seed=1) for d in range(5) for e in range(5)]
        a = [unit_draw(1, d, e) for d in range(5) for e in range(5)]
        assert len(set(a)) == len(a) and all(0 <= x < 1 for x in a)


class TestWeights:
    def test_settings_refuse_a_similarity_ramp_that_ends_before_it_starts(self) -> None:
        with pytest.raises(ValidationError):
            FeedbackWeights(similar_request_floor=0.7, similar_request_full=0.7)
        with pytest.raises(ValidationError):
            FeedbackWeights(related_share=1.0)
