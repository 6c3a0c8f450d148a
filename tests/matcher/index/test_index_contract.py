"""One contract suite over every vector index; FAISS must agree with the exact reference, and the
approximate IVF index must find the same people on vectors with structure."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from embeddings.encoder import l2_normalise
from matcher.index import IdFilter, VectorIndex, make_index
from matcher.index.ivf_index import IvfIndex

DIM = 16


def random_vectors(n: int, seed: int = 0) -> np.ndarray:
    return l2_normalise(np.random.default_rng(seed).normal(size=(n, DIM)))


def new_index(name: str) -> VectorIndex:
    """A backend by name; "ivf-lists" is the IVF index with trained lists even on test-sized data,
    "ivf-flat" the IVF index keeping float32 vectors (the default keeps float16)."""
    if name == "ivf-lists":
        return IvfIndex(DIM, nprobe=2, min_train=64)
    if name == "ivf-flat":
        return IvfIndex(DIM, storage="flat")
    return make_index(name, DIM)


# Float16 storage rounds each component to 11 bits: scores move by ~1e-4, never by 1e-3.
SCORE_TOLERANCE = {"ivf": 1e-3, "ivf-lists": 1e-3}


@pytest.fixture(params=["faiss", "exact", "ivf", "ivf-lists", "ivf-flat"])
def index(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    index = new_index(request.param)
    index.backend_name = request.param
    index.tolerance = SCORE_TOLERANCE.get(request.param, 1e-5)
    return index


class TestAddSearch:
    def test_finds_itself_first(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(50)
        index.add(np.arange(100, 150), vecs)
        hits = index.search(vecs[7], 5)
        assert hits.ids[0] == 107
        assert hits.scores[0] == pytest.approx(1.0, abs=index.tolerance)
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
        assert index.search(b, 1).scores[0] == pytest.approx(1.0, abs=index.tolerance)


class TestStoredVectors:
    def test_held_ids_give_back_their_vectors_in_order(self, index) -> None:  # type: ignore[no-untyped-def]
        vecs = random_vectors(30, 4)
        index.add(np.arange(200, 230), vecs)
        index.remove(np.array([205]))
        index.add(np.array([210]), vecs[:1])  # replaced: its vector is now row 0's
        asked = np.array([229, 205, 3, 210, 200, 229])
        held, rows = index.vectors(asked)
        assert held.tolist() == [True, False, False, True, True, True]
        np.testing.assert_allclose(rows, vecs[[29, 0, 0, 29]], atol=index.tolerance)

    def test_nothing_held(self, index) -> None:  # type: ignore[no-untyped-def]
        held, rows = index.vectors(np.array([1, 2]))
        assert not held.any() and rows.shape == (0, DIM)


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
        other = new_index(index.backend_name)
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


def structured_people(people: int, per: int, dim: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Statement vectors with structure: each a perturbed copy of one of a few hundred topic vectors
    (topics themselves near each other in families), so most vectors have close neighbours."""
    rng = np.random.default_rng(seed)
    families = l2_normalise(rng.normal(size=(40, dim)))
    topics = l2_normalise(families[rng.integers(0, 40, 600)] + rng.normal(0, 0.6 / np.sqrt(dim), (600, dim)))
    which = rng.integers(0, len(topics), people * per)
    vecs = l2_normalise(topics[which] + rng.normal(0, 0.35 / np.sqrt(dim), (people * per, dim)))
    owner = np.repeat(np.arange(people), per)
    return vecs.astype(np.float32), owner


def top_people(index: VectorIndex, q: np.ndarray, owner: np.ndarray, k: int, flt: IdFilter | None) -> list[int]:
    """The first k distinct people among the hits, widening as the engine does."""
    budget = 4 * k
    while True:
        hits = index.search(q, budget, flt)
        people = list(dict.fromkeys(owner[hits.ids].tolist()))
        if len(people) >= k or budget >= len(owner):
            return people[:k]
        budget *= 4


