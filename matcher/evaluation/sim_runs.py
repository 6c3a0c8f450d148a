"""Several seeds of a simulation, feedback on and off, optionally in parallel processes."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from matcher.evaluation.sim_metrics import Summary, WindowMetrics, summarise, window_metrics
from matcher.evaluation.simulation import SimConfig, run_simulation, scenario_for


@dataclass(frozen=True)
class SeedResult:
    """One seed, one arm (feedback on or off)."""

    seed: int
    feedback: bool
    summary: Summary
    windows: list[WindowMetrics]
    counts: dict[str, int]
    seconds: float


def run_arm(config: SimConfig, out: Path) -> SeedResult:
    """One run, reduced to its numbers (picklable, so it can come back from a worker process)."""
    log = run_simulation(config, out / f"{config.scenario}-{config.seed}-{'on' if config.feedback else 'off'}")
    return SeedResult(config.seed, config.feedback, summarise(log), window_metrics(log), dict(log.counts), log.seconds)


def run_seeds(
    config: SimConfig,
    seeds: Sequence[int],
    out: Path,
    *,
    jobs: int = 1,
    static: bool = True,
    on_done: Callable[[SeedResult], None] | None = None,
) -> tuple[list[SeedResult], list[SeedResult]]:
    """Every seed with feedback on and (with `static`) off; returns (on, off), each in seed order."""
    arms_per_seed = (True, False) if static else (config.feedback,)
    arms = [replace(config, seed=s, feedback=f) for s in seeds for f in arms_per_seed]
    if config.scenario != "grid":  # the e5 scenarios: prepare the model once, not per worker
        scenario_for(replace(config, seed=seeds[0])).make_encoder()
    results: list[SeedResult] = []
    if jobs <= 1:
        for arm in arms:
            results.append(run_arm(arm, out))
            if on_done is not None:
                on_done(results[-1])
    else:
        # Spawned, not forked: the parent has loaded the model (tokenizer and ONNX threads), and a
        # forked child can inherit a lock one of those threads held, and hang on it forever.
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as pool:
            for result in pool.map(run_arm, arms, [out] * len(arms)):
                results.append(result)
                if on_done is not None:
                    on_done(result)
    on = [r for r in results if r.feedback]
    off = [r for r in results if not r.feedback]
    return on, off
