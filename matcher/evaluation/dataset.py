"""Reads an evaluation set: profiles.jsonl, requests.jsonl, qrels.tsv."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from matcher.matching.schemas import MAX_REQUEST_CHARS
from profiles.schemas import ProfileCreate, StrengthIn


@dataclass(frozen=True)
class EvalRequest:
    """One request; `text` is cut to the API's limit (`truncated` says so)."""

    id: str
    text: str
    language: str
    requester_id: str | None
    truncated: bool
    # Optional: language of the statement that answers the request (hand-made sets know it).
    target_language: str | None = None


@dataclass
class EvalSet:
    """Profiles, requests and graded answers of one set."""

    name: str
    profiles: list[tuple[str, ProfileCreate]]
    requests: list[EvalRequest]
    qrels: dict[str, dict[str, int]]


def load_eval_set(directory: Path) -> EvalSet:
    """Parse the three files of an evaluation set directory."""
    profiles: list[tuple[str, ProfileCreate]] = []
    for line in (directory / "profiles.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        lang = rec.get("language") or "fi"
        languages = ["fi", "en"] if lang == "mixed" else [lang]
        strengths = [StrengthIn(text=t[:1000]) for t in rec.get("strengths", []) if t and t.strip()][:50]
        profiles.append(
            (
                rec["external_id"],
                ProfileCreate(
                    name=rec.get("name") or rec["external_id"],
                    unit=rec.get("unit") or "",
                    languages=languages,
                    strengths=strengths,
                ),
            )
        )
    requests: list[EvalRequest] = []
    for line in (directory / "requests.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        text = rec["text"].strip()
        requests.append(
            EvalRequest(
                id=rec["id"],
                text=text[:MAX_REQUEST_CHARS].strip(),
                language=rec.get("language") or "",
                requester_id=rec.get("requester_external_id"),
                truncated=len(text) > MAX_REQUEST_CHARS,
                target_language=rec.get("target_language"),
            )
        )
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    with (directory / "qrels.tsv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            qrels[row["request_id"]][row["external_id"]] = int(row["grade"])
    return EvalSet(directory.name, profiles, requests, dict(qrels))