class TestApproximateRecall:
    """IVF with trained lists against the exact reference: recall of *people* at 10, filters on."""

    def test_recall_of_people_at_10_with_filters(self) -> None:
        dim, people, per = 32, 6000, 5
        vecs, owner = structured_people(people, per, dim, seed=11)
        ids = np.arange(len(vecs), dtype=np.int64)
        # Allow-lists over 2,000 go through the lists (the one-unit filter below is scored exactly).
        ivf, exact = IvfIndex(dim, min_train=20_000, exact_allow_max=2000), make_index("exact", dim)
        for ix in (ivf, exact):
            ix.add(ids, vecs)
        assert isinstance(ivf, IvfIndex) and ivf._index.nlist > 1  # really approximate, not one list
        rng = np.random.default_rng(5)
        queries = l2_normalise(vecs[rng.integers(0, len(vecs), 60)] + rng.normal(0, 0.05, (60, dim)))
        unit = frozenset(np.flatnonzero(owner % 40 == 3).tolist())  # one unit: small, scored exactly
        language = frozenset(np.flatnonzero(owner % 3 != 0).tolist())  # two thirds: through the lists
        filters = [None, IdFilter(allow=unit), IdFilter(allow=language), IdFilter(deny=frozenset(range(0, 30000, 7)))]
        for flt in filters:
            found = [
                len(set(top_people(ivf, q, owner, 10, flt)) & set(top_people(exact, q, owner, 10, flt))) / 10
                for q in queries
            ]
            assert np.mean(found) >= 0.98, (flt is None, np.mean(found))

    def test_saved_lists_load_without_training(self, tmp_path: Path) -> None:
        vecs, owner = structured_people(5000, 5, DIM, seed=3)
        ivf = IvfIndex(DIM, min_train=1000)
        ivf.add(np.arange(len(vecs)), vecs)
        ivf.save(tmp_path)
        again = IvfIndex(DIM, min_train=1000)
        again.load(tmp_path)
        assert again._index.nlist == ivf._index.nlist > 1
        assert sorted(again.ids().tolist()) == list(range(len(vecs)))
        assert again.search(vecs[42], 5).ids.tolist() == ivf.search(vecs[42], 5).ids.tolist()
        # Still writable after a load: edits replace and remove in place.
        again.remove(np.array([42]))
        assert 42 not in again.search(vecs[42], 5).ids.tolist()


class TestFloat16Lists:
    """The default IVF storage keeps float16 codes: half the memory, scores within 1e-3."""

    def test_scores_stay_within_1e_3_of_exact(self) -> None:
        vecs = random_vectors(3000, seed=4)
        ids = np.arange(len(vecs), dtype=np.int64) * 2
        ivf = IvfIndex(DIM, nprobe=4, min_train=1000, nlist=16)
        ivf.add(ids, vecs)
        assert ivf._index.nlist > 1
        for q in random_vectors(20, seed=6):
            hits = ivf.search(q, 20)
            exact = vecs[hits.ids // 2] @ q
            assert len(hits) == 20 and np.abs(hits.scores - exact).max() < 1e-3
            small = ivf.search(q, 5, IdFilter(allow=frozenset(ids[:300].tolist())))  # scored from the codes
            assert np.abs(small.scores - vecs[small.ids // 2] @ q).max() < 1e-3

    def test_float32_lists_saved_earlier_load_as_float16_in_the_same_lists(self, tmp_path: Path) -> None:
        vecs = random_vectors(3000, seed=8)
        flat = IvfIndex(DIM, nprobe=4, min_train=1000, nlist=16, storage="flat")
        flat.add(np.arange(len(vecs)), vecs)
        flat.save(tmp_path)
        half = IvfIndex(DIM, nprobe=4, min_train=1000, nlist=16)
        half.load(tmp_path)
        assert type(half._index).__name__ == "IndexIVFScalarQuantizer" and half._index.nlist == flat._index.nlist
        assert half.ids().tolist() == list(range(len(vecs)))
        for q in random_vectors(10, seed=9):
            a, b = flat.search(q, 10), half.search(q, 10)
            assert np.abs(a.scores - b.scores).max() < 1e-3
            assert len(set(a.ids.tolist()) & set(b.ids.tolist())) >= 9  # the same lists probed
        half.remove(np.array([5]))
        half.add(np.array([5]), vecs[5][None])  # still writable
        assert half.search(vecs[5], 1).ids.tolist() == [5]
