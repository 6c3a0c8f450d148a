"""Admin groups: `velho keys …` (integration keys), `velho audit`, `velho webhooks run`."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Annotated, Literal

import typer

from matcher.app.wiring import Velho, build
from matcher.cli.base import app, fail, load_settings
from profiles.errors import VelhoError

keys_app = typer.Typer(help="Integration keys for frontends (stored only as hashes).", no_args_is_help=True)
webhooks_app = typer.Typer(help="Webhook delivery.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(webhooks_app, name="webhooks")


def _velho() -> Velho:
    """A Velho with its schema migrated, without loading the index (these commands never search)."""
    from matcher.app.migrate import upgrade_database

    velho = build(load_settings())
    upgrade_database(velho.engine)
    return velho


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option(help="a name for the frontend, e.g. intranet")],
    scope: Annotated[
        Literal["integration", "insights", "admin"], typer.Option(help="what the key may do")
    ] = "integration",
) -> None:
    """Create a key and print it once: it is stored only as a hash and cannot be shown again."""
    velho = _velho()
    try:
        with velho.session() as session:
            key, secret = velho.keys.create(session, name=name, scope=scope)
    except VelhoError as exc:
        fail(exc.detail)
    finally:
        velho.close(save=False)
    typer.echo(secret)
    typer.echo(
        f"created key {key.name} (scope {key.scope}, prefix {key.prefix}); store it now: it is not shown again",
        err=True,
    )


@keys_app.command("list")
def keys_list() -> None:
    """Name, scope, created, last used and revoked, for every key."""
    velho = _velho()
    try:
        with velho.reading() as session:
            keys = velho.keys.all(session)
    finally:
        velho.close(save=False)
    typer.echo(f"{'name':<24}{'scope':<13}{'prefix':<12}{'created':<22}{'last used':<22}revoked")
    for k in keys:
        typer.echo(
            f"{k.name:<24}{k.scope:<13}{k.prefix:<12}{_when(k.created_at):<22}{_when(k.last_used_at):<22}{_when(k.revoked_at)}"
        )


@keys_app.command("revoke")
def keys_revoke(name: Annotated[str, typer.Argument(help="the key's name")]) -> None:
    """End a key now; every process refuses it from its next call on."""
    velho = _velho()
    try:
        with velho.session() as session:
            key = velho.keys.revoke(session, name=name)
    except VelhoError as exc:
        fail(exc.detail)
    finally:
        velho.close(save=False)
    typer.echo(f"revoked key {key.name} at {_when(key.revoked_at)}")


@app.command()
def audit(
    since: Annotated[datetime | None, typer.Option(help="events at or after this moment (ISO 8601)")] = None,
    actor: Annotated[str | None, typer.Option(help="only this actor (admin, a key's name, an employee id)")] = None,
    limit: Annotated[int, typer.Option(min=1, max=100_000)] = 200,
) -> None:
    """The audit log, newest first: who, acting through which key, what, on which id, when, the outcome."""
    velho = _velho()
    try:
        with velho.reading() as session:
            rows = velho.audit.recent(session, since=since, actor=actor, limit=limit)
    finally:
        velho.close(save=False)
    for r in rows:
        via = f" via {r.via}" if r.via else ""
        typer.echo(
            f"{_when(r.at)}  {r.outcome:<8}{r.status:<5}{r.actor_kind}:{r.actor}{via}  {r.action}"
            f"{' ' + r.target if r.target else ''}  request={r.request_id or '-'}"
        )


@webhooks_app.command("run")
def webhooks_run(
    once: Annotated[bool, typer.Option("--once", help="deliver what is due, then stop")] = False,
    every: Annotated[float, typer.Option(min=0.1, help="seconds between rounds")] = 1.0,
) -> None:
    """Deliver webhooks from this process (for deployments that keep delivery out of the API processes)."""
    velho = _velho()
    try:
        if once:
            velho.deliveries.drain()
            return
        typer.echo("delivering webhooks; Ctrl-C stops", err=True)
        while True:
            if not velho.deliveries.run_once():
                time.sleep(every)
    except KeyboardInterrupt:
        pass
    finally:
        velho.close(save=False)


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"
