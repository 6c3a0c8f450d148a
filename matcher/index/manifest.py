"""Manifest saved beside the index: which vector space it holds, how it was built, and checksums."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

MANIFEST_FILE = "manifest.json"
# 2: the manifest lists a sha256 per index file, so a damaged file is caught before it is read.
FORMAT_VERSION = 2


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


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
    files: dict[str, str] = field(default_factory=dict)
    format_version: int = FORMAT_VERSION

    @classmethod
    def now(cls, **fields: object) -> IndexManifest:
        """A manifest stamped with the current time."""
        return cls(built_at=datetime.now(UTC).isoformat(), **fields)  # type: ignore[arg-type]

    @staticmethod
    def checksums(directory: Path) -> dict[str, str]:
        """sha256 of every file in `directory` (the manifest itself excluded)."""
        return {p.name: file_sha256(p) for p in sorted(directory.iterdir()) if p.is_file() and p.name != MANIFEST_FILE}

    def save(self, directory: Path) -> None:
        """Write manifest.json."""
        (directory / MANIFEST_FILE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, directory: Path) -> IndexManifest | None:
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

    def damaged_files(self, directory: Path) -> list[str]:
        """Files listed here that are missing or whose content changed (truncated, corrupted)."""
        if not self.files:
            return ["(no checksums)"]
        damaged = []
        for name, digest in sorted(self.files.items()):
            path = directory / name
            if not path.is_file() or file_sha256(path) != digest:
                damaged.append(name)
        return damaged
