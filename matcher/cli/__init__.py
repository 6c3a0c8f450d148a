"""The `velho` command line: everyday verbs at the top, admin nouns as groups.

Each module registers its commands on `app`; `api.cli` adds `serve` (the one command that
needs the HTTP layer) and is the installed entry point.
"""

from __future__ import annotations

from matcher.cli import access, admin, engagement, evaluation, everyday  # noqa: F401  (registers the commands)
from matcher.cli.base import app

__all__ = ["app"]
