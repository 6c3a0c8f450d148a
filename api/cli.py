"""The installed `velho` command: matcher's commands plus `velho serve` and `velho demo --serve`,
which need the HTTP layer."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from matcher.cli import app
from matcher.cli.base import load_settings
from matcher.cli.everyday import demo as plain_demo
from matcher.cli.everyday import run_demo


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="API processes (use PostgreSQL for more than one)")] = 1,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs, the web page at /ui)."""
    import uvicorn

    config = load_settings()
    if workers > 1 and config.resolved_database_url.startswith("sqlite"):
        typer.echo("velho: several workers need PostgreSQL (VELHO_DATABASE_URL); SQLite has one writer", err=True)
        raise typer.Exit(code=1)
    _ensure_admin_token()
    # An import string, so that uvicorn can start each worker process with its own app.
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


def _ensure_admin_token() -> None:
    if not load_settings().admin_token:
        # Every worker reads settings from the environment, so they must all get the same token.
        os.environ["VELHO_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
        typer.echo(f"VELHO_ADMIN_TOKEN is not set; this run's admin token: {os.environ['VELHO_ADMIN_TOKEN']}", err=True)


# `velho demo` gains --serve here; matcher's own command stays the same without it.
app.registered_commands = [c for c in app.registered_commands if c.callback is not plain_demo]


@app.command()
def demo(
    k: Annotated[int, typer.Option(min=1, max=20, help="results per request")] = 3,
    serve_: Annotated[
        bool, typer.Option("--serve", help="then serve the API and the web page at /ui, with dev sign-in")
    ] = False,
    host: Annotated[str, typer.Option(help="interface to bind (with --serve)")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port (with --serve)")] = 8000,
) -> None:
    """Load the sample organisation (about 300 people) and answer the demo requests; `--serve` opens it on /ui."""
    run_demo(k)
    if not serve_:
        return
    import uvicorn

    # Dev sign-in lets the page pick any sample employee: tokens signed with a secret made for this run.
    os.environ["VELHO_DEV_SIGN_IN"] = "true"
    if not load_settings().jwt_secret:
        os.environ["VELHO_JWT_SECRET"] = secrets.token_urlsafe(32)
    _ensure_admin_token()
    typer.echo(f"\nVelho's web page: http://{host}:{port}/ui/  (dev sign-in: pick a sample employee; Ctrl+C stops)")
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, log_level="warning")


__all__ = ["app"]
