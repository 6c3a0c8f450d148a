"""Request likeness learnt from outcomes: what varies among requests one person helped well with is shrunk."""

from __future__ import annotations

import numpy as np
import pytest

from matcher.feedback.effects import RequestLikeness
from matcher.feedback.nuisance import nuisance_transform

DIM = 10
ARABIC, SOMALI = 0, 1  # two neighbouring skills of one domain
LANGUAGES = 7  # the domain both lean on
FORM, SWEDISH, TRANSLATE = 5, 6, 8  # how a request is asked: its form, its language, "translate" or "interpret"
RAMPS = {"cosine": (0.4, 0.7), "local": (0.6, 0.85)}


def e(*parts: tuple[int, float]) -> np.ndarray:
    v = np.zeros(DIM, dtype=np.float32)
    for axis, value in parts:
        v[axis] += value
    return np.asarray(v / np.linalg.norm(v), dtype=np.float32)


def request(skill: int, *ways: int) -> np.ndarray:
    """A request about `skill`, mostly its domain, asked in the `ways` given."""
    return e((skill, 0.5), (LANGUAGES, 1.0), *((w, 1.0) for w in ways))


def helped_well() -> tuple[np.ndarray, np.ndarray]:
    """Two interpreters, each rated well on their own language asked in four ways."""
    ways: list[tuple[int, ...]] = [(FORM,), (FORM, SWEDISH), (TRANSLATE,), (SWEDISH, TRANSLATE)]
    vectors = [request(skill, *w) for skill in (ARABIC, SOMALI) for w in ways]
    return np.stack(vectors), np.repeat([1, 2], len(ways))


def test_what_varies_within_a_providers_help_is_shrunk_and_the_rest_is_kept() -> None:
    vectors, providers = helped_well()
    t = nuisance_transform(vectors, providers, shrink=1.0)
    assert t is not None
    assert np.allclose(t, t.T, atol=1e-6)
    length = {axis: float(np.linalg.norm(t @ e((axis, 1.0)))) for axis in range(DIM)}
    # Nobody's help varied in a far skill's direction, and barely between the two languages'
    # requests (only as far as normalising a request's vector moves its share of the skill).
    assert length[2] == pytest.approx(1.0, abs=1e-5)
    assert float(np.linalg.norm(t @ e((ARABIC, 1.0), (SOMALI, -1.0)))) > 0.98
    # Each interpreter's help varied in language and form: those shrink to about half.
    form = float(np.linalg.norm(t @ e((FORM, 1.0), (TRANSLATE, -1.0))))  # "interpret" or "translate"
    assert length[SWEDISH] < 0.6 and form < 0.6
    # Less shrink, less shrinking.
    softer = nuisance_transform(vectors, providers, shrink=4.0)
    assert softer is not None and length[SWEDISH] < float(np.linalg.norm(softer @ e((SWEDISH, 1.0)))) < 1.0


def test_nothing_is_learnt_from_single_requests_or_when_off() -> None:
    vectors, providers = helped_well()
    assert nuisance_transform(vectors, providers, shrink=0.0) is None
    assert nuisance_transform(vectors[[0, 4]], np.array([1, 2]), shrink=1.0) is None  # one each
    # The same request helped with twice (a recurring one) shows no spread: nothing to shrink by.
    assert nuisance_transform(vectors[[0, 0, 4, 4]], np.array([1, 1, 2, 2]), shrink=1.0) is None
    # A third provider with one request far away changes nothing: it says nothing about what varies.
    lone = np.vstack([vectors, e((2, 1.0), (SWEDISH, 1.0))])
    with_lone = nuisance_transform(lone, np.append(providers, 3), shrink=1.0)
    without = nuisance_transform(vectors, providers, shrink=1.0)
    assert with_lone is not None and without is not None
    assert np.allclose(with_lone, without, atol=1e-6)


