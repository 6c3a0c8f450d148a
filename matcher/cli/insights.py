"""`velho insights demand|supply|suggestions`: the insights API's aggregates on the command line."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from pydantic import BaseModel

from matcher.cli.base import app, fail, started
from matcher.insights.period import Period
from matcher.insights.schemas import DemandRead, SuggestionsRead, SupplyRead
from profiles.errors import VelhoError

insights_app = typer.Typer(help="Demand, supply and suggestions (aggregates only).", no_args_is_help=True)
app.add_typer(insights_app, name="insights")

Since = Annotated[datetime | None, typer.Option(help="start (default: 30 days before --until)")]
Until = Annotated[datetime | None, typer.Option(help="end, exclusive (default: now)")]
Unit = Annotated[str | None, typer.Option(help="only requests filed by people of this unit")]
AsJson = Annotated[bool, typer.Option("--json", help="print the API response as JSON")]


def _run(kind: str, since: datetime | None, until: datetime | None, unit: str | None) -> BaseModel:
    try:
        period = Period.of(since, until)
    except VelhoError as exc:
        fail(exc.detail)
    velho = started(progress=False)
    try:
        with velho.reading() as session:
            if kind == "demand":
                return velho.insights.demand(session, period=period, unit=unit)
            if kind == "supply":
                return velho.insights.supply(session, period=period, unit=unit, limit=20)
            return velho.insights.suggestions(session, period=period, unit=unit)
    finally:
        velho.close()


@insights_app.command("demand")
def demand(since: Since = None, until: Until = None, unit: Unit = None, as_json: AsJson = False) -> None:
    """Topics of the period's requests, with volume, trend, unmet demand and outcomes."""
    out = _run("demand", since, until, unit)
    assert isinstance(out, DemandRead)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    typer.echo(
        f"{out.requests} requests, {len(out.topics)} topics shown, {out.hidden_topics} hidden (< {out.min_group_size})"
    )
    for t in out.topics:
        trend = "new" if t.trend is None else f"{t.trend:+.0%}"
        strong = "?" if t.strong_share is None else f"{t.strong_share:.0%}"
        typer.echo(f"  {t.volume:6d} ({trend:>5}) unmet {t.unmet_share:4.0%} strong {strong:>4}  {t.label.en}")


@insights_app.command("supply")
def supply(since: Since = None, until: Until = None, unit: Unit = None, as_json: AsJson = False) -> None:
    """How offers fared: matched, chosen, rated; unused offers; spread of load; hidden experts."""
    out = _run("supply", since, until, unit)
    assert isinstance(out, SupplyRead)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    s = out.spread
    typer.echo(f"{out.offers_total} offers, {out.unused_total} never in a top 3; exposure Gini {s.exposure_gini}")
    for o in out.offers:
        typer.echo(
            f"  top3 {o.matched_top3:5d} chosen {o.chosen:4d} rated {o.rated:3d}  {o.external_id}: {o.text[:60]}"
        )
    for u in out.hidden_experts:
        typer.echo(f"  hidden experts in {u.unit}: " + ", ".join(f"{e.name} ({e.well_rated})" for e in u.experts))


@insights_app.command("suggestions")
def suggestions(since: Since = None, until: Until = None, unit: Unit = None, as_json: AsJson = False) -> None:
    """What to change: recruit or train, revise, retire or reword."""
    out = _run("suggestions", since, until, unit)
    assert isinstance(out, SuggestionsRead)
    if as_json:
        typer.echo(out.model_dump_json(indent=2))
        return
    for s in out.suggestions:
        typer.echo(f"  [{s.kind}] {s.label.en[:60]} — {s.reason.en}")
