"""What a ranking works on: the prepared request (`RankQuery`) and each person being ranked (`Candidate`)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from embeddings.encoder import Vectors
from matcher.matching.ranking import StatementHit


@dataclass(frozen=True)
class RankQuery:
    """A request ready to rank: its text and language, its vector (None when no ranker needs one),
    how many people to return, and who may be among them."""

    text: str
    language: str
    k: int
    vector: Vectors | None = None
    requester_id: str | None = None
    languages: Collection[str] | None = None
    units: Collection[str] | None = None
    exclude_units: Collection[str] | None = None

    def with_k(self, k: int) -> RankQuery:
        """The same request asking for `k` people."""
        return replace(self, k=k)


@dataclass
class Candidate:
    """One employee being ranked: relevance first, feedback effects add named components."""

    employee_id: int
    hits: list[StatementHit]
    components: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def score(self) -> float:
        """Sum of the components."""
        return float(sum(self.components.values()))
