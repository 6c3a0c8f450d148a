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
    requests: Annotated[int, typer.Option(min=1, help="simulated requests per run")] = 2000,
    window: Annotated[int, typer.Option(min=1, help="requests per reported window")] = 200,
    seed: Annotated[int, typer.Option(help="seed of the organisation, the people and exploration")] = 7,
    feedback: Annotated[bool, typer.Option("--feedback/--no-feedback", help="feedback effects on or off")] = True,
    compare_runs: Annotated[bool, typer.Option("--compare", help="run with feedback on and off, side by side")] = False,
    out: Annotated[Path | None, typer.Option(help="keep the simulation databases here")] = None,
) -> None:
    """Simulate the feedback loop on a synthetic organisation and print per-window metrics."""
    import tempfile
    from dataclasses import replace

    from tqdm import tqdm

    from matcher.evaluation.simulation import SimConfig, check_targets, compare, describe, format_table, run_simulation

    config = SimConfig(requests=requests, window=window, seed=seed, feedback=feedback)
    work = out or Path(tempfile.mkdtemp(prefix="velho-sim-"))
    typer.echo(describe(config))
    runs = 2 if compare_runs else 1
    with tqdm(total=requests * runs, desc="simulating", unit="request") as bar:
        if compare_runs:
            on, off = compare(config, work, on_request=lambda _i: bar.update())
        else:
            on, off = run_simulation(replace(config), work / "run", on_request=lambda _i: bar.update()), None
    if off is None:
        typer.echo(f"feedback {'on' if feedback else 'off'}")
    typer.echo(format_table(on, off))
    if off is not None:
        failures = check_targets(on, off)
        for failure in failures:
            typer.echo(f"target missed: {failure}", err=True)
        if failures:
            raise typer.Exit(code=1)
