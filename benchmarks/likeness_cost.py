"""What comparing past requests also in their own neighbourhood costs a match.

    python benchmarks/likeness_cost.py [--calls 200] [--statements 100000]

Times the feedback pass's likeness over a candidate list's past ratings, in the new request's
neighbourhood alone and with each past request's own stored neighbourhood as well: decoding the
stored bytes, fetching their statements' vectors from a real FAISS index of `--statements`
vectors (`neighbourhood.own_neighbourhoods`), and weighting (`RequestLikeness.weights`). One BLAS
thread, as `velho serve` runs it. Sizes: past ratings read (up to 50 per candidate) and distinct
statements in their neighbourhoods (past requests on one subject share most of theirs); "with
gone ones" has 1 % of the stored statements erased from the index, which sends the FAISS lookup
down its slower path; "learnt transform" compares in this request's neighbourhood through the
transform learnt from outcomes (`nuisance.py`). Prints the median per call and the ratio, and
what fitting that transform costs on `--fit` good ratings. Random unit vectors: the cost depends
on the shapes only.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from blas_threads import likeness, unit_rows  # the sibling script: on sys.path when this one runs
from threadpoolctl import threadpool_limits

from matcher.feedback.neighbourhood import encode_neighbourhood, own_neighbourhoods
from matcher.feedback.nuisance import nuisance_transform
from matcher.index.faiss_index import FaissIndex

SIZES = ((200, 150), (500, 300), (1500, 300), (1500, 1500))  # (past ratings, distinct statements)


def median_ms(calls: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return float(np.median(times) * 1e3)


def learnt(rng: np.random.Generator, ratings: int) -> np.ndarray:
    """A transform fitted on `ratings` good ratings spread over a fifth as many providers."""
    transform = nuisance_transform(unit_rows(rng, ratings), rng.integers(0, max(ratings // 5, 1), ratings), shrink=1.0)
    assert transform is not None
    return transform


def one_size(args: argparse.Namespace, rng: np.random.Generator, index: FaissIndex, ratings: int, distinct: int) -> str:
    """The table row of one size: past ratings whose neighbourhoods hold `distinct` statements."""
    basis, query = unit_rows(rng, 225), unit_rows(rng, 1)[0]  # a typical list's declared statements
    history = unit_rows(rng, ratings)
    pool = rng.choice(args.statements - 100, size=distinct, replace=False)
    ids = pool[rng.integers(0, distinct, size=(ratings, 30))]
    _, vectors = index.vectors(ids.reshape(-1))
    sims = np.einsum("rmd,rd->rm", vectors.reshape(ratings, 30, -1), history)
    stored = [encode_neighbourhood(i, s) for i, s in zip(ids, sims, strict=True)]
    erased = np.where(rng.random(ids.shape) < 0.01, args.statements + 1, ids)  # never in the index
    gone = [encode_neighbourhood(i, s) for i, s in zip(erased, sims, strict=True)]
    alone = median_ms(args.calls, lambda: likeness(query, basis).weights(history))
    both = median_ms(args.calls, lambda: likeness(query, basis).weights(history, own_neighbourhoods(stored, index)))
    some = median_ms(args.calls, lambda: likeness(query, basis).weights(history, own_neighbourhoods(gone, index)))
    transform = learnt(rng, 500)
    taught = median_ms(
        args.calls, lambda: likeness(query, basis, transform).weights(history, own_neighbourhoods(stored, index))
    )
    return f"| {ratings} | {distinct} | {alone:.2f} | {both:.2f} | {both / alone:.1f} | {some:.2f} | {taught:.2f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--statements", type=int, default=100_000)
    parser.add_argument("--fit", type=int, default=5_000, help="good ratings the transform is fitted on")
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    index = FaissIndex(384)
    index.add(np.arange(args.statements), unit_rows(rng, args.statements))
    print(f"FAISS index of {args.statements:,} statements; median ms per match's likeness")
    print(
        "| past ratings | distinct statements | this request's only | also their own | ratio | 1 % gone"
        " | learnt transform |"
    )
    print("|---|---|---|---|---|---|---|")
    with threadpool_limits(1):
        for ratings, distinct in SIZES:
            print(one_size(args, rng, index, ratings, distinct))
        fit = median_ms(5, lambda: learnt(rng, args.fit))
    print(f"fitting the transform on {args.fit:,} good ratings: {fit:.0f} ms (once per tenth more ratings)")


if __name__ == "__main__":
    main()
