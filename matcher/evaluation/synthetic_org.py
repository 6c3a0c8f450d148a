"""A synthetic organisation whose profiles are imperfect, for the feedback simulation.

Everyone has a hidden true competence per topic. Profiles lie in the usual ways:
- honest people declare what they are good at, one line per skill;
- over-claimers also declare topics they barely know, at length and at level 5;
- hidden experts describe their skill only vaguely (by its domain) or not at all;
- reluctant people are competent and honest but often decline or never answer.
Texts are short English phrases for the `TopicEncoder`; nothing here is a real person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from matcher.evaluation.topic_encoder import TopicEncoder
from profiles.schemas import ProfileCreate

Kind = Literal["honest", "overclaimer", "hidden", "reluctant"]

# Six domains of five topics; each topic word leans on its domain word.
DOMAINS: dict[str, tuple[str, ...]] = {
    "nursing": ("wounds", "insulin", "medication", "catheters", "dementia"),
    "computers": ("excel", "printers", "passwords", "teams", "databases"),
    "languages": ("arabic", "russian", "somali", "swedish", "signing"),
    "administration": ("invoices", "budgets", "rosters", "procurement", "archiving"),
    "welfare": ("housing", "benefits", "addiction", "custody", "eldercare"),
    "wellbeing": ("mindfulness", "ergonomics", "firstaid", "conflict", "nutrition"),
}
TOPIC_SHARE_OF_DOMAIN = 0.6
COMPETENT = 0.6  # true competence at or above this counts as "truly competent"

_DECLARE = (
    "{t} is something I know well",
    "I help colleagues with {t}",
    "experienced with {t} questions",
    "{t} support",
)
_OVERCLAIM = ("expert in {t}, all aspects", "{t} specialist, advanced level", "I can solve any {t} problem")
_VAGUE = ("happy to help with {d} things", "some experience around {d}", "ask me about {d} stuff")
_NOTHING = ("friendly colleague, ask me anything", "team player with a positive attitude")
_REQUEST = (
    "need help with {t} today",
    "who knows {t} well",
    "question about {t} for a client",
    "looking for someone for {t} please",
    "urgent {t} issue on our ward",
    "can someone explain {t} to me",
)


def topics() -> list[str]:
    """Every topic word, domain by domain."""
    return [t for ts in DOMAINS.values() for t in ts]


def domain_of(topic: str) -> str:
    """The domain word of a topic."""
    return next(d for d, ts in DOMAINS.items() if topic in ts)


def topic_encoder(*, dimension: int = 64, seed: int = 0) -> TopicEncoder:
    """The encoder this organisation's texts are written for."""
    parents = {t: (d, TOPIC_SHARE_OF_DOMAIN) for d, ts in DOMAINS.items() for t in ts}
    return TopicEncoder(topics(), parents=parents, dimension=dimension, seed=seed)


@dataclass
class Person:
    """One synthetic employee with the truth the profile may hide."""

    external_id: str
    kind: Kind
    competence: dict[str, float]
    accept_prob: float
    silent_share: float  # of non-accepts, the share never answered (the offer expires)
    capacity: int
    profile: ProfileCreate
    declared_topics: set[str] = field(default_factory=set)

    def competent(self, topic: str) -> bool:
        """True competence at the threshold."""
        return self.competence.get(topic, 0.0) >= COMPETENT


@dataclass
class Organisation:
    """The people, the topics and how often each topic is asked about."""

    people: list[Person]
    topic_weights: dict[str, float]

    def by_id(self) -> dict[str, Person]:
        """People by external id."""
        return {p.external_id: p for p in self.people}


def build_organisation(
    size: int = 240,
    *,
    seed: int = 7,
    shares: Sequence[float] = (0.55, 0.15, 0.15, 0.15),
) -> Organisation:
    """A seeded organisation; `shares` are honest, over-claimer, hidden expert, reluctant."""
    rng = np.random.default_rng(seed)
    all_topics = topics()
    kinds: list[Kind] = ["honest", "overclaimer", "hidden", "reluctant"]
    counts = [int(round(s * size)) for s in shares]
    counts[0] += size - sum(counts)
    people: list[Person] = []
    for kind, count in zip(kinds, counts, strict=True):
        for _ in range(count):
            people.append(_person(f"p{len(people):04d}", kind, rng, all_topics))
    # Topic demand is skewed: a few topics are asked about far more often (Zipf-like).
    order = rng.permutation(len(all_topics))
    raw = 1.0 / (1.0 + np.arange(len(all_topics))) ** 0.8
    weights = {all_topics[i]: float(raw[r]) for r, i in enumerate(order)}
    total = sum(weights.values())
    return Organisation(people=people, topic_weights={t: w / total for t, w in weights.items()})


def _person(eid: str, kind: Kind, rng: np.random.Generator, all_topics: list[str]) -> Person:
    n_true = 1 if kind == "overclaimer" else int(rng.integers(1, 3))
    true = [str(t) for t in rng.choice(all_topics, size=n_true, replace=False)]
    competence = {t: float(rng.uniform(0.7, 1.0)) for t in true}
    strengths: list[dict[str, object]] = []
    declared: set[str] = set()
    if kind in ("honest", "reluctant", "overclaimer"):
        for t in true:
            strengths.append({"text": str(rng.choice(_DECLARE)).format(t=t)})
            declared.add(t)
    if kind == "overclaimer":
        fake = [str(t) for t in rng.choice([t for t in all_topics if t not in true], size=2, replace=False)]
        for t in fake:
            competence[t] = float(rng.uniform(0.05, 0.35))
            # Confident claims at level 5, often repeated in other words (which adds relevance).
            for template in rng.choice(_OVERCLAIM, size=int(rng.integers(1, 3)), replace=False):
                strengths.append({"text": str(template).format(t=t), "level": 5})
            declared.add(t)
    if kind == "hidden":
        if rng.random() < 0.7:
            for t in true:
                strengths.append({"text": str(rng.choice(_VAGUE)).format(d=domain_of(t))})
        else:
            strengths.append({"text": str(rng.choice(_NOTHING))})
    accept = float(rng.uniform(0.15, 0.35)) if kind == "reluctant" else float(rng.uniform(0.8, 0.97))
    capacity = int(rng.integers(2, 5))
    profile = ProfileCreate(
        name=f"Person {eid}",
        unit="synthetic",
        languages=["en"],
        capacity=capacity,
        strengths=strengths,  # type: ignore[arg-type]
    )
    return Person(
        external_id=eid,
        kind=kind,
        competence=competence,
        accept_prob=accept,
        silent_share=0.5 if kind == "reluctant" else 0.2,
        capacity=capacity,
        profile=profile,
        declared_topics=declared,
    )


def request_text(topic: str, rng: np.random.Generator) -> str:
    """A short request about a topic, phrased one of several ways."""
    return str(rng.choice(_REQUEST)).format(t=topic)
