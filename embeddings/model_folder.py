"""Build a derived model folder once, atomically, and check it is intact on later starts.

Converted models are large (~0.5 GB) and built by whichever process needs them first, so a
build goes to a temp dir, gets a manifest of file sizes and hashes last, and is renamed into
place under a file lock: readers see either no folder, the old one, or a complete new one.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

MANIFEST = "velho-manifest.json"
# Files larger than this are checked by size only: hashing ~1 GB on every start costs more
# than it protects (truncation, the realistic failure, changes the size).
_HASH_LIMIT = 32 << 20


@functools.lru_cache(maxsize=8)
def _sha256_cached(path: str, size: int, mtime_ns: int) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, remembered per (path, size, mtime) within the process."""
    st = path.stat()
    return _sha256_cached(str(path), st.st_size, st.st_mtime_ns)


def _file_table(root: Path) -> dict[str, dict[str, Any]]:
    table: dict[str, dict[str, Any]] = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.name != MANIFEST:
            entry: dict[str, Any] = {"size": p.stat().st_size}
            if entry["size"] <= _HASH_LIMIT:
                entry["sha256"] = sha256_of(p)
            table[p.relative_to(root).as_posix()] = entry
    return table


def is_complete(folder: Path, fingerprint: dict[str, Any]) -> bool:
    """True when `folder` has a manifest for `fingerprint` and every listed file is intact."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("fingerprint") != fingerprint or not manifest.get("files"):
            return False
        for rel, entry in manifest["files"].items():
            p = folder / rel
            if p.stat().st_size != entry["size"]:
                return False
            if "sha256" in entry and sha256_of(p) != entry["sha256"]:
                return False
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return False
    return True


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """Serialise builders of one artefact across processes (no-op where flock is missing)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - non-POSIX
        yield
        return
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_built(
    target: Path, fingerprint: dict[str, Any], build: Callable[[Path], None], *, force: bool = False
) -> bool:
    """Make `target` a complete build for `fingerprint`; return True if it was (re)built.

    `build` fills an empty temp dir next to `target`; the manifest is written last and the
    dir renamed into place, so readers see either the old folder or a complete new one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target.parent / f".{target.name}.lock"):
        if not force and is_complete(target, fingerprint):
            return False
        for stale in target.parent.glob(f".{target.name}.tmp-*"):  # left by a crashed build
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            started = time.perf_counter()
            build(tmp)
            manifest = {
                "fingerprint": fingerprint,
                "files": _file_table(tmp),
                "build_seconds": round(time.perf_counter() - started, 2),
                "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            }
            # mkdtemp makes 0700 dirs (and safetensors 0600 files); a shared cache needs 755/644.
            for p in [tmp, *tmp.rglob("*")]:
                p.chmod(0o755 if p.is_dir() else 0o644)
                if p.is_file():
                    _fsync(p)
            (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
            _fsync(tmp / MANIFEST)
            old = None
            if target.exists():
                old = target.parent / f".{target.name}.tmp-old-{os.getpid()}"
                os.replace(target, old)
            os.replace(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return True


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def drop_other_versions(target: Path) -> None:
    """Delete sibling builds of older/newer versions (`name-v1` next to `name-v2`): ~0.5 GB each."""
    stem = target.name.rsplit("-v", 1)[0]
    for other in target.parent.glob(f"{stem}-v*"):
        if other != target and other.is_dir() and other.name.rsplit("-v", 1)[1].isdigit():
            shutil.rmtree(other, ignore_errors=True)
