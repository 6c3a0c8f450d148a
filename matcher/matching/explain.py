"""One-line human reasons for a result, and the matched statements shown with it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matcher.index.roster import RosterStatement
from matcher.matching.ranking import StatementHit
from matcher.matching.schemas import MatchedStrength

SHOWN_STRENGTHS = 3
# Statements this far below the best one are not "matched" in the explanation.
SHOWN_WINDOW = 0.08
QUOTE_CHARS = 80


def matched_strengths(
    scored: Sequence[tuple[StatementHit, float]], statements: Mapping[int, RosterStatement]
) -> list[MatchedStrength]:
    """The best statements (up to three, near the best), with raw similarity."""
    if not scored:
        return []
    best = scored[0][1]
    out: list[MatchedStrength] = []
    for hit, adj in scored[:SHOWN_STRENGTHS]:
        if out and adj < best - SHOWN_WINDOW:
            break
        stmt = statements.get(hit.statement_id)
        if stmt is not None:
            out.append(MatchedStrength(text=stmt.text, similarity=round(hit.similarity, 4), kind=hit.kind))
    return out


def quote(text: str, limit: int = QUOTE_CHARS) -> str:
    """Shorten a statement for a one-line explanation."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def explanation(strengths: Sequence[MatchedStrength], notes: Sequence[str] = ()) -> str:
    """E.g. `Matches "Excel: pivot tables…" (0.91) and 1 more related strength; rated 4.8 over 12 engagements.`"""
    if not strengths:
        return "No strength statement matched closely."
    first = strengths[0]
    if first.kind == "evidence":
        rating = f", rated {first_rating}" if (first_rating := _rating_of(notes)) else ""
        head = f'Helped with a similar request{rating}: "{quote(first.text)}" ({first.similarity:.2f})'
    else:
        head = f'Matches "{quote(first.text)}" ({first.similarity:.2f})'
    more = len(strengths) - 1
    if more:
        head += f" and {more} more related strength{'s' if more > 1 else ''}"
    tail = "; ".join(n for n in notes if not n.startswith("evidence-rating="))
    return head + (f"; {tail}." if tail else ".")


def _rating_of(notes: Sequence[str]) -> str | None:
    for n in notes:
        if n.startswith("evidence-rating="):
            return n.split("=", 1)[1]
    return None
