"""Bulk import: parse JSON array / NDJSON / CSV, validate each row, keep the valid ones."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
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


# What a media type says about the format; without one (the CLI), the content decides.
FORMATS = {"application/json": "json", "application/x-ndjson": "ndjson", "text/csv": "csv"}


def load_records(text: str, *, fmt: str | None = None) -> list[Any]:
    """Records from a JSON array ("json"), NDJSON ("ndjson") or CSV ("csv"); None guesses from the content.

    NDJSON lines that are not JSON stay in the list as errors of their own row.
    """
    stripped = text.lstrip()
    if fmt is None:
        fmt = "csv" if stripped and stripped[0] not in "[{" else "json" if stripped.startswith("[") else "ndjson"
    if fmt == "csv":
        return _csv_records(text)
    if fmt == "json":
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            where = f": {exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else ""
            raise InvalidProfile(f"import is not valid JSON{where}") from exc
        if not isinstance(data, list):
            raise InvalidProfile("a JSON import is an array of profiles (send NDJSON as application/x-ndjson)")
        return data
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(json.loads(line))
        except (json.JSONDecodeError, RecursionError) as exc:
            reason = exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply"
            records.append(_BadLine(f"line {number} is not valid JSON: {reason}"))
    return records


@dataclass
class _BadLine:
    error: str


def _csv_records(text: str) -> list[Any]:
    """CSV with a header; list fields (languages, strengths) separated by `|`."""
    try:
        return [_csv_row(row) for row in _csv_rows(text)]
    except csv.Error as exc:  # e.g. a NUL byte, or a quote left open
        raise InvalidProfile(f"import is not readable CSV: {exc}") from exc


def _csv_rows(text: str) -> Iterator[dict[str | Any, str | Any]]:
    reader = csv.DictReader(io.StringIO(text))
    if "external_id" not in (reader.fieldnames or []):
        raise InvalidProfile("a CSV import needs a header row naming its columns, external_id among them")
    yield from reader


def _csv_row(row: dict[str | Any, str | Any]) -> dict[str, Any]:
    rec: dict[str, Any] = {k: v for k, v in row.items() if isinstance(k, str) and v not in (None, "")}
    for key in ("languages",):
        if key in rec:
            rec[key] = [p.strip() for p in str(rec[key]).split(CSV_LIST_SEPARATOR) if p.strip()]
    if "strengths" in rec:
        rec["strengths"] = [{"text": p.strip()} for p in str(rec["strengths"]).split(CSV_LIST_SEPARATOR) if p.strip()]
    for key in ("supervisor", "visible"):
        if key in rec and isinstance(rec[key], str):
            rec[key] = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
                rec[key].strip().lower(), rec[key]
            )
    if isinstance(rec.get("capacity"), str) and rec["capacity"].strip().lstrip("-").isdigit():
        rec["capacity"] = int(rec["capacity"])
    return rec


def validate_records(records: Sequence[Any]) -> ParsedImport:
    """Validate every record; an external id given twice makes the whole import ambiguous (422)."""
    parsed = ParsedImport()
    rows_of: dict[str, list[int]] = {}
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
        rows_of.setdefault(row.external_id, []).append(index)
        data = ProfileCreate.model_validate(row.model_dump(exclude={"external_id"}))
        parsed.rows.append((index, row.external_id, data))
    repeated = {ext: rows for ext, rows in rows_of.items() if len(rows) > 1}
    if repeated:
        # Which row should win is the sender's decision, not ours: refuse the batch, change nothing.
        errors = [
            {
                "field": f"[{rows[-1]}].external_id",
                "message": f"{ext} is also in row(s) {', '.join(map(str, rows[:-1]))}",
            }
            for ext, rows in sorted(repeated.items(), key=lambda kv: kv[1][0])
        ]
        raise InvalidProfile(
            f"{len(repeated)} external id(s) appear more than once; send each employee once per import",
            errors=errors[:50],
        )
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
    commit: Callable[[], None] | None = None,
) -> ImportResult:
    """Write the valid rows in chunks (one flush and one encode batch per chunk).

    Without `commit` the whole import is one transaction (all or nothing, the HTTP import); with
    it, each chunk is committed as it is written (the CLI: a crash keeps the finished chunks).
    """
    created = updated = 0
    for chunk in _chunks(parsed.rows, chunk_size):
        c, u = service.upsert_many(session, rows=[(ext, data) for _, ext, data in chunk])
        created += c
        updated += u
        if commit is not None:
            commit()
        if on_chunk is not None:
            on_chunk(len(chunk))
    return ImportResult(created=created, updated=updated, failed=parsed.failed)


def import_payload(
    service: ProfileService,
    session: Session,
    payload: bytes,
    *,
    fmt: str | None = None,
    chunk_size: int = 200,
    on_rows: Callable[[int], None] | None = None,
    on_chunk: Callable[[int], None] | None = None,
    commit: Callable[[], None] | None = None,
) -> ImportResult:
    """The whole import pipeline: decode, parse, validate, write (HTTP, CLI and demo share it).

    `on_rows` hears how many valid rows there are before writing starts (for a progress bar).
    """
    if not payload:
        raise InvalidProfile("the import is empty: send a JSON array, NDJSON or CSV")
    # A file with no rows (a CSV header alone, say) is a valid import that changes nothing.
    parsed = validate_records(load_records(decode_payload(payload), fmt=fmt))
    if on_rows is not None:
        on_rows(len(parsed.rows))
    return import_rows(service, session, parsed, chunk_size=chunk_size, on_chunk=on_chunk, commit=commit)


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
