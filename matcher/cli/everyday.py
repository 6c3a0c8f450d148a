"""Everyday verbs: `velho import`, `velho match`, `velho demo`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from matcher.app.wiring import Velho
from matcher.cli.base import app, fail, started
from matcher.matching.schemas import MatchCreate, MatchRead
from profiles.schemas import ImportResult


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="JSON array, NDJSON or CSV")],
    fmt: Annotated[str | None, typer.Option("--format", help="csv or json (default: by content)")] = None,
) -> None:
    """Create or replace profiles from a file; bad rows are reported, good rows kept."""
    from profiles.errors import VelhoError

    if fmt is None and file.suffix.lower() == ".csv":
        fmt = "csv"
    velho = started()
    try:
        result = load_file(velho, file.read_bytes(), fmt=fmt, desc="importing")
    except VelhoError as exc:
        fail(exc.detail)
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
    requester: Annotated[str | None, typer.Option(help="requester's external id (never matched)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the API response as JSON")] = False,
) -> None:
    """Rank providers for a request and print them with reasons."""
    from pydantic import ValidationError

    try:
        body = MatchCreate(text=text, k=k, requester_id=requester)
    except ValidationError as exc:
        fail(exc.errors()[0]["msg"])
    velho = started()
    try:
        with velho.session() as session:
            result = velho.matching.match(session, body)
    finally:
        velho.close()
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
        return
    print_results(text, result)


def load_file(velho: Velho, payload: bytes, *, fmt: str | None, desc: str) -> ImportResult:
    """Import a file's profiles with a progress bar, committing chunk by chunk (a crash keeps what finished)."""
    from tqdm import tqdm

    from profiles.importer import import_payload

    with tqdm(desc=desc, unit="profile") as bar, velho.session() as session:

        def sized(n: int) -> None:
            bar.total = n
            bar.refresh()

        return import_payload(
            velho.profiles, session, payload, fmt=fmt, on_rows=sized, on_chunk=bar.update,
            commit=lambda: velho.uow.commit(session),
        )  # fmt: skip


def print_results(text: str, result: MatchRead) -> None:
    """The request, then one line per provider and its explanation."""
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
    run_demo(k)


def run_demo(k: int) -> None:
    """Load the sample organisation into the configured database and print the demo requests' answers."""
    from matcher.demo import demo_requests, organisation_path

    velho = started()
    try:
        result = load_file(velho, organisation_path().read_bytes(), fmt=None, desc="loading sample organisation")
        typer.echo(
            f"sample organisation: {result.created} created, {result.updated} updated, {len(result.failed)} failed"
        )
        for req in demo_requests():
            with velho.session() as s:
                out = velho.matching.match(s, MatchCreate(text=req["text"], k=k))
            print_results(req["text"], out)
    finally:
        velho.close()
