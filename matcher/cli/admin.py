"""Admin groups: `velho index …`, `velho model …`."""

from __future__ import annotations

from typing import Annotated

import typer

from matcher.cli.base import app, fail, load_settings

index_app = typer.Typer(help="Manage the vector index.", no_args_is_help=True)
model_app = typer.Typer(help="Manage the embedding model.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(model_app, name="model")


@index_app.command("rebuild")
def index_rebuild() -> None:
    """Rebuild the index from stored vectors (re-embedding only after a model change)."""
    from matcher.app.migrate import upgrade_database
    from matcher.app.wiring import build

    velho = build(load_settings())
    try:
        upgrade_database(velho.engine)
        count = velho.rebuild_index(progress=True)
    finally:
        velho.close()
    typer.echo(f"index rebuilt: {count} statement vectors")


@model_app.command("prepare")
def model_prepare(
    force: Annotated[bool, typer.Option(help="convert again even if a good copy exists")] = False,
) -> None:
    """Convert the configured bundled e5 (with its adapter) and export ONNX (done on first use anyway)."""
    from embeddings.factory import prepare_model

    settings = load_settings()
    try:
        folders = prepare_model(settings.model, settings.cache_dir, force=force)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"model ready at {folders[0]} (ONNX: {folders[1]})")
