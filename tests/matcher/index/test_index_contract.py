"""One contract suite over both vector indexes; FAISS must agree with the exact reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import l2_normalise
from matcher.index import IdFilter, make_index

DIM = 16


def random_vectors(n: int, seed: int = 0) -> np.ndarray:
    return l2_normalise(np.random.default_rng(seed).normal(size=(n, DIM)))


@pytest.fixture(params=["faiss", "exact"])
def index(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    return make_index(request.param, DIM)


class TestAddSearch:
    def test_finds_itself_first(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(50)
        index.add(np.arange(100, 150), vecs)
        hits = index.search(vecs[7], 5)
        assert hits.ids[0] == 107
        assert hits.scores[0] == pytest.approx(1.0, abs=1e-5)
        assert list(hits.scores) == sorted(hits.scores, reverse=True)

    def test_k_larger_than_index(self, index) -> None:  # type: ignore[no-untyped-def]
        index.add(np.array([1, 2]), random_vectors(2))
        assert len(index.search(random_vectors(1, 9)[0], 10)) == 2

    def test_empty_index(self, index) -> None:  # type: ignore[no-untyped-def]
        assert len(index.search(random_vectors(1)[0], 3)) == 0

    def test_re_adding_an_id_replaces_it(self, index) -> None:  # type: ignore[no-untyped-def]
        a, b = random_vectors(2, 3)
        index.add(np.array([5]), a[None])
        index.add(np.array([5]), b[None])
        assert len(index) == 1
        assert index.search(b, 1).scores[0] == pytest.approx(1.0, abs=1e-5)


class TestRemove:
    def test_removed_ids_never_return(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(20)
        index.add(np.arange(20), vecs)
        assert index.remove(np.array([3, 4, 999])) == 2
        assert len(index) == 18
        hits = index.search(vecs[3], 20)
        assert 3 not in hits.ids and 4 not in hits.ids
        assert sorted(index.ids().tolist()) == [i for i in range(20) if i not in (3, 4)]


class TestFilters:
    def test_allow_returns_full_k_from_allowed(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(200)
        index.add(np.arange(200), vecs)
        allowed = frozenset(range(150, 200))
        hits = index.search(vecs[0], 10, IdFilter(allow=allowed))
        assert len(hits) == 10 and set(hits.ids.tolist()) <= allowed

    def test_deny_is_applied_inside_the_search(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(100)
        index.add(np.arange(100), vecs)
        plain = index.search(vecs[0], 10)
        denied = frozenset(plain.ids.tolist())
        hits = index.search(vecs[0], 10, IdFilter(deny=denied))
        assert len(hits) == 10 and not (set(hits.ids.tolist()) & denied)

    def test_allow_and_deny_together(self, index) -> None:  # type: ignore[no-untyped-def]
        index.add(np.arange(10), random_vectors(10))
        hits = index.search(random_vectors(1, 5)[0], 10, IdFilter(allow=frozenset({1, 2, 3}), deny=frozenset({2})))
        assert sorted(hits.ids.tolist()) == [1, 3]


class TestPersistence:
    def test_save_and_load_round_trip(self, index, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(30)
        index.add(np.arange(30) * 7, vecs)
        index.save(tmp_path)
        other = make_index("faiss" if type(index).__name__ == "FaissIndex" else "exact", DIM)
        other.load(tmp_path)
        assert len(other) == 30
        a, b = index.search(vecs[4], 5), other.search(vecs[4], 5)
        assert a.ids.tolist() == b.ids.tolist()


def test_faiss_agrees_with_exact_reference() -> None:
    vecs = random_vectors(2000, seed=1)
    queries = random_vectors(20, seed=2)
    ids = np.arange(2000) * 3 + 1
    faiss_index, exact = make_index("faiss", DIM), make_index("exact", DIM)
    for ix in (faiss_index, exact):
        ix.add(ids, vecs)
        ix.remove(ids[::10])
    flt = IdFilter(deny=frozenset(ids[1::7].tolist()))
    for q in queries:
        f, e = faiss_index.search(q, 25, flt), exact.search(q, 25, flt)
        # Scores must agree; ids may swap only where scores tie.
        np.testing.assert_allclose(f.scores, e.scores, atol=1e-5)
        assert set(f.ids.tolist()) == set(e.ids.tolist()) or np.isclose(f.scores[-1], f.scores[-2], atol=1e-6)
