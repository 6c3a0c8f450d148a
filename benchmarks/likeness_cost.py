"""What comparing past requests also in their own neighbourhood costs a match.

    python benchmarks/likeness_cost.py [--calls 200]

Times `RequestLikeness.weights` over a candidate list's past ratings, in the new request's
neighbourhood alone and with each past request's own stored neighbourhood (`OwnNeighbourhoods`),
on one BLAS thread as `velho serve` runs it, for a few sizes: past ratings read (up to 50 per
candidate) and distinct statements in their neighbourhoods (past requests on one subject share
most of theirs). Prints the median per call and the ratio. Random unit vectors: the cost depends
on the shapes only. The fetch of the statements' vectors from the index is not included.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from threadpoolctl import threadpool_limits

from matcher.feedback.effects import OwnNeighbourhoods, RequestLikeness

SIZES = ((200, 150), (500, 300), (1500, 300), (1500, 1500))  # (past ratings, distinct statements)


def unit_rows(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    x = rng.normal(size=(n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def median_ms(
    calls: int, query: np.ndarray, basis: np.ndarray, history: np.ndarray, own: OwnNeighbourhoods | None
) -> float:
    """Median milliseconds of building the likeness of one request and weighting `history` by it."""
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        like = RequestLikeness(query, basis, cosine=(0.4, 0.7), local=(0.45, 0.75), min_basis=20, nearest=30)
        like.weights(history, own)
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    basis, query = unit_rows(rng, 225), unit_rows(rng, 1)[0]  # a typical list's declared statements
    print("| past ratings | distinct statements | this request's neighbourhood (ms) | also their own (ms) | ratio |")
    print("|---|---|---|---|---|")
    with threadpool_limits(1):
        for ratings, distinct in SIZES:
            history = unit_rows(rng, ratings)
            statements, rows = unit_rows(rng, distinct), rng.integers(0, distinct, size=(ratings, 30))
            own = OwnNeighbourhoods(statements, rows, np.einsum("rmd,rd->rm", statements[rows], history))

            a = median_ms(args.calls, query, basis, history, None)
            b = median_ms(args.calls, query, basis, history, own)
            print(f"| {ratings} | {distinct} | {a:.2f} | {b:.2f} | {b / a:.1f} |")


if __name__ == "__main__":
    main()