def test_a_request_in_another_language_counts_and_the_neighbouring_skill_still_does_not() -> None:
    # The neighbourhood's statements are in Finnish and Swedish, so in their metric a Swedish
    # request differs from a Finnish one about the same skill.
    rng = np.random.default_rng(3)
    statements = [
        e((skill, 1.0), (LANGUAGES, 1.0), (SWEDISH, 1.0 * (i % 2))) + rng.normal(0, 0.03, DIM).astype(np.float32)
        for skill in (ARABIC, SOMALI)
        for i in range(10)
    ]
    basis = np.stack([s / np.linalg.norm(s) for s in statements])
    query = request(ARABIC, FORM)  # "asiakas puhuu vain arabiaa, kuka voisi tulkata?"
    past = np.stack([request(ARABIC, SWEDISH, TRANSLATE), request(SOMALI, FORM)])
    vectors, providers = helped_well()

    def likeness(transform: np.ndarray | None) -> RequestLikeness:
        return RequestLikeness(query, basis, **RAMPS, min_basis=20, transform=transform)

    plain, learnt = likeness(None), likeness(nuisance_transform(vectors, providers, shrink=1.0))
    assert plain.local and learnt.local
    assert plain.weights(past)[0] < 0.5
    assert learnt.weights(past) == [1.0, 0.0]
    assert learnt.similarity(past)[1] < plain.similarity(past)[1]
    # The nearest statements are chosen, and stored, by plain similarity either way.
    assert np.array_equal(plain.neighbourhood, learnt.neighbourhood)
    assert np.allclose(plain.neighbourhood_similarity, learnt.neighbourhood_similarity)
    # A request compared with itself is fully alike in the learnt metric too.
    assert learnt.similarity(query[None, :])[0] == pytest.approx(1.0, abs=1e-5)


def test_what_told_a_persons_good_help_from_their_poor_help_is_lengthened() -> None:
    # The Arabic interpreter was also rated 1 on a Somali request of a form they were rated well on.
    vectors, providers = helped_well()
    poor, poor_providers = request(SOMALI, FORM)[None, :], np.array([1])
    shrunk = nuisance_transform(vectors, providers, shrink=1.0)
    t = nuisance_transform(vectors, providers, shrink=1.0, poor=poor, poor_providers=poor_providers, contrast=3.0)
    assert shrunk is not None and t is not None
    assert np.allclose(t, t.T, atol=1e-6)

    def length(m: np.ndarray, v: np.ndarray) -> float:
        return float(np.linalg.norm(m @ v))

    # Which language it was is what told good help from poor: that direction about doubles
    # (at most √(1 + 3) = 2), and a far skill's direction, which did not differ, keeps its length.
    languages = e((ARABIC, 1.0), (SOMALI, -1.0))
    assert 1.6 * length(shrunk, languages) < length(t, languages) <= 2.0 * length(shrunk, languages) + 1e-5
    assert length(t, e((2, 1.0))) == pytest.approx(length(shrunk, e((2, 1.0))), abs=1e-4)
    # A neighbouring skill's request of the same form is then less alike an Arabic one.
    cos = {
        name: float((m @ request(ARABIC, FORM)) @ (m @ request(SOMALI, FORM)))
        / (length(m, request(ARABIC, FORM)) * length(m, request(SOMALI, FORM)))
        for name, m in (("shrunk", shrunk), ("contrast", t))
    }
    assert cos["contrast"] < cos["shrunk"] - 0.05
    # Nothing to contrast: poor help by someone never rated well, or contrast 0.
    for kwargs in (
        {"poor_providers": np.array([9]), "contrast": 3.0},
        {"poor_providers": poor_providers, "contrast": 0.0},
    ):
        same = nuisance_transform(vectors, providers, shrink=1.0, poor=poor, **kwargs)  # type: ignore[arg-type]
        assert same is not None and np.allclose(same, shrunk, atol=1e-6)
