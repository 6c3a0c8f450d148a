"""The stored form of a request's neighbourhood: what goes in comes out, row by row, and its
statements come from a real FAISS index."""

from __future__ import annotations

import numpy as np

from matcher.feedback.neighbourhood import (
    NEIGHBOURHOOD,
    decode_neighbourhoods,
    encode_neighbourhood,
    own_neighbourhoods,
)
from matcher.index.faiss_index import FaissIndex


def test_lists_of_any_length_and_missing_ones_decode_into_padded_rows() -> None:
    stored = [
        encode_neighbourhood(np.array([7, 3, 9]), np.array([0.9, 0.5, 0.25])),
        None,  # ranked under plain cosine, or before neighbourhoods were stored
        encode_neighbourhood(np.array([3, 11, 12, 2, 5]), np.array([0.8, 0.7, 0.6, 0.5, 0.4])),
        b"",
    ]
    ids, similarities = decode_neighbourhoods(stored)
    assert ids.tolist() == [[7, 3, 9, -1, -1], [-1] * 5, [3, 11, 12, 2, 5], [-1] * 5]
    assert similarities[0, :3].tolist() == [np.float32(0.9), 0.5, 0.25]
    assert similarities[2].tolist() == np.array([0.8, 0.7, 0.6, 0.5, 0.4], dtype=np.float32).tolist()
    assert len(stored[0]) == 3 * NEIGHBOURHOOD.itemsize == 36


def test_lists_of_one_length_decode_the_same_way() -> None:
    stored = [
        encode_neighbourhood(np.array([4, 2]), np.array([0.5, 0.25])),
        encode_neighbourhood(np.array([1, 8]), np.array([0.75, 0.0])),
    ]
    ids, similarities = decode_neighbourhoods(stored)
    assert ids.tolist() == [[4, 2], [1, 8]] and ids.dtype == np.int64
    assert similarities.tolist() == [[0.5, 0.25], [0.75, 0.0]] and similarities.dtype == np.float32


def test_nothing_stored_decodes_to_no_columns() -> None:
    ids, similarities = decode_neighbourhoods([None, None])
    assert ids.shape == (2, 0) and similarities.shape == (2, 0)
    assert decode_neighbourhoods([])[0].shape == (0, 0)


class Recording:
    """A real FAISS index that remembers which ids it was asked for."""

    def __init__(self, index: FaissIndex) -> None:
        self.index = index
        self.asked: list[list[int]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.index, name)

    def vectors(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        self.asked.append(ids.tolist())
        return self.index.vectors(ids)


def test_past_requests_get_their_statements_from_the_index_each_once() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 8)).astype(np.float32)
    index = FaissIndex(8)
    index.add(np.arange(1, 6), vectors)  # ids 1-5
    stored = [
        encode_neighbourhood(np.array([3, 1, 9]), np.array([0.7, 0.6, 0.5])),  # 9: erased since
        None,
        encode_neighbourhood(np.array([5, 3]), np.array([0.4, 0.3])),
    ]
    recording = Recording(index)
    own = own_neighbourhoods(stored, recording)  # type: ignore[arg-type]
    assert own is not None
    # Each stored id asked for once, in order (9 too: only the index knows it is gone), never the padding.
    assert recording.asked == [[1, 3, 5, 9]]
    assert np.array_equal(own.statements, vectors[[0, 2, 4]])
    assert own.rows.tolist() == [[1, 0, -1], [-1, -1, -1], [2, 1, -1]]
    assert own.similarities[2, :2].tolist() == np.array([0.4, 0.3], dtype=np.float32).tolist()
    assert own_neighbourhoods([None, b""], index) is None
