"""Small integer codes for the few distinct values of a roster column (units, language sets, kinds).

At 100,000 people a column of repeated strings costs one Python object per row; a code costs four
bytes, and a filter on it is one vectorised comparison. A vocabulary only grows, and a grown one is
a new object, so a roster holding the old one never sees a code it cannot read.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

Codes = npt.NDArray[np.int32]


class Vocabulary:
    """Values by code and codes by value; immutable (`extended` returns a new one when it must grow)."""

    __slots__ = ("values", "_codes")

    def __init__(self, values: Sequence[Any] = ()) -> None:
        self.values: tuple[Any, ...] = tuple(values)
        self._codes: dict[Hashable, int] = {v: i for i, v in enumerate(self.values)}

    def extended(self, values: Iterable[Hashable]) -> Vocabulary:
        """This vocabulary, or a new one that also holds `values`."""
        new = [v for v in dict.fromkeys(values) if v not in self._codes]
        return Vocabulary(self.values + tuple(new)) if new else self

    def encode(self, values: Sequence[Hashable]) -> Codes:
        """The code of each value (all must be known: see `extended`)."""
        codes = self._codes
        return np.fromiter((codes[v] for v in values), dtype=np.int32, count=len(values))

    def codes_of(self, values: Iterable[Hashable]) -> list[int]:
        """Codes of the known values among `values` (unknown ones have no rows)."""
        return [self._codes[v] for v in values if v in self._codes]

    def __getitem__(self, code: int) -> Any:
        return self.values[code]

    def __len__(self) -> int:
        return len(self.values)
