"""The installed `velho` command: matcher's commands plus `velho serve`, which needs the HTTP layer."""

from __future__ import annotations

import os
import secrets
from typing import Annotated

import typer

from matcher.cli import app
from matcher.cli.base import load_settings


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="interface to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="API processes (use PostgreSQL for more than one)")] = 1,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn

    config = load_settings()
    if workers > 1 and config.resolved_database_url.startswith("sqlite"):
        typer.echo("velho: several workers need PostgreSQL (VELHO_DATABASE_URL); SQLite has one writer", err=True)
        raise typer.Exit(code=1)
    if not config.admin_token:
        # Every worker reads settings from the environment, so they must all get the same token.
        os.environ["VELHO_ADMIN_TOKEN"] = secrets.token_urlsafe(24)
        typer.echo(f"VELHO_ADMIN_TOKEN is not set; this run's admin token: {os.environ['VELHO_ADMIN_TOKEN']}", err=True)
    # An import string, so that uvicorn can start each worker process with its own app.
    uvicorn.run("api.app:create_app", factory=True, host=host, port=port, workers=workers)


__all__ = ["app"]
