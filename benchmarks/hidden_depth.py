"""How deep the demo scenario's competent people sit by declared relevance on their own topic (issue 11).

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python benchmarks/hidden_depth.py [--seeds 1 2]

Builds the demo simulation's organisation (everyone, newcomers included, no feedback yet), ranks
every phrasing of every topic over the whole organisation through `MatchService.rank`, and prints
per truly competent person, median over their topic's phrasings: their rank by declared relevance,
their share of the best declared relevance, and how many colleagues who are *not* competent on the
topic score at least as high. That last number is what exploration has to get through before it
reaches them: with one exploratory offer per few requests, someone behind 40 equally related
colleagues is reached after ~40 such offers, while a 300-request run has ~43 requests per topic.
Then, per depth, the exposure Gini among the competent (as `sim_metrics` takes it: relative to
each topic's mean) if everyone at most that deep had equal exposure and everyone deeper none: the
best the target can get from a loop that reaches that deep. Asserts nothing.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from matcher.app.settings import Settings  # noqa: E402
from matcher.app.wiring import build  # noqa: E402
from matcher.evaluation.sim_metrics import gini  # noqa: E402
from matcher.evaluation.simulation import SimConfig, scenario_for, simulation_settings  # noqa: E402

EVERYONE = 2000  # more than the organisation, so the pool is everyone
DEPTHS = (10, 20, 40)  # non-competent colleagues at or above, for the Gini bound


def say(line: str) -> None:
    """One line of the report on stdout."""
    sys.stdout.write(line + "\n")


def depth(seed: int, cache_dir: Path, work: Path) -> None:
    """The table for one seed (the seed picks who is hidden, over-claiming, newcomer)."""
    config = SimConfig(scenario="demo", seed=seed, requests=300, feedback=False, cache_dir=cache_dir)
    scenario = scenario_for(config)
    people = scenario.by_id()
    velho = build(simulation_settings(config, scenario, work / f"seed-{seed}"), encoder=scenario.make_encoder())
    # (person, topic) -> per phrasing (rank, share of best, non-competent at or above)
    seen: dict[tuple[str, str], list[tuple[int, float, int]]] = defaultdict(list)
    try:
        velho.start()
        with velho.session() as s:
            velho.profiles.upsert_many(s, rows=[(p.external_id, p.profile) for p in scenario.people])
        snap = velho.matching.snapshot()
        for topic, texts in scenario.phrasings.items():
            for text in texts:
                query = velho.matching.prepare(text, k=EVERYONE, snap=snap)
                ranked = velho.matching.rank(query, snap=snap)
                rel = [(snap.roster.employees[c.employee_id].external_id, c.components["relevance"]) for c in ranked]
                best = max(r for _, r in rel)
                for rank, (pid, r) in enumerate(rel, start=1):
                    if people[pid].competent(topic):
                        above = sum(1 for q, o in rel if o >= r and not people[q].competent(topic))
                        seen[(pid, topic)].append((rank, r / best, above))
    finally:
        velho.close(save=False)
    say(f"\n## seed {seed}: competent people by declared relevance on their own topic (median over phrasings)")
    say("| topic | person | kind | rank | share of best | not competent at or above |")
    say("|---|---|---|---|---|---|")
    deep: dict[str, list[int]] = defaultdict(list)
    for (pid, topic), rows in sorted(seen.items(), key=lambda kv: (kv[0][1], people[kv[0][0]].kind, kv[0][0])):
        ranks, shares, above = zip(*rows, strict=True)
        deep[topic].append(int(np.median(above)))
        say(
            f"| {topic} | {pid} | {people[pid].kind} | {int(np.median(ranks))} | {np.median(shares):.2f} "
            f"| {int(np.median(above))} |"
        )
    for limit in DEPTHS:
        values: list[float] = []
        for counts in deep.values():
            reached = np.array([1.0 if n <= limit else 0.0 for n in counts])
            if reached.mean() > 0:
                values.extend(reached / reached.mean())
        missed = sum(n > limit for counts in deep.values() for n in counts)
        total = sum(len(counts) for counts in deep.values())
        say(f"reached down to {limit}: {total - missed} of {total} competent; Gini at best {gini(values):.3f}")


def main(argv: list[str] | None = None) -> int:
    """Print the table for each seed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[11, 12, 13])
    parser.add_argument("--cache-dir", type=Path, default=None, help="embedding cache of the demo scenario")
    args = parser.parse_args(argv)
    cache_dir = args.cache_dir or Settings().cache_dir
    with tempfile.TemporaryDirectory(prefix="velho-depth-") as work:
        for seed in args.seeds:
            depth(seed, cache_dir, Path(work))
    return 0


if __name__ == "__main__":
    sys.exit(main())
