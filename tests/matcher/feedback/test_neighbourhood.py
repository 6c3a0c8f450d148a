"""The stored form of a request's neighbourhood: what goes in comes out, row by row."""

from __future__ import annotations

import numpy as np

from matcher.feedback.neighbourhood import NEIGHBOURHOOD, decode_neighbourhoods, encode_neighbourhood


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


def test_nothing_stored_decodes_to_no_columns() -> None:
    ids, similarities = decode_neighbourhoods([None, None])
    assert ids.shape == (2, 0) and similarities.shape == (2, 0)
    assert decode_neighbourhoods([])[0].shape == (0, 0)
