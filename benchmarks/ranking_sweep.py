"""Person-level aggregation rules measured through the real engine (issue 10, ranking half).

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/ranking_sweep.py \\
        ../shared/data/esco_org_dev ../shared/data/se_quantum_dev tests/data/velho_fi_sv_en \\
        [--grid main|fine|pool] [--only RULE ...] [--model e5-unadapted] [--pools out.json] [--timing 5]

Each set is loaded once into a fresh store exactly as `velho eval` does (`load_store`), every
request is encoded once (`MatchService.prepare`), and then ranked through `MatchService.rank`
(FAISS retrieval, `DenseRanker`, `matcher.matching.ranking.relevance`) under each
`RankingWeights` variant. Prints nDCG@10 per rule with a paired-bootstrap 95 % interval of its
difference to the first rule, overall and per language-pair slice. With `--pools` it also writes,
per request, the relevance and grade of every candidate of the pool under the chosen rules (the
input of `benchmarks/strength_bands.py`). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.app.settings import Settings  # noqa: E402
from matcher.evaluation.dataset import load_eval_set  # noqa: E402
from matcher.evaluation.metrics import ndcg_at  # noqa: E402
from matcher.evaluation.runner import language_pairs, load_store  # noqa: E402
from matcher.matching.query import RankQuery  # noqa: E402
from matcher.matching.retrieval import eligibility  # noqa: E402
from matcher.matching.weights import RankingWeights  # noqa: E402

BOOTSTRAP = 2000
F64 = npt.NDArray[np.float64]


def variants() -> dict[str, dict[str, Any]]:
    """The rules compared: today's, constant temperatures, count-dependent ones (pool by best statement).

    The "(org)" rules use one temperature for everyone, from the roster's 90th-percentile profile size.
    """
    out: dict[str, dict[str, Any]] = {"best+bonus": {"aggregation": "best_bonus"}}
    for t in (0.03, 0.05, 0.07, 0.1):
        out[f"lse T={t}"] = {"lse_base": t, "lse_slope": 0.0}
    for base, slope in ((0.02, 0.01), (0.02, 0.015), (0.02, 0.02), (0.02, 0.025), (0.03, 0.015), (0.03, 0.02),
                        (0.01, 0.025), (0.01, 0.03), (0.025, 0.02), (0.015, 0.02)):  # fmt: skip
        out[f"lse T={base}+{slope}·ln n (person)"] = {"lse_base": base, "lse_slope": slope}
    for cap in (0.08, 0.1, 0.15, 1.0):
        out[f"lse T=0.02+0.02·ln n cap {cap}"] = {"lse_base": 0.02, "lse_slope": 0.02, "lse_cap": cap}
    for base, slope in ((-0.054, 0.05), (-0.02, 0.04), (0.0, 0.03), (0.02, 0.02)):
        out[f"lse T={base}+{slope}·ln n90 (org)"] = {"lse_base": max(base, 1e-3), "lse_slope": slope,
                                                     "_floor": 0.05}  # fmt: skip
    return out


def fine_variants() -> dict[str, dict[str, Any]]:
    """Around the best count-dependent rules: steeper slopes, and a wider candidate pool."""
    out: dict[str, dict[str, Any]] = {"best+bonus": {"aggregation": "best_bonus"}}
    for base in (0.0, 0.01, 0.02):
        for slope in (0.025, 0.03, 0.035, 0.04):
            out[f"lse T={base}+{slope}·ln n (person)"] = {"lse_base": max(base, 1e-4), "lse_slope": slope,
                                                          "lse_cap": 1.0}  # fmt: skip
    for base, slope in ((0.02, 0.02), (0.01, 0.03), (0.0, 0.03), (0.02, 0.025)):
        out[f"lse T={base}+{slope}·ln n pool by relevance"] = {"lse_base": max(base, 1e-4), "lse_slope": slope,
                                                               "pool_by": "relevance"}  # fmt: skip
        out[f"lse T={base}+{slope}·ln n pool 60 by relevance"] = {"lse_base": max(base, 1e-4), "lse_slope": slope,
                                                                  "pool_by": "relevance", "pool_min": 60}  # fmt: skip
    for pool in (45, 60, 100):
        for base, slope in ((0.02, 0.02), (0.01, 0.03)):
            out[f"lse T={base}+{slope}·ln n pool {pool}"] = {"lse_base": base, "lse_slope": slope, "pool_min": pool}
    return out


def pool_variants() -> dict[str, dict[str, Any]]:
    """The count-dependent rules with the pool chosen by the same rule (and the constants around them)."""
    out: dict[str, dict[str, Any]] = {"best+bonus": {"aggregation": "best_bonus"}}
    for t in (0.05, 0.1):
        out[f"lse T={t}"] = {"lse_base": t, "lse_slope": 0.0}
        out[f"lse T={t} pool by relevance"] = {"lse_base": t, "lse_slope": 0.0, "pool_by": "relevance"}
    for base in (0.01, 0.015, 0.02):
        for slope in (0.02, 0.025, 0.03, 0.035):
            out[f"lse T={base}+{slope}·ln n"] = {"lse_base": base, "lse_slope": slope}
            out[f"lse T={base}+{slope}·ln n pool by relevance"] = {"lse_base": base, "lse_slope": slope,
                                                                   "pool_by": "relevance"}  # fmt: skip
    return out


def paired_ci(a: F64, b: F64, seed: int = 0) -> tuple[float, float, float]:
    """Mean of a − b and its paired-bootstrap 95 % interval over requests."""
    d = a - b
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(BOOTSTRAP, len(d)))].mean(axis=1)
    return float(d.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


# Every rule starts from the ranking before issue 10 (pool by best statement), whatever the defaults are now.
BEFORE: dict[str, Any] = {"aggregation": "lse", "pool_by": "best", "lse_cap": 0.12}


def weights_for(spec: dict[str, Any], base: RankingWeights) -> RankingWeights:
    """A `RankingWeights` copy with the variant's fields over `BEFORE`."""
    update = BEFORE | {k: v for k, v in spec.items() if not k.startswith("_")}
    return base.model_copy(update=update)


