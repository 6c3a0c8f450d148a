"""Bulk import: parse JSON array / NDJSON / CSV, validate each row, keep the valid ones."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from profiles.errors import InvalidProfile
from profiles.schemas import ImportFailure, ImportResult, ProfileCreate, ProfileImportRow
from profiles.service import ProfileService

CSV_LIST_SEPARATOR = "|"


@dataclass
class ParsedImport:
    """Valid rows (position, external id, profile) and the rejected ones."""

    rows: list[tuple[int, str, ProfileCreate]] = field(default_factory=list)
    failed: list[ImportFailure] = field(default_factory=list)


def decode_payload(payload: bytes) -> str:
    """UTF-8 text of an upload (a BOM is dropped); anything else is the caller's error."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidProfile(f"import is not valid UTF-8 (byte {exc.start})") from exc


def load_records(text: str, *, fmt: str | None = None) -> list[Any]:
    """Records from a JSON array, NDJSON (one object a line) or CSV; NDJSON lines that fail stay as errors."""
    stripped = text.lstrip()
    if fmt == "csv" or (fmt is None and stripped and stripped[0] not in "[{"):
        return _csv_records(text)
    if stripped.startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidProfile(f"import is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        return list(data)
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except json.JSONDecodeError as exc:
            records.append(_BadLine(f"line {number} is not valid JSON: {exc.msg}"))
    return records


@dataclass
class _BadLine:
    error: str


def _csv_records(text: str) -> list[Any]:
    """CSV with a header; list fields (languages, strengths) separated by `|`."""
    out: list[Any] = []
    for row in csv.DictReader(io.StringIO(text)):
        rec: dict[str, Any] = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        for key in ("languages",):
            if key in rec:
                rec[key] = [p.strip() for p in rec[key].split(CSV_LIST_SEPARATOR) if p.strip()]
        if "strengths" in rec:
            rec["strengths"] = [{"text": p.strip()} for p in rec["strengths"].split(CSV_LIST_SEPARATOR) if p.strip()]
        for key in ("supervisor", "visible"):
            if key in rec:
                rec[key] = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
                    rec[key].strip().lower(), rec[key]
                )
        if "capacity" in rec and rec["capacity"].strip().lstrip("-").isdigit():
            rec["capacity"] = int(rec["capacity"])
        out.append(rec)
    return out


def validate_records(records: Sequence[Any]) -> ParsedImport:
    """Validate every record; duplicates of an external id keep the last and report the earlier."""
    parsed = ParsedImport()
    last_seen: dict[str, int] = {}
    valid: dict[int, tuple[int, str, ProfileCreate]] = {}
    for index, rec in enumerate(records):
        ext = rec.get("external_id") if isinstance(rec, dict) else None
        ext_s = ext if isinstance(ext, str) else None
        if isinstance(rec, _BadLine):
            parsed.failed.append(ImportFailure(index=index, external_id=None, error=rec.error))
            continue
        try:
            row = ProfileImportRow.model_validate(rec)
        except ValidationError as exc:
            parsed.failed.append(ImportFailure(index=index, external_id=ext_s, error=_summarise(exc)))
            continue
        data = ProfileCreate.model_validate(row.model_dump(exclude={"external_id"}))
        if row.external_id in last_seen:
            earlier = last_seen[row.external_id]
            valid.pop(earlier, None)
            parsed.failed.append(
                ImportFailure(index=earlier, external_id=row.external_id, error=f"superseded by row {index} with the same external_id")
            )
        last_seen[row.external_id] = index
        valid[index] = (index, row.external_id, data)
    parsed.rows = [valid[i] for i in sorted(valid)]
    parsed.failed.sort(key=lambda f: f.index)
    return parsed


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = ".".join(str(p) for p in err["loc"]) or "(row)"
        parts.append(f"{loc}: {err['msg']}")
    return "; ".join(parts)


def import_rows(
    service: ProfileService,
    session: Session,
    parsed: ParsedImport,
    *,
    chunk_size: int = 200,
    on_chunk: Callable[[int], None] | None = None,
    commit_each_chunk: bool = False,
) -> ImportResult:
    """Write the valid rows in chunks (one flush and one encode batch per chunk)."""
    created = updated = 0
    for chunk in _chunks(parsed.rows, chunk_size):
        c, u = service.upsert_many(session, rows=[(ext, data) for _, ext, data in chunk])
        created += c
        updated += u
        if commit_each_chunk:
            session.commit()
        if on_chunk is not None:
            on_chunk(len(chunk))
    return ImportResult(created=created, updated=updated, failed=parsed.failed)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
