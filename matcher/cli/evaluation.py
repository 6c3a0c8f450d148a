"""`velho eval` (dev-set quality) and `velho simulate` (the feedback loop)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from matcher.cli.base import app, fail, load_settings


@app.command("eval")
def eval_(
    directories: Annotated[list[Path], typer.Argument(exists=True, file_okay=False, help="evaluation set folders")],
    json_out: Annotated[Path | None, typer.Option("--json", help="also write the reports as JSON here")] = None,
) -> None:
    """Rank every request of each set and print recall@1/5/10, MRR@10 and nDCG@10, overall and per language."""
    from matcher.evaluation.runner import evaluate

    settings = load_settings()
    reports = []
    encoder = None
    for directory in directories:
        for name in ("profiles.jsonl", "requests.jsonl", "qrels.tsv"):
            if not (directory / name).exists():
                fail(f"{directory} has no {name}")
        report = evaluate(directory, settings, encoder=encoder, progress=True)
        reports.append(report.as_dict())
        _print_report(report.as_dict())
    if json_out is not None:
        json_out.write_text(json.dumps(reports, indent=2))
        typer.echo(f"wrote {json_out}")


def _print_report(rep: dict) -> None:  # type: ignore[type-arg]
    keys = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
    typer.echo(
        f"\n{rep['set']}: {rep['requests']} requests ({rep['truncated_requests']} truncated to 2,000 chars), "
        f"{rep['profiles']} profiles, load {rep['seconds']['load']}s, rank {rep['seconds']['rank']}s"
    )
    typer.echo(f"  {'':22}" + "".join(f"{k:>11}" for k in keys))
    typer.echo(f"  {'overall':22}" + "".join(f"{rep['overall'][k]:>11.3f}" for k in keys))
    for lang, m in rep["by_language"].items():
        typer.echo(f"  {lang + ' (' + str(int(m['n'])) + ')':22}" + "".join(f"{m[k]:>11.3f}" for k in keys))
    for pair, m in rep.get("by_language_pair", {}).items():  # request language > answering statement's
        typer.echo(f"  {pair + ' (' + str(int(m['n'])) + ')':22}" + "".join(f"{m[k]:>11.3f}" for k in keys))


@app.command()
def simulate(
    scenario: Annotated[
        str,
        typer.Option(help="grid (10 topics × 12 providers, synthetic encoder), grid-e5 (the same on e5) or demo (e5)"),
    ] = "grid",
    requests: Annotated[int, typer.Option(min=1, help="simulated requests per run")] = 1500,
    window: Annotated[int, typer.Option(min=1, help="requests per reported window")] = 300,
    seeds: Annotated[str, typer.Option(help="comma-separated seeds; the table gives mean [min–max]")] = "11",
    feedback: Annotated[bool, typer.Option("--feedback/--no-feedback", help="feedback effects on or off")] = True,
    compare_runs: Annotated[bool, typer.Option("--compare", help="also run the same streams without feedback")] = False,
    prompts: Annotated[
        bool, typer.Option("--prompts/--no-prompts", help="people read their demand prompts weekly (feedback runs)")
    ] = True,
    choice: Annotated[
        str, typer.Option(help="how requesters pick whom to offer to: position (1/rank) or first (always #1)")
    ] = "position",
    jobs: Annotated[int, typer.Option(min=1, help="runs in parallel processes")] = 1,
    set_: Annotated[list[str] | None, typer.Option("--set", help="a feedback weight for this run, NAME=VALUE")] = None,
    out: Annotated[Path | None, typer.Option(help="keep the simulation databases here")] = None,
) -> None:
    """Simulate the feedback loop through the real services and print per-window metrics and the target table."""
    import tempfile

    from matcher.evaluation.sim_metrics import check_targets, target_table, window_table
    from matcher.evaluation.sim_runs import SeedResult, run_seeds
    from matcher.evaluation.simulation import SCENARIOS, SimConfig

    if scenario not in SCENARIOS:
        fail(f"unknown scenario {scenario!r}: {', '.join(SCENARIOS)}")
    if choice not in ("position", "first"):
        fail(f"unknown choice {choice!r}: position or first")
    try:
        seed_list = [int(s) for s in seeds.split(",") if s.strip()]
        overrides = tuple(_override(item) for item in set_ or [])
    except ValueError as exc:
        fail(str(exc))
    config = SimConfig(
        scenario=scenario,
        requests=requests,
        window=window,
        feedback=feedback,
        prompts=prompts,
        choice=choice,  # type: ignore[arg-type]
        overrides=overrides,
        cache_dir=load_settings().cache_dir,  # the e5 scenarios' texts are encoded once, then cached
    )
    if feedback and prompts:
        typer.echo(
            f"demand prompts: every {config.prompt_days:g} days, uptake {config.prompt_uptake:g}, "
            f"false claims {config.prompt_false_claim:g}"
        )
    else:
        typer.echo("demand prompts: off")
    typer.echo(
        "requesters offer to " + ("the first result left" if choice == "first" else "results by position (1/rank)")
    )

    def done(result: SeedResult) -> None:
        typer.echo(f"seed {result.seed}, feedback {'on' if result.feedback else 'off'}: {result.seconds:.0f} s")

    with tempfile.TemporaryDirectory(prefix="velho-sim-") as scratch:  # the databases are kept only with --out
        work = out or Path(scratch)
        on, off = run_seeds(config, seed_list, work, jobs=jobs, static=compare_runs and feedback, on_done=done)
    if not feedback:  # a static run alone: its results are the table's only column
        on, off = off, []
    typer.echo(window_table(on[0].windows, off[0].windows if off else None))
    if off:
        typer.echo(target_table([r.summary for r in on], [r.summary for r in off]))
        failures = check_targets([r.summary for r in on], [r.summary for r in off])
        for failure in failures:
            typer.echo(f"target missed: {failure}", err=True)
        if failures:
            raise typer.Exit(code=1)


def _override(item: str) -> tuple[str, object]:
    """NAME=VALUE for a feedback weight; the value is parsed as JSON where it can be (numbers, true)."""
    name, sep, value = item.partition("=")
    if not sep or not name:
        raise ValueError(f"--set wants NAME=VALUE, got {item!r}")
    try:
        return name.strip(), json.loads(value)
    except json.JSONDecodeError:
        return name.strip(), value