def print_timing(
    matching: Any,
    snap: Any,
    queries: list[RankQuery],
    rules: dict[str, dict[str, Any]],
    base: RankingWeights,
    rounds: int,
) -> None:
    """Rank time per request for each rule (the search, pooling and aggregation; no encoding), the
    rules interleaved round by round so they share whatever else loads the cores; median of rounds."""
    times: dict[str, list[float]] = {name: [] for name in rules}
    for _ in range(rounds):
        for name, spec in rules.items():
            matching.weights = weights_for(spec, base)
            t0 = time.perf_counter()
            for q in queries:
                matching.rank(q, snap=snap)
            times[name].append((time.perf_counter() - t0) / len(queries))
    first = float(np.median(times[next(iter(rules))]))
    for name, ts in times.items():
        med = float(np.median(ts))
        print(f"  timing {name:<40} {1000 * med:6.2f} ms/request  ×{med / first:.2f} of the first rule")


def main() -> None:
    """Load every set once, rank under every rule, print the table."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--model", default="e5")
    ap.add_argument("--data-dir", type=Path, default=Path(".velho"))
    ap.add_argument("--grid", choices=["main", "fine", "pool"], default="main")
    ap.add_argument("--only", nargs="*", default=None, help="rule names to run (default: all)")
    ap.add_argument("--timing", type=int, default=0, help="also time ranking, this many interleaved rounds")
    ap.add_argument("--pools", type=Path, default=None, help="write pool relevances of --pool-rules here")
    ap.add_argument("--pool-rules", nargs="*", default=["best+bonus", "lse T=0.015+0.02·ln n pool by relevance"])
    args = ap.parse_args()
    settings = Settings(data_dir=args.data_dir, model=args.model, _env_file=None)  # type: ignore[call-arg]
    rules = {"main": variants, "fine": fine_variants, "pool": pool_variants}[args.grid]()
    if args.only:
        rules = {k: v for k, v in rules.items() if k in args.only or k == "best+bonus"}
    pools: dict[str, Any] = {"model": args.model, "sets": {}}
    for directory in args.sets:
        data = load_eval_set(directory)
        started = time.perf_counter()
        velho = load_store(settings, data)
        try:
            matching = velho.matching
            snap = matching.snapshot()
            queries: list[RankQuery] = [
                matching.prepare(r.text, k=10, snap=snap, requester_id=r.requester_id) for r in data.requests
            ]
            pairs = language_pairs(velho, data)
            counts = sorted(len(e.statement_ids) for e in snap.roster.employees.values())
            print(f"\n{data.name} ({args.model}): {len(data.requests)} requests, {len(counts)} people, "
                  f"statements/person median {counts[len(counts) // 2]} p90 {counts[int(0.9 * (len(counts) - 1))]} "
                  f"max {counts[-1]}; "
                  f"loaded and encoded in {time.perf_counter() - started:.0f} s")  # fmt: skip
            slices: dict[str, list[int]] = {}
            for i, req in enumerate(data.requests):
                slices.setdefault(f"{req.language}", []).append(i)
                pair = pairs.get(req.id)
                if pair:
                    slices.setdefault(pair, []).append(i)
                    src, dst = pair.split(">")
                    if dst != "mixed":
                        slices.setdefault("cross" if src != dst else "same", []).append(i)
            shown = [s for s in sorted(slices) if len(slices[s]) >= 3]
            print(f"  {'rule':<40} {'nDCG@10':>7}  {'Δ [95% CI]':>26}  " + "  ".join(f"{s}({len(slices[s])})"
                                                                                 for s in shown))  # fmt: skip
            base: F64 | None = None
            set_pools: dict[str, Any] = {}
            for name, spec in rules.items():
                w = weights_for(spec, settings.ranking)
                if "_floor" in spec:
                    # Organisation scope with a floor: the formula's value at this roster's n90.
                    n90 = counts[int(0.9 * (len(counts) - 1))]
                    t = max(spec["_floor"], spec["lse_base"] + spec["lse_slope"] * float(np.log(n90)))
                    w = w.model_copy(update={"lse_base": t, "lse_slope": 0.0})
                matching.weights = w
                t0 = time.perf_counter()
                vals = np.zeros(len(data.requests))
                pool_rows = []
                for i, (req, q) in enumerate(zip(data.requests, queries, strict=True)):
                    qrels = data.qrels.get(req.id, {})
                    if args.pools is not None and name in args.pool_rules:
                        elig = eligibility(snap, requester_id=q.requester_id, languages=None, units=None,
                                           exclude_units=None)  # fmt: skip
                        cands = matching.ranker.rank(snap, q, elig, None)
                        ext = [snap.roster.employees[c.employee_id].external_id for c in cands]
                        pool_rows.append({"id": req.id, "pair": pairs.get(req.id),
                                          "relevance": [c.components["relevance"] for c in cands],
                                          "grade": [qrels.get(e, 0) for e in ext],
                                          "holders": sum(1 for g in qrels.values() if g >= 2)})  # fmt: skip
                        ranked = ext[:10]
                    else:
                        ranked = [snap.roster.employees[c.employee_id].external_id
                                  for c in matching.rank(q, snap=snap)]  # fmt: skip
                    vals[i] = ndcg_at(ranked, qrels)
                if pool_rows:
                    set_pools[name] = pool_rows
                if base is None:
                    base = vals
                d, lo, hi = paired_ci(vals, base)
                cells = "  ".join(f"{vals[slices[s]].mean():.3f}" for s in shown)
                print(f"  {name:<40} {vals.mean():7.3f}  {d:+.3f} [{lo:+.3f}, {hi:+.3f}]  {cells}"
                      f"   ({time.perf_counter() - t0:.0f} s)", flush=True)  # fmt: skip
            pools["sets"][data.name] = set_pools
            if args.timing:
                print_timing(matching, snap, queries, rules, settings.ranking, args.timing)
        finally:
            velho.close(save=False)
    if args.pools is not None:
        args.pools.write_text(json.dumps(pools))
        print(f"wrote {args.pools}")


if __name__ == "__main__":
    main()
