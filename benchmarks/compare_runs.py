"""Two feedback variants on the same seeds, compared pair by pair: what `simulate_feedback.py --json` wrote.

    python benchmarks/simulate_feedback.py --scenario demo --seeds 11 12 13 14 15 16 --json before.json
    python benchmarks/simulate_feedback.py --scenario demo --seeds 11 12 13 14 15 16 --set load_weight=0.3 \\
        --json after.json
    python benchmarks/compare_runs.py before.json after.json

Prints, per scenario in both files, the feedback arm's means and the per-seed paired difference
± its standard error. Differences within about two standard errors are noise: per seed, hidden
experts engaged moves by about 2 of the demo's 14.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from matcher.evaluation.sim_metrics import Summary, paired_table

FIELDS = set(Summary.__dataclass_fields__)


def feedback_runs(rows: list[dict[str, Any]]) -> dict[int, Summary]:
    """The feedback arm of each seed, as summaries."""
    # A figure added since a file was written reads as missing (NaN), so older runs still compare.
    return {r["seed"]: Summary(**{k: r.get(k, float("nan")) for k in FIELDS}) for r in rows if r["feedback"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    before, after = json.loads(args.before.read_text()), json.loads(args.after.read_text())
    shared = [name for name in before if name in after]
    if not shared:
        sys.stderr.write("the two files share no scenario\n")
        return 1
    for name in shared:
        sys.stdout.write(f"\n## {name}: {args.before.name} → {args.after.name}\n")
        sys.stdout.write(paired_table(feedback_runs(before[name]), feedback_runs(after[name])) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
