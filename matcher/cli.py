"""The `velho` command line: everyday verbs at the top, admin nouns as groups."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from matcher.settings import Settings

app = typer.Typer(help="Velho: find the colleague best able to help.", no_args_is_help=True, add_completion=False)
index_app = typer.Typer(help="Manage the vector index.", no_args_is_help=True)
model_app = typer.Typer(help="Manage the embedding model.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(model_app, name="model")


def _settings() -> Settings:
    return Settings()


def _fail(message: str) -> None:
    typer.echo(f"velho: {message}", err=True)
    raise typer.Exit(code=1)


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log events to stderr")] = False) -> None:
    """Configure logging once for every command."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)


def _started(progress: bool = True):  # type: ignore[no-untyped-def]
    from matcher.wiring import build

    velho = build(_settings())
    velho.start(progress=progress)
    return velho


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    if not settings.admin_token:
        import secrets

        settings = settings.model_copy(update={"admin_token": secrets.token_urlsafe(24)})
        typer.echo(f"VELHO_ADMIN_TOKEN is not set; this run's admin token: {settings.admin_token}", err=True)
    uvicorn.run(create_app(settings), host=host, port=port)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON array, NDJSON or CSV")],
    fmt: Annotated[Optional[str], typer.Option("--format", help="csv or json (default: by content)")] = None,
) -> None:
    """Create or replace profiles from a file; bad rows are reported, good rows kept."""
    from tqdm import tqdm

    from profiles.errors import VelhoError
    from profiles.importer import decode_payload, import_rows, load_records, validate_records

    if fmt is None and file.suffix.lower() == ".csv":
        fmt = "csv"
    velho = _started()
    try:
        parsed = validate_records(load_records(decode_payload(file.read_bytes()), fmt=fmt))
        with tqdm(total=len(parsed.rows), desc="importing", unit="profile") as bar, velho.session() as session:
            result = import_rows(velho.profiles, session, parsed, on_chunk=bar.update, commit_each_chunk=True)
    except VelhoError as exc:
        _fail(exc.detail)
    finally:
        velho.close()
    typer.echo(f"created {result.created}, updated {result.updated}, failed {len(result.failed)}")
    for failure in result.failed[:20]:
        typer.echo(f"  row {failure.index} ({failure.external_id or '?'}): {failure.error}", err=True)
    if result.failed:
        raise typer.Exit(code=2)


@app.command()
def match(
    text: Annotated[str, typer.Argument(help="the request, in any of fi/sv/en")],
    k: Annotated[int, typer.Option(min=1, max=100)] = 5,
    requester: Annotated[Optional[str], typer.Option(help="requester's external id (never matched)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the API response as JSON")] = False,
) -> None:
    """Rank providers for a request and print them with reasons."""
    from pydantic import ValidationError

    from matcher.schemas import MatchCreate

    try:
        body = MatchCreate(text=text, k=k, requester_id=requester)
    except ValidationError as exc:
        _fail(exc.errors()[0]["msg"])
    velho = _started()
    try:
        with velho.session() as session:
            result = velho.matching.match(session, body)
    finally:
        velho.close()
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    _print_results(text, result)


def _print_results(text: str, result) -> None:  # type: ignore[no-untyped-def]
    typer.echo(f"\n» {text}")
    if not result.results:
        typer.echo("  (no one found)")
    for i, item in enumerate(result.results, start=1):
        typer.echo(f"  {i}. {item.name} ({item.external_id}, {item.unit}) score {item.score:.3f}")
        typer.echo(f"     {item.explanation}")


@app.command()
def demo(
    k: Annotated[int, typer.Option(min=1, max=20, help="results per request")] = 3,
) -> None:
    """Load the sample organisation (about 300 people) and answer the demo requests."""
    from matcher.demo import demo_requests, organisation_path
    from profiles.importer import decode_payload, import_rows, load_records, validate_records
    from matcher.schemas import MatchCreate
    from tqdm import tqdm

    velho = _started()
    try:
        parsed = validate_records(load_records(decode_payload(organisation_path().read_bytes())))
        with tqdm(total=len(parsed.rows), desc="loading sample organisation", unit="profile") as bar, velho.session() as s:
            result = import_rows(velho.profiles, s, parsed, on_chunk=bar.update, commit_each_chunk=True)
        typer.echo(f"sample organisation: {result.created} created, {result.updated} updated, {len(result.failed)} failed")
        for req in demo_requests():
            with velho.session() as s:
                out = velho.matching.match(s, MatchCreate(text=req["text"], k=k))
            _print_results(req["text"], out)
    finally:
        velho.close()


@app.command("eval")
def eval_(
    directories: Annotated[list[Path], typer.Argument(exists=True, file_okay=False, help="evaluation set folders")],
    json_out: Annotated[Optional[Path], typer.Option("--json", help="also write the reports as JSON here")] = None,
) -> None:
    """Rank every request of each set and print recall@1/5/10, MRR@10 and nDCG@10, overall and per language."""
    from matcher.evaluation.runner import evaluate

    settings = _settings()
    reports = []
    encoder = None
    for directory in directories:
        for name in ("profiles.jsonl", "requests.jsonl", "qrels.tsv"):
            if not (directory / name).exists():
                _fail(f"{directory} has no {name}")
        report = evaluate(directory, settings, encoder=encoder, progress=True)
        reports.append(report.as_dict())
        _print_report(report.as_dict())
    if json_out is not None:
        json_out.write_text(json.dumps(reports, indent=2))
        typer.echo(f"wrote {json_out}")


