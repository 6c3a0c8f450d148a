"""Manifest saved beside the index: which vector space it holds and how it was built."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

MANIFEST_FILE = "manifest.json"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class IndexManifest:
    """Identity of a saved index; a mismatch with the running encoder means rebuild."""

    model_id: str
    dimension: int
    backend: str
    count: int
    change_seq: int
    centering: bool
    built_at: str
    format_version: int = FORMAT_VERSION

    @classmethod
    def now(cls, **fields: object) -> "IndexManifest":
        """A manifest stamped with the current time."""
        return cls(built_at=datetime.now(timezone.utc).isoformat(), **fields)  # type: ignore[arg-type]

    def save(self, directory: Path) -> None:
        """Write manifest.json."""
        (directory / MANIFEST_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, directory: Path) -> "IndexManifest | None":
        """The saved manifest, or None when missing or unreadable."""
        try:
            data = json.loads((directory / MANIFEST_FILE).read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None

    def matches(self, *, model_id: str, dimension: int, backend: str) -> bool:
        """True when this index was built for the given encoder and backend."""
        return (
            self.format_version == FORMAT_VERSION
            and self.model_id == model_id
            and self.dimension == dimension
            and self.backend == backend
        )
