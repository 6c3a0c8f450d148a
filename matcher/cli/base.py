"""The typer app, logging set-up, and the helpers every command shares."""

from __future__ import annotations

import logging
import sys
from typing import Annotated, NoReturn

import typer

from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build

app = typer.Typer(help="Velho: find the colleague best able to help.", no_args_is_help=True, add_completion=False)


def load_settings() -> Settings:
    """Settings from the environment (and .env), read per command."""
    return Settings()


def fail(message: str) -> NoReturn:
    """One line on stderr, exit 1."""
    typer.echo(f"velho: {message}", err=True)
    raise typer.Exit(code=1)


def started(*, progress: bool = True) -> Velho:
    """A migrated Velho with its index loaded and in step."""
    velho = build(load_settings())
    velho.start(progress=progress)
    return velho


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="log events to stderr")] = False) -> None:
    """Configure logging once for every command."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("faiss.loader").setLevel(logging.WARNING)
