"""How far better request likeness could take the loop: the e5 grid with the true topics as likeness.

    python -m benchmarks.likeness_ceiling [--seeds 11 12 13 14] [--choice first] [--jobs 2] [--set NAME=VALUE ...]

Runs each seed three times on the same request stream: the loop as configured, the same loop
whose `RequestLikeness` is replaced by the simulation's ground truth (a past request counts fully
when it was about the same topic, not at all otherwise), and the static baseline. Evidence
statements keep the configured metric (they are profile text, not requests with a label). The
labelled arm is a ceiling, not a method: no deployment knows the topic of a request. If it lands
far above the configured loop, the likeness is what holds precision back; if near, it is not.
Prints per seed and the mean of precision@1 (last window), hidden experts engaged, their rating,
Gini among the competent and found a competent provider.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import argparse  # noqa: E402
import multiprocessing  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks.simulate_feedback import parse_override  # noqa: E402
from matcher.app.settings import Settings  # noqa: E402
from matcher.evaluation.sim_metrics import Summary, summarise  # noqa: E402
from matcher.evaluation.simulation import SimConfig, run_simulation, scenario_for  # noqa: E402
from matcher.feedback import ranker as ranker_module  # noqa: E402
from matcher.feedback.effects import OwnNeighbourhoods, RequestLikeness  # noqa: E402

ARMS = ("configured", "labelled", "static")
COLUMNS = (
    ("p@1", "precision_at_1"),
    ("engaged", "hidden_engaged"),
    ("rating", "hidden_rating"),
    ("gini", "gini_competent"),
    ("found", "found_share"),
)


class LabelledLikeness(RequestLikeness):
    """Past requests whose vector carries a known topic count by that topic; others by the metric."""

    topic_of: dict[bytes, str] = {}  # request vector → topic, filled as each request is ranked

    def __init__(self, base: RequestLikeness, topic: str | None) -> None:
        self.__dict__.update(base.__dict__)
        self.topic = topic
        if topic is not None:
            LabelledLikeness.topic_of[self.query.tobytes()] = topic

    def similarity(self, others: np.ndarray, own: OwnNeighbourhoods | None = None) -> np.ndarray:
        out = super().similarity(others, own)
        for i, row in enumerate(np.asarray(others, dtype=np.float32)):
            known = LabelledLikeness.topic_of.get(row.tobytes())
            if known is not None and self.topic is not None:
                out[i] = 1.0 if known == self.topic else -1.0
        return out


def label_requests(topic_of_text: dict[str, str]) -> None:
    """Make every feedback pass of this process compare past requests by their true topic."""
    prepare, likeness = ranker_module.FeedbackRanker.prepare, ranker_module.FeedbackPass._likeness

    def labelled_prepare(self: Any, session: Any, snap: Any, *, requester_id: Any, text: str, k: int) -> Any:
        fp = prepare(self, session, snap, requester_id=requester_id, text=text, k=k)
        if fp is not None:
            fp.topic = topic_of_text.get(text)
        return fp

    def labelled_likeness(self: Any, candidates: Any, q: Any) -> RequestLikeness:
        return LabelledLikeness(likeness(self, candidates, q), getattr(self, "topic", None))

    ranker_module.FeedbackRanker.prepare = labelled_prepare  # type: ignore[method-assign]
    ranker_module.FeedbackPass._likeness = labelled_likeness  # type: ignore[method-assign]


def run_one(config: SimConfig, arm: str, out: Path) -> tuple[int, str, Summary]:
    """One seed, one arm, in a process of its own (the labelled arm changes the ranker's class)."""
    scenario = scenario_for(config)
    if arm == "labelled":
        label_requests({text: topic for topic, texts in scenario.phrasings.items() for text in texts})
    cfg = replace(config, feedback=arm != "static")
    log = run_simulation(cfg, out / f"{config.seed}-{arm}", scenario=scenario)
    return config.seed, arm, summarise(log)


def table(results: Sequence[tuple[int, str, Summary]]) -> str:
    """Per arm: every seed and the mean."""
    lines = ["| arm | seed | " + " | ".join(name for name, _ in COLUMNS) + " |", "|---" * (len(COLUMNS) + 2) + "|"]
    for arm in ARMS:
        rows = sorted((seed, s) for seed, a, s in results if a == arm)
        for seed, s in rows:
            lines.append(f"| {arm} | {seed} | " + " | ".join(f"{getattr(s, key):.3f}" for _, key in COLUMNS) + " |")
        means = [np.nanmean([getattr(s, key) for _, s in rows]) for _, key in COLUMNS]
        lines.append(f"| **{arm}** | mean | " + " | ".join(f"**{m:.3f}**" for m in means) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[11, 12, 13, 14])
    parser.add_argument("--choice", choices=["first", "position"], default="first")
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="a feedback weight, NAME=VALUE")
    args = parser.parse_args(argv)

    config = SimConfig(
        scenario="grid-e5",
        requests=args.requests,
        window=args.window,
        choice=args.choice,
        overrides=tuple(parse_override(o) for o in args.overrides),
        cache_dir=Settings().cache_dir,
    )
    scenario_for(replace(config, seed=args.seeds[0])).make_encoder()  # prepare the model once
    out = Path(tempfile.mkdtemp(prefix="velho-ceiling-"))
    jobs = [(replace(config, seed=seed), arm) for seed in args.seeds for arm in ARMS]
    # Spawned, and one task per process: the labelled arm patches the ranker's class in its process.
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=args.jobs, mp_context=spawn, max_tasks_per_child=1) as pool:
        results = list(pool.map(run_one, [c for c, _ in jobs], [a for _, a in jobs], [out] * len(jobs)))
    sys.stdout.write(f"grid-e5, {args.requests} requests, last {args.window}, choice {args.choice}\n")
    sys.stdout.write(table(results) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
