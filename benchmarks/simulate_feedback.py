"""Feedback-loop benchmark: 2,000 simulated requests with feedback on and off, per window of 200.

    python benchmarks/simulate_feedback.py [--requests 2000] [--window 200] [--seed 7] [--out DIR]

Prints precision@1, mean rating, share of requests that found a competent provider, exposure
Gini and the highest open load against capacity per window, for feedback on beside the
baseline, then checks the targets of issue #4 and exits 1 if any is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from matcher.evaluation.simulation import SimConfig, check_targets, compare, describe, format_table


def say(line: str) -> None:
    """One line of the report on stdout."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:
    """Run both simulations, print the table, check the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, default=None, help="keep the simulation databases here")
    args = parser.parse_args(argv)
    config = SimConfig(requests=args.requests, window=args.window, seed=args.seed)
    out = args.out or Path(tempfile.mkdtemp(prefix="velho-sim-"))
    say(describe(config))
    on, off = compare(config, out)
    say(format_table(on, off))
    p_on, p_off = on.rows()[-1]["precision_at_1"], off.rows()[-1]["precision_at_1"]
    load_on, load_off = (max(r["max_load"] for r in res.rows()) for res in (on, off))
    say(f"last window precision@1: {p_on:.2f} on vs {p_off:.2f} off ({p_on - p_off:+.2f})")
    say(f"max open load / capacity: {load_on:.2f} on, {load_off:.2f} off")
    say(f"counts on:  {on.counts}\ncounts off: {off.counts}")
    say(f"seconds: {on.seconds:.1f} on, {off.seconds:.1f} off")
    failures = check_targets(on, off)
    for failure in failures:
        say(f"TARGET MISSED: {failure}")
    if not failures:
        say("targets met: precision@1 gain >= 0.20 in the last window, nobody over capacity, Gini not worse")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
