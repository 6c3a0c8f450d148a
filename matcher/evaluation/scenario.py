"""What a feedback simulation runs on: simulated people with the truth their profiles may hide.

A `Scenario` holds the people (their profiles, true competence per topic, temperament, when
they join and when they are away), the topics with their request phrasings and demand, the
encoder the texts are written for and the ranking weights that suit it. Two are built:
`topic_grid.py` (synthetic, seeded word vectors) and `demo_scenario.py` (the `velho demo`
organisation on the real e5 model).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from embeddings.encoder import Encoder
from matcher.matching.weights import RankingWeights
from profiles.schemas import ProfileCreate

Kind = Literal["expert", "overclaimer", "hidden", "decliner", "newcomer", "other"]
# True competence at or above this counts as "truly competent" (ratings then land at 4–5).
COMPETENT = 0.6
KINDS: tuple[Kind, ...] = ("expert", "overclaimer", "hidden", "decliner", "newcomer", "other")


@dataclass
class SimPerson:
    """One simulated employee: the profile Velho sees and the truth it does not."""

    external_id: str
    kind: Kind
    profile: ProfileCreate
    competence: dict[str, float] = field(default_factory=dict)
    accept_prob: float = 0.9
    silent_share: float = 0.2  # of non-accepts, the share never answered (the offer expires)
    joins_day: float = 0.0  # newcomers join mid-run
    away: tuple[float, float] | None = None  # unavailable from day a to day b

    def competent(self, topic: str) -> bool:
        """True competence at the threshold."""
        return self.competence.get(topic, 0.0) >= COMPETENT


@dataclass
class Scenario:
    """People, topics and request phrasings, with the encoder and weights they are meant for."""

    name: str
    people: list[SimPerson]
    topics: list[str]
    topic_weights: dict[str, float]
    phrasings: dict[str, list[str]]
    make_encoder: Callable[[], Encoder]
    ranking: RankingWeights
    requests_per_day: float
    help_days: tuple[float, float]
    description: str
    # FeedbackWeights for this encoder's similarity scale (before a run's own overrides).
    feedback: dict[str, object] = field(default_factory=dict)
    # Per topic: plain statements of the skill, what someone writes who acts on a demand prompt.
    plain_claims: dict[str, list[str]] = field(default_factory=dict)

    def by_id(self) -> dict[str, SimPerson]:
        """People by external id."""
        return {p.external_id: p for p in self.people}

    def competent_for(self, topic: str) -> list[SimPerson]:
        """Everyone truly competent on a topic."""
        return [p for p in self.people if p.competent(topic)]

    def count(self, kind: Kind) -> int:
        """How many people of a kind."""
        return sum(1 for p in self.people if p.kind == kind)


def with_availability(profile: ProfileCreate, availability: Literal["available", "unavailable"]) -> ProfileCreate:
    """The same profile with another availability (going away and coming back)."""
    return profile.model_copy(update={"availability": availability})
