"""Writes `organisation.jsonl`, the sample wellbeing services county behind `velho demo`.

    python -m matcher.demo.generate            # rewrite the bundled file
    python -m matcher.demo.generate --check    # exit 1 if the bundled file is out of date

Everything comes from hand-written pools (names, units, titles, and statement phrasings per
role in fi/sv/en) combined by one `random.Random(SEED)`, so the output is byte-for-byte
reproducible. The hidden experts that the demo requests are meant to find are written out by
hand in `HANDWRITTEN` and placed at fixed ids. No real person is described.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.demo.phrasings import POOLS
from matcher.demo.staff import (
    FI_FEMALE,
    FI_MALE,
    FI_SURNAMES,
    HANDWRITTEN,
    ORIGINS,
    ORIGINS_WRITING,
    SV_FEMALE,
    SV_MALE,
    SV_SURNAMES,
    UNITS,
    Role,
    Unit,
)

SEED = 20260
PEOPLE = 300
OUT = Path(__file__).with_name("organisation.jsonl")

# --------------------------------------------------------------------------------- generation

STATEMENT_COUNTS = ((2, 10), (3, 28), (4, 32), (5, 20), (6, 10))
LEVELS = ((2, 8), (3, 32), (4, 40), (5, 20))
CAPACITIES = ((1, 10), (2, 25), (3, 35), (4, 18), (5, 12))
AVAILABILITY = (("available", 85), ("limited", 10), ("unavailable", 5))
HIDDEN_GENERATED = 4  # generated people with visible=false (plus the hand-written one)


def _weighted(rng: random.Random, pairs: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


class _Picker:
    """Draws statements, preferring the skills and phrasings used least so far (fewer exact repeats)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.uses: Counter[tuple[str, str, int]] = Counter()
        self.phrasing_uses: Counter[str] = Counter()

    def pick(self, pool: str, language: str, taken: set[tuple[str, str, int]]) -> str | None:
        skills = POOLS[pool].get(language, [])
        free = [i for i in range(len(skills)) if (pool, language, i) not in taken]
        if not free:
            return None
        least = min(self.uses[(pool, language, i)] for i in free)
        index = self.rng.choice([i for i in free if self.uses[(pool, language, i)] == least])
        key = (pool, language, index)
        self.uses[key] += 1
        taken.add(key)
        skill = skills[index]
        phrasings = [skill] if isinstance(skill, str) else list(skill)
        fewest = min(self.phrasing_uses[p] for p in phrasings)
        text = self.rng.choice([p for p in phrasings if self.phrasing_uses[p] == fewest])
        self.phrasing_uses[text] += 1
        return text


@dataclass
class _Writer:
    """How one person writes: name origin, listed languages, language of each statement."""

    kind: str  # fi | fi_en | sv | intl
    origin: str | None = None

    def statement_language(self, rng: random.Random) -> str:
        if self.kind == "fi":
            return "fi"
        if self.kind == "fi_en":
            return "en" if rng.random() < 0.4 else "fi"
        if self.kind == "sv":
            return "sv" if rng.random() < 0.88 else "fi"
        main = ORIGINS[self.origin or "en"].writes
        return main if rng.random() < 0.85 else ("fi" if main == "en" else "en")


def _writer(rng: random.Random, unit: Unit) -> _Writer:
    if unit.swedish:
        return _Writer("sv")
    r = rng.random()
    if r < unit.sv:
        return _Writer("sv")
    r -= unit.sv
    if r < unit.intl_en:
        return _Writer("intl", rng.choice(ORIGINS_WRITING["en"]))
    r -= unit.intl_en
    if r < unit.intl_fi:
        return _Writer("intl", rng.choice(ORIGINS_WRITING["fi"]))
    r -= unit.intl_fi
    return _Writer("fi_en" if r < unit.fi_en else "fi")


def _name(rng: random.Random, writer: _Writer, female: bool, taken: set[str], unit: str) -> str:
    """A unique full name; no rare surname twice in one unit (it would read as a generated list)."""
    for _ in range(1000):
        if writer.kind == "sv":
            name = f"{rng.choice(SV_FEMALE if female else SV_MALE)} {rng.choice(SV_SURNAMES)}"
        elif writer.kind == "intl":
            origin = ORIGINS[writer.origin or "en"]
            surname = rng.choice(origin.surnames)
            if "|" in surname:
                surname = surname.split("|")[0 if female else 1]
            name = f"{rng.choice(origin.female if female else origin.male)} {surname}"
        else:
            name = f"{rng.choice(FI_FEMALE if female else FI_MALE)} {rng.choice(FI_SURNAMES)}"
        surname_in_unit = f"{unit}/{name.split(' ', 1)[1]}"
        if name not in taken and (writer.kind != "intl" or surname_in_unit not in taken):
            taken.update((name, surname_in_unit))
            return name
    raise RuntimeError("ran out of unique names")


def _languages(rng: random.Random, writer: _Writer) -> list[str]:
    if writer.kind == "intl":
        return list(ORIGINS[writer.origin or "en"].languages)
    if writer.kind == "sv":
        return ["sv", "fi"] + (["en"] if rng.random() < 0.7 else [])
    langs = ["fi"] + (["en"] if writer.kind == "fi_en" or rng.random() < 0.7 else [])
    return langs + (["sv"] if rng.random() < 0.3 else [])