def _print_report(rep: dict) -> None:  # type: ignore[type-arg]
    keys = ["recall@1", "recall@5", "recall@10", "mrr@10", "ndcg@10"]
    typer.echo(f"\n{rep['set']}: {rep['requests']} requests ({rep['truncated_requests']} truncated to 2,000 chars), "
               f"{rep['profiles']} profiles, load {rep['seconds']['load']}s, rank {rep['seconds']['rank']}s")
    typer.echo(f"  {'':22}" + "".join(f"{k:>11}" for k in keys))
    typer.echo(f"  {'overall':22}" + "".join(f"{rep['overall'][k]:>11.3f}" for k in keys))
    for lang, m in rep["by_language"].items():
        typer.echo(f"  {lang + ' (' + str(int(m['n'])) + ')':22}" + "".join(f"{m[k]:>11.3f}" for k in keys))
    for pair, m in rep.get("by_language_pair", {}).items():  # request language > answering statement's
        typer.echo(f"  {pair + ' (' + str(int(m['n'])) + ')':22}" + "".join(f"{m[k]:>11.3f}" for k in keys))


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Rebuild the index from stored vectors (re-embedding only after a model change)."""
    from matcher.wiring import build

    velho = build(_settings())
    try:
        from matcher.migrate import upgrade_database

        upgrade_database(velho.engine)
        with velho.session() as session:
            count = velho.sync.rebuild(session, progress=True)
    finally:
        velho.close()
    typer.echo(f"index rebuilt: {count} statement vectors")


@model_app.command("prepare")
def model_prepare(force: Annotated[bool, typer.Option(help="convert again even if a good copy exists")] = False) -> None:
    """Convert the configured bundled e5 (with its adapter) and export ONNX (done on first use anyway)."""
    from embeddings.factory import prepare_model

    settings = _settings()
    try:
        folders = prepare_model(settings.model, settings.cache_dir, force=force)
    except ValueError as exc:
        _fail(str(exc))
    typer.echo(f"model ready at {folders[0]} (ONNX: {folders[1]})")



@app.command()
def simulate(
    requests: Annotated[int, typer.Option(min=1, help="simulated requests per run")] = 2000,
    window: Annotated[int, typer.Option(min=1, help="requests per reported window")] = 200,
    seed: Annotated[int, typer.Option(help="seed of the organisation, the people and exploration")] = 7,
    feedback: Annotated[bool, typer.Option("--feedback/--no-feedback", help="feedback effects on or off")] = True,
    compare_runs: Annotated[bool, typer.Option("--compare", help="run with feedback on and off, side by side")] = False,
    out: Annotated[Optional[Path], typer.Option(help="keep the simulation databases here")] = None,
) -> None:
    """Simulate the feedback loop on a synthetic organisation and print per-window metrics."""
    import tempfile
    from dataclasses import replace

    from tqdm import tqdm

    from matcher.simulation import SimConfig, check_targets, compare, describe, format_table, run_simulation

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


engagement_app = typer.Typer(help="Follow engagements (offers of a match to a provider) by hand.", no_args_is_help=True)
app.add_typer(engagement_app, name="engagement")


def _engagement_call(action: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Run one EngagementService method in a unit of work and print the engagement as JSON."""
    from matcher.feedback.schemas import to_read
    from profiles.actor import Actor
    from profiles.errors import VelhoError

    velho = _started(progress=False)
    try:
        with velho.session() as session:
            if action != "get":
                kwargs["actor"] = Actor.admin()
            result = getattr(velho.engagements, action)(session, **kwargs)
            engagement = result[0] if isinstance(result, tuple) else result
            text = to_read(engagement).model_dump_json(indent=2)
    except VelhoError as exc:
        _fail(exc.detail)
    finally:
        velho.close()
    typer.echo(text)


@engagement_app.command("propose")
def engagement_propose(
    request_id: str, provider: Annotated[str, typer.Argument(help="provider's external id")]
) -> None:
    """Offer a stored match request (see `velho match --json`) to one of its providers."""
    _engagement_call("propose", request_id=request_id, provider_id=provider)


@engagement_app.command("show")
def engagement_show(engagement_id: int) -> None:
    """Print an engagement with its timestamps and rating."""
    _engagement_call("get", engagement_id=engagement_id)


@engagement_app.command("accept")
def engagement_accept(engagement_id: int) -> None:
    """The provider accepts."""
    _engagement_call("accept", engagement_id=engagement_id)


@engagement_app.command("decline")
def engagement_decline(engagement_id: int, reason: Annotated[Optional[str], typer.Option()] = None) -> None:
    """The provider declines (optionally with a reason)."""
    _engagement_call("decline", engagement_id=engagement_id, reason=reason)


@engagement_app.command("complete")
def engagement_complete(engagement_id: int) -> None:
    """Mark accepted help as done."""
    _engagement_call("complete", engagement_id=engagement_id)


@engagement_app.command("cancel")
def engagement_cancel(engagement_id: int, reason: Annotated[Optional[str], typer.Option()] = None) -> None:
    """Call off a proposed or accepted engagement."""
    _engagement_call("cancel", engagement_id=engagement_id, reason=reason)


@engagement_app.command("rate")
def engagement_rate(
    engagement_id: int,
    score: Annotated[int, typer.Argument(min=1, max=5)],
    comment: Annotated[Optional[str], typer.Option()] = None,
) -> None:
    """Rate a completed engagement 1-5, once."""
    _engagement_call("rate", engagement_id=engagement_id, score=score, comment=comment)


if __name__ == "__main__":  # pragma: no cover
    app()
