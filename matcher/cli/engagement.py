"""`velho engagement …`: follow engagements (offers of a match to a provider) by hand."""

from __future__ import annotations

from typing import Annotated

import typer

from matcher.cli.base import app, fail, started

engagement_app = typer.Typer(help="Follow engagements (offers of a match to a provider) by hand.", no_args_is_help=True)
app.add_typer(engagement_app, name="engagement")


def _engagement_call(action: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
    """Run one EngagementService method in a unit of work and print the engagement as JSON."""
    from matcher.feedback.schemas import to_read
    from profiles.actor import Actor
    from profiles.errors import VelhoError

    velho = started(progress=False)
    try:
        with velho.session() as session:
            kwargs["actor"] = Actor.admin()  # the command line is the operator's
            result = getattr(velho.engagements, action)(session, **kwargs)
            read = result if action == "get" else to_read(result[0])
            text = read.model_dump_json(indent=2)
    except VelhoError as exc:
        fail(exc.detail)
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
def engagement_decline(
    engagement_id: int,
    reason: Annotated[str | None, typer.Option()] = None,
    outside_skills: Annotated[
        bool, typer.Option("--outside-skills", help="they cannot help with this kind of request")
    ] = False,
) -> None:
    """The provider declines (optionally with a reason, or as outside their skills)."""
    _engagement_call("decline", engagement_id=engagement_id, reason=reason, outside_skills=outside_skills)


@engagement_app.command("complete")
def engagement_complete(engagement_id: int) -> None:
    """Mark accepted help as done."""
    _engagement_call("complete", engagement_id=engagement_id)


@engagement_app.command("cancel")
def engagement_cancel(engagement_id: int, reason: Annotated[str | None, typer.Option()] = None) -> None:
    """Call off a proposed or accepted engagement."""
    _engagement_call("cancel", engagement_id=engagement_id, reason=reason)


@engagement_app.command("rate")
def engagement_rate(
    engagement_id: int,
    score: Annotated[int, typer.Argument(min=1, max=5)],
    comment: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Rate a completed engagement 1-5, once."""
    _engagement_call("rate", engagement_id=engagement_id, score=score, comment=comment)
