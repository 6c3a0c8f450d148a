"""The column-wise offer table: read a chunk at a time, it holds what one full decode would, in float16."""

from __future__ import annotations

import numpy as np
import pytest

from embeddings.language import LanguageCentering
from matcher.insights import offers as offers_module
from matcher.insights.offers import OfferTable, build_offer_table

DIM = 8


def unit_rows(n: int, seed: int) -> np.ndarray:
    x = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


@pytest.fixture
def centering() -> LanguageCentering:
    means = unit_rows(2, 7) * 0.3
    return LanguageCentering(means={"fi": means[0], "sv": means[1]}, strength=1.0)


def test_chunked_read_matches_one_full_decode(centering: LanguageCentering, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offers_module, "CHUNK", 3)  # chunks boundaries fall inside the 10 rows
    vectors = unit_rows(10, 1)
    langs = ["fi", "sv"] * 5
    # Offers 2 and 7 have no vector of this model; one has bytes of another width (another model).
    rows = []
    for i in range(10):
        emb: bytes | None = vectors[i].tobytes()
        if i in (2, 7):
            emb = None
        if i == 5:
            emb = np.zeros(DIM * 2, np.float32).tobytes()
        rows.append((100 + i, 1000 + i // 2, langs[i], emb))
    table = build_offer_table(rows, dimension=DIM, centering=centering)

    assert table.ids.tolist() == [100 + i for i in range(10)]
    assert table.employees.tolist() == [1000 + i // 2 for i in range(10)]
    assert table.languages.tolist() == langs
    kept = [i for i in range(10) if i not in (2, 5, 7)]
    assert table.rows.tolist() == kept
    assert table.vectors.dtype == np.float16
    whole = centering.apply(vectors[kept], [langs[i] for i in kept])
    np.testing.assert_allclose(table.vectors.astype(np.float32), whole, atol=2e-3)


def test_similarities_upcast_chunk_by_chunk(centering: LanguageCentering, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(offers_module, "CHUNK", 4)
    vectors = unit_rows(11, 2)
    table = build_offer_table(
        [(i, i, "fi", vectors[i].tobytes()) for i in range(11)], dimension=DIM, centering=centering
    )
    queries = unit_rows(3, 3)
    exact = queries @ table.vectors.astype(np.float32).T
    np.testing.assert_allclose(table.similarities(queries), exact, rtol=0, atol=1e-6)
    cols = np.array([9, 0, 4])
    np.testing.assert_allclose(table.similarities(queries, cols), exact[:, cols], rtol=0, atol=1e-6)


def test_no_offers_is_an_empty_table(centering: LanguageCentering) -> None:
    table = build_offer_table([], dimension=DIM, centering=centering)
    assert len(table) == 0 and table.vectors.shape == (0, DIM)
    assert table.similarities(unit_rows(2, 4)).shape == (2, 0)
    assert len(OfferTable.empty(DIM).rows) == 0