def _strengths(
    rng: random.Random, picker: _Picker, role: Role, writer: _Writer, supervisor: bool
) -> list[dict[str, Any]]:
    """2–6 statements: mostly about the job, sometimes leading, general skills, languages or hobbies."""
    total = _weighted(rng, STATEMENT_COUNTS)
    extras: list[str] = []
    if rng.random() < 0.25:
        extras.append("yleinen")
    if writer.kind == "intl" and rng.random() < 0.6:
        extras.append("mother_tongue")
    if rng.random() < 0.2:
        extras.append("harrastus")
    rng.shuffle(extras)
    if supervisor:  # a supervisor always says something about leading
        extras = ["esihenkilo"] * rng.choice((1, 1, 2)) + extras
    jobs = max(1 if total < 3 else 2, total - len(extras))
    extras = extras[: max(1 if supervisor else 0, total - jobs)]
    taken: set[tuple[str, str, int]] = set()
    texts: list[tuple[str, str]] = []

    def draw(pool: str) -> None:
        first = writer.statement_language(rng)
        for language in dict.fromkeys((first, "fi", "en", "sv")):
            if writer.kind == "sv" and language == "en":
                continue
            text = picker.pick(pool, language, taken)
            if text is not None:
                texts.append((text, language))
                return

    for n in range(jobs):
        pools = role.pools
        pool = pools[0] if len(pools) == 1 or n == 0 or rng.random() < 0.7 else rng.choice(pools[1:])
        draw(pool)
    for pool in extras:
        if pool == "mother_tongue":
            options = ORIGINS[writer.origin or "en"].mother_tongue
            fewest = min(picker.phrasing_uses[t] for _, t in options)
            language, text = rng.choice([(lang, t) for lang, t in options if picker.phrasing_uses[t] == fewest])
            picker.phrasing_uses[text] += 1
            texts.append((text, language))
        else:
            draw(pool)
    out: list[dict[str, Any]] = []
    for text, language in texts:
        item: dict[str, Any] = {"text": text}
        if rng.random() < 0.55:
            item["level"] = _weighted(rng, LEVELS)
        item["language"] = language
        out.append(item)
    return out


def _row(external_id: str, person: dict[str, Any]) -> dict[str, Any]:
    """The import row, keys in a fixed order."""
    return {
        "external_id": external_id,
        "name": person["name"],
        "unit": person["unit"],
        "title": person["title"],
        "supervisor": person.get("supervisor", False),
        "languages": person["languages"],
        "availability": person.get("availability", "available"),
        "capacity": person["capacity"],
        "visible": person.get("visible", True),
        "strengths": person["strengths"],
    }


def _handwritten(person: dict[str, Any]) -> dict[str, Any]:
    strengths = []
    for text, level, language in person["strengths"]:
        item: dict[str, Any] = {"text": text}
        if level is not None:
            item["level"] = level
        item["language"] = language
        strengths.append(item)
    return {**person, "strengths": strengths}


def build_rows(seed: int = SEED) -> list[dict[str, Any]]:
    """Every import row, in id order."""
    rng = random.Random(seed)
    picker = _Picker(rng)
    names = {p["name"] for p in HANDWRITTEN.values()} | {
        f"{p['unit']}/{p['name'].split(' ', 1)[1]}" for p in HANDWRITTEN.values()
    }
    placed = Counter(p["unit"] for p in HANDWRITTEN.values())
    generated: list[dict[str, Any]] = []
    for unit in UNITS:
        n_supervisors = 1 + unit.size // 14
        for i in range(unit.size - placed[unit.name]):
            supervisor = i < n_supervisors
            writer = _writer(rng, unit)
            # Supervisors lead the unit's main profession.
            role = unit.roles[0] if supervisor else rng.choices(unit.roles, weights=[r.weight for r in unit.roles])[0]
            title = unit.supervisors[i] if supervisor else role.title
            generated.append(
                {
                    "name": _name(rng, writer, rng.random() < unit.female, names, unit.name),
                    "unit": unit.name,
                    "title": title,
                    "supervisor": supervisor,
                    "languages": _languages(rng, writer),
                    "availability": _weighted(rng, AVAILABILITY),
                    "capacity": rng.choice((1, 2, 3)) if supervisor else _weighted(rng, CAPACITIES),
                    "strengths": _strengths(rng, picker, role, writer, supervisor),
                }
            )
    rng.shuffle(generated)
    for person in rng.sample(generated, HIDDEN_GENERATED):
        person["visible"] = False
    slots: list[dict[str, Any] | None] = [None] * PEOPLE
    for external_id, person in HANDWRITTEN.items():
        slots[int(external_id.split("-")[1]) - 1] = _handwritten(person)
    it = iter(generated)
    rows = [_row(f"emp-{i + 1:04d}", slot if slot is not None else next(it)) for i, slot in enumerate(slots)]
    if next(it, None) is not None or len(generated) + len(HANDWRITTEN) != PEOPLE:
        raise RuntimeError("unit sizes do not add up to PEOPLE")
    _check(rows)
    return rows


def _check(rows: list[dict[str, Any]]) -> None:
    """Guard the promises the demo relies on: 2–6 statements of 4–25 words each."""
    for row in rows:
        if not 2 <= len(row["strengths"]) <= 6:
            raise RuntimeError(f"{row['external_id']} has {len(row['strengths'])} statements")
        for s in row["strengths"]:
            words = len(s["text"].split())
            if not 4 <= words <= 25:
                raise RuntimeError(f"{row['external_id']}: {words} words in {s['text']!r}")


def render(seed: int = SEED) -> str:
    """The NDJSON text of the sample organisation."""
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in build_rows(seed))


def main(argv: Sequence[str] = ()) -> int:
    text = render()
    if "--check" in argv:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUT} is out of date: run python -m matcher.demo.generate\n")
            return 1
        return 0
    OUT.write_bytes(text.encode("utf-8"))
    sys.stderr.write(f"wrote {OUT} ({len(text.splitlines())} people)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
