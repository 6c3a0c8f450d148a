"""Search the statement index of one snapshot for a request and group the hits by employee."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from embeddings.encoder import Vectors
from matcher.index import IdFilter
from matcher.index.base import Ids
from matcher.index.roster import Roster
from matcher.index.sync import IndexSnapshot
from matcher.matching.ranking import StatementHit
from matcher.timing import span

# First pass asks for this many statements per wanted person, then widens fourfold.
STATEMENTS_PER_PERSON = 4


@dataclass(frozen=True)
class Eligibility:
    """Who may be returned: `allow` employees only (when set), never `deny` employees."""

    allow: frozenset[int] | None = None
    deny: frozenset[int] = frozenset()


def eligibility(
    snap: IndexSnapshot,
    *,
    requester_id: str | None,
    languages: Collection[str] | None,
    units: Collection[str] | None,
    exclude_units: Collection[str] | None,
    also_deny: Collection[int] = (),
) -> Eligibility:
    """Turn request filters into employee id sets over the snapshot's roster."""
    roster = snap.roster
    allow: set[int] | None = None
    if units:
        allow = roster.employees_in_units(units)
    if languages:
        speaking = roster.employees_speaking(languages)
        allow = speaking if allow is None else allow & speaking
    deny: set[int] = set(also_deny)
    if exclude_units:
        deny |= roster.employees_in_units(exclude_units)
    if requester_id is not None and requester_id in roster.by_external_id:
        deny.add(roster.by_external_id[requester_id])
    return Eligibility(frozenset(allow) if allow is not None else None, frozenset(deny))


def retrieve(
    snap: IndexSnapshot,
    query: Vectors,
    *,
    people: int,
    elig: Eligibility,
    pool_score: Callable[[Sequence[StatementHit]], float] | None = None,
) -> dict[int, list[StatementHit]]:
    """The best `people` eligible employees with every one of their statements scored.

    The filter runs inside the index search and the statement budget widens until enough
    distinct people are found (or none are left), so filters never shorten the list. Hits the
    snapshot's roster does not know (a change applied after it was taken) are skipped.
    People enter by their best statement, or by `pool_score` over the statements the search
    found for them (the ranking's own rule, so a broad profile with many close statements gets in).
    """
    roster = snap.roster
    index = snap.vectors
    allow_stmts = roster.statement_ids_of(elig.allow) if elig.allow is not None else None
    deny_stmts = roster.statement_ids_of(elig.deny) if elig.deny else set()
    if allow_stmts is not None:
        allow_stmts -= deny_stmts
        deny_stmts = set()
        admitted = len(allow_stmts)
    else:
        admitted = len(index) - len(deny_stmts)
    id_filter = IdFilter(allow=frozenset(allow_stmts) if allow_stmts is not None else None, deny=frozenset(deny_stmts))
    budget = max(people * STATEMENTS_PER_PERSON, 50)
    chosen: list[int] = []
    found: dict[int, list[StatementHit]] = {}
    while True:
        with span("search"):
            hits = index.search(query, min(budget, max(admitted, 0)), id_filter)
        found = by_employee(roster, hits.ids, hits.scores)
        if len(found) >= people or budget >= admitted:
            break
        budget *= 4
    # By best statement (first appearance), or by the ranking's own rule over the statements found.
    chosen = list(found)
    if pool_score is not None:
        chosen.sort(key=lambda eid: -pool_score(found[eid]))
    chosen = chosen[:people]
    # Second pass: score every statement of the chosen people, not only those in the top hits.
    their = roster.statement_ids_of(chosen)
    with span("search"):
        full = index.search(query, len(their), IdFilter(allow=frozenset(their))) if their else None
    grouped: dict[int, list[StatementHit]] = {eid: [] for eid in chosen}
    if full is not None:
        for eid, their_hits in by_employee(roster, full.ids, full.scores).items():
            grouped[eid] = their_hits
    return {eid: hits for eid, hits in grouped.items() if hits}


def retrieve_lexical(
    snap: IndexSnapshot, text: str, language: str, *, mode: str, prefix: int, elig: Eligibility
) -> dict[int, list[StatementHit]]:
    """Every eligible employee with a statement sharing a term with the request, by BM25.

    Each hit's `similarity` is the statement's BM25 normalised to 0..1 by the query's ceiling
    (`LexicalIndex.search_normalised`); only matching statements are listed. The whole eligible
    roster is scored, so filters never shorten the list.
    """
    roster = snap.roster
    lex = snap.lexical_index(mode, prefix)
    only = roster.statement_ids_of(elig.allow - elig.deny) if elig.allow is not None else None
    scores = lex.search_normalised(text, language, limit=None, only=only)
    ids = np.fromiter(scores, dtype=np.int64, count=len(scores))
    sims = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
    grouped = by_employee(roster, ids, sims)
    return {eid: hits for eid, hits in grouped.items() if eid not in elig.deny}


def lexical_scores(
    snap: IndexSnapshot, text: str, language: str, *, mode: str, prefix: int, statement_ids: Collection[int]
) -> dict[int, float]:
    """Normalised BM25 (0..1) of these statements for the request; absent = no shared term."""
    return snap.lexical_index(mode, prefix).search_normalised(text, language, limit=None, only=statement_ids)


def by_employee(roster: Roster, ids: Ids, scores: npt.NDArray[np.floating[Any]]) -> dict[int, list[StatementHit]]:
    """Hits grouped by employee, in hit order; ids the roster does not know are skipped."""
    facts = roster.statement_facts(ids)
    out: dict[int, list[StatementHit]] = {}
    rows = zip(
        ids[facts.known].tolist(), scores[facts.known].tolist(), facts.owner, facts.kind, facts.level, facts.rating,
        strict=True,
    )  # fmt: skip
    for sid, sim, owner, kind, level, rating in rows:
        out.setdefault(owner, []).append(StatementHit(sid, float(sim), kind=kind, level=level, rating=rating))
    return out


def as_query(vec: Vectors) -> Vectors:
    """A single contiguous float32 row."""
    return np.ascontiguousarray(vec, dtype=np.float32).reshape(-1)
