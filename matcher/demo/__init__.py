"""The sample organisation and requests behind `velho demo`.

They ship inside the package (not in a docs folder) so that `velho demo` works from any
installed copy, without a checkout. `generate.py` rebuilds the organisation reproducibly.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any


def organisation_path() -> Path:
    """The bundled NDJSON import file (about 300 people); a real path so it can be read like any import."""
    return Path(str(resources.files(__package__).joinpath("organisation.jsonl")))


def demo_requests() -> list[dict[str, Any]]:
    """The demo's help requests (`text`, `language`): each is answerable by one of the sample's hidden experts."""
    data = resources.files(__package__).joinpath("requests.json").read_text(encoding="utf-8")
    return list(json.loads(data))
