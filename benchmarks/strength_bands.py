"""How well a result's relevance says whether it is right: the data behind the match-strength bands.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/ranking_sweep.py \\
        ../shared/data/esco_org_dev ../shared/data/se_quantum_dev tests/data/velho_fi_sv_en \\
        --only "lse T=0.015+0.02·ln n" --pools /tmp/pools.json --pool-rules "lse T=0.015+0.02·ln n"
    .venv/bin/python benchmarks/strength_bands.py /tmp/pools.json --rule "lse T=0.015+0.02·ln n"

Reads the pools `ranking_sweep.py --pools` wrote (per request: the relevance and grade of every
candidate, best first) and prints, per set, for the top 10 results:
- precision (share at least related, grade ≥ 1; and grade 2) by relevance bin;
- for candidate thresholds, the precision of each band strong (≥ s) / fair / weak (< w);
- for the first result, the AUC of its relevance, of its margin over the next-best result and
  over the mean of results 2–10, as predictors of "the first result is grade 2"; p@1 by band.
Asserts nothing; the thresholds in `RankingWeights` are picked from its output (README).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
TOP = 10


def auc(score: F64, positive: npt.NDArray[np.bool_]) -> float:
    """P(score of a random positive > score of a random negative), ties half."""
    pos, neg = score[positive], score[~positive]
    if len(pos) == 0 or len(neg) == 0:
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).mean()
    ties = (pos[:, None] == neg[None, :]).mean()
    return float(greater + 0.5 * ties)


def flat(rows: list[dict[str, Any]]) -> tuple[F64, F64]:
    """Relevance and grade of every top-10 result of every request."""
    rel = [r for row in rows for r in row["relevance"][:TOP]]
    grade = [g for row in rows for g in row["grade"][:TOP]]
    return np.asarray(rel, dtype=np.float64), np.asarray(grade, dtype=np.float64)


def band_table(rel: F64, grade: F64, strong: float, weak: float) -> str:
    """Share and precision of each band at these thresholds."""
    cells = []
    for name, mask in (("strong", rel >= strong), ("fair", (rel < strong) & (rel >= weak)), ("weak", rel < weak)):
        n = int(mask.sum())
        p1 = float((grade[mask] >= 1).mean()) if n else float("nan")
        p2 = float((grade[mask] >= 2).mean()) if n else float("nan")
        cells.append(f"{name} {n:4d} ({n / len(rel):4.0%}) p≥1 {p1:.2f} p2 {p2:.2f}")
    return " | ".join(cells)


def first_results(rows: list[dict[str, Any]], strong: float, weak: float) -> str:
    """AUC of relevance and margin for "first result is grade 2", and p@1 by the first result's band."""
    rel1 = np.asarray([r["relevance"][0] for r in rows if r["relevance"]])
    nxt = np.asarray([r["relevance"][1] if len(r["relevance"]) > 1 else 0.0 for r in rows if r["relevance"]])
    right = np.asarray([r["grade"][0] >= 2 for r in rows if r["relevance"]])
    rest = np.asarray(
        [np.mean(r["relevance"][1:TOP]) if len(r["relevance"]) > 1 else 0.0 for r in rows if r["relevance"]]
    )
    margin, over_rest = rel1 - nxt, rel1 - rest
    aucs = (f"AUC relevance {auc(rel1, right):.2f}, margin over the next {auc(margin, right):.2f}, "
            f"over the mean of results 2–{TOP} {auc(over_rest, right):.2f}")  # fmt: skip
    out = [f"first result right {right.mean():.2f}; {aucs}"]
    for name, mask in (("strong", rel1 >= strong), ("fair", (rel1 < strong) & (rel1 >= weak)), ("weak", rel1 < weak)):
        if mask.any():
            out.append(f"{name} {int(mask.sum())} p@1 {right[mask].mean():.2f}")
    return "; ".join(out)


def main() -> None:
    """Print the tables for one rule of a pools file."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pools", type=Path)
    ap.add_argument("--rule", required=True)
    ap.add_argument("--strong", type=float, nargs="*", default=[0.50, 0.52, 0.54, 0.56])
    ap.add_argument("--weak", type=float, nargs="*", default=[0.40, 0.42, 0.44, 0.46])
    args = ap.parse_args()
    pools = json.loads(args.pools.read_text())
    print(f"model {pools['model']}, rule {args.rule}, top {TOP} results per request")
    for name, rules in pools["sets"].items():
        rows = rules[args.rule]
        rel, grade = flat(rows)
        print(f"\n{name}: {len(rows)} requests, {len(rel)} results, at least related {float((grade >= 1).mean()):.2f}")
        edges = np.quantile(rel, np.linspace(0, 1, 9))
        for lo, hi in zip(edges[:-1], edges[1:], strict=True):
            m = (rel >= lo) & (rel <= hi)
            print(f"  relevance {lo:.3f}–{hi:.3f}: n {int(m.sum()):4d}  p≥1 {(grade[m] >= 1).mean():.2f}  "
                  f"p2 {(grade[m] >= 2).mean():.2f}")  # fmt: skip
        for s in args.strong:
            for w in args.weak:
                if w < s:
                    print(f"  strong ≥ {s:.2f}, weak < {w:.2f}: {band_table(rel, grade, s, w)}")
        s, w = args.strong[len(args.strong) // 2], args.weak[len(args.weak) // 2]
        print(f"  first result (strong ≥ {s:.2f}, weak < {w:.2f}): {first_results(rows, s, w)}")


if __name__ == "__main__":
    main()
