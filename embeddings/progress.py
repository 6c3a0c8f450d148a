"""Batching with an optional tqdm progress bar, shared by the encoders."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")


def batched_with_progress(items: Sequence[T], size: int, progress: bool, desc: str) -> Iterator[list[T]]:
    """Yield `items` in lists of `size`, advancing a progress bar by items when asked."""
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc=desc, unit="text", leave=False)
    try:
        for start in range(0, len(items), size):
            batch = list(items[start : start + size])
            yield batch
            if bar is not None:
                bar.update(len(batch))
    finally:
        if bar is not None:
            bar.close()
