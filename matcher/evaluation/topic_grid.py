"""The topic grid: 10 help topics × 12 providers whose profiles are imperfect (the issue's setting).

Per topic: 3 experts who declare it; 3 over-claimers who declare it confidently (level 5, often
twice) but barely know it; 3 hidden experts whose only line is semantically related but weak
(two name a neighbouring word of the topic, one only its domain, which fits both topics of that
domain); 2 habitual decliners who are competent and declare it; and 1 newcomer who declares it
and joins mid-run. About one in five people is away for a few days once. Capacity 2 each.

The people are drawn from a `GridTexts`, so the same seeded organisation can be written for
two encoders: here short English phrases for the seeded `TopicEncoder`, and in `e5_grid.py`
Finnish, Swedish and English sentences for the real e5 model. Nothing here is a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from embeddings.encoder import Encoder
from matcher.evaluation.scenario import Kind, Scenario, SimPerson
from matcher.evaluation.topic_encoder import TopicEncoder
from matcher.matching.weights import RankingWeights
from profiles.schemas import ProfileCreate

# Five domains of two topics; each topic has a neighbouring word (a hint) that leans on it.
DOMAINS: dict[str, tuple[str, str]] = {
    "computers": ("excel", "printers"),
    "nursing": ("wounds", "insulin"),
    "languages": ("arabic", "somali"),
    "administration": ("invoices", "rosters"),
    "wellbeing": ("mindfulness", "ergonomics"),
}
HINTS = {
    "excel": "spreadsheets",
    "printers": "scanners",
    "wounds": "dressings",
    "insulin": "diabetes",
    "arabic": "cairo",
    "somali": "mogadishu",
    "invoices": "billing",
    "rosters": "shifts",
    "mindfulness": "meditation",
    "ergonomics": "posture",
}
TOPIC_SHARE_OF_DOMAIN = 0.6
HINT_SHARE_OF_TOPIC = 0.5
# Per topic, in this order: (kind, how many).
ROLES: tuple[tuple[Kind, int], ...] = (
    ("expert", 3),
    ("overclaimer", 3),
    ("hidden", 3),
    ("decliner", 2),
    ("newcomer", 1),
)
CAPACITY = 2
# Requests per simulated day: with help taking 1–5 days, about 9 of a topic's ~14 good slots are
# busy at any time, so the experts alone cannot carry the load.
GRID_RATE = 30.0
AWAY_SHARE = 0.2
# "Clearly unrelated" on this encoder's scale: below 0.4 of the best relevance.
GRID_RELATED_SHARE = 0.4


@dataclass(frozen=True)
class GridTexts:
    """What the grid's people write and ask, per topic (and per domain for the vaguest lines)."""

    declared: dict[str, list[str]]  # plain statements of the skill (experts, decliners, newcomers)
    overclaims: dict[str, list[str]]  # confident claims, made at level 5
    hints: dict[str, list[str]]  # related but weak: what a hidden expert who undersells it writes
    domain_lines: dict[str, list[str]]  # weaker still: only the domain, so it fits both its topics
    hobbies: list[str]  # an unrelated second line
    requests: dict[str, list[str]]
    languages: tuple[str, ...] = ("en",)


_DECLARE = (
    "{t} is something I know well",
    "I help colleagues with {t}",
    "experienced with {t} questions",
    "{t} support",
)
_OVERCLAIM = ("expert in {t}, all aspects", "{t} specialist, advanced level", "I can solve any {t} problem")
_HINT = ("I sometimes sort out {h} for people", "ask me about {h}", "a bit of {h} on the side")
_DOMAIN = ("happy to help with {d} things", "some experience around {d}")
_HOBBY = ("choir singing", "cross-country skiing", "baking bread", "board games", "birdwatching")
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


def _templated() -> GridTexts:
    def per_topic(templates: tuple[str, ...]) -> dict[str, list[str]]:
        return {t: [x.format(t=t) for x in templates] for t in topics()}

    return GridTexts(
        declared=per_topic(_DECLARE),
        overclaims=per_topic(_OVERCLAIM),
        hints={t: [x.format(h=HINTS[t]) for x in _HINT] for t in topics()},
        domain_lines={d: [x.format(d=d) for x in _DOMAIN] for d in DOMAINS},
        hobbies=list(_HOBBY),
        requests=per_topic(_REQUEST),
    )


SYNTHETIC_TEXTS = _templated()


def topic_encoder(*, dimension: int = 64, seed: int = 0) -> TopicEncoder:
    """The encoder these texts are written for: topics lean on their domain, hints on their topic."""
    parents = {t: (d, TOPIC_SHARE_OF_DOMAIN) for d, ts in DOMAINS.items() for t in ts}
    parents |= {h: (t, HINT_SHARE_OF_TOPIC) for t, h in HINTS.items()}
    return TopicEncoder([*topics(), *HINTS.values()], parents=parents, dimension=dimension, seed=seed)


def grid_people(seed: int, *, run_days: float, texts: GridTexts) -> list[SimPerson]:
    """The seeded organisation: per topic the `ROLES`, with their truth and temperament."""
    rng = np.random.default_rng(seed)
    people: list[SimPerson] = []
    for topic in topics():
        for kind, count in ROLES:
            for n in range(count):
                people.append(_person(f"p{len(people):04d}", kind, topic, n, rng, run_days, texts))
    return people


def build_grid(seed: int, *, run_days: float = 50.0) -> Scenario:
    """The seeded grid; `run_days` places newcomers' arrivals and absences within the run."""
    people = grid_people(seed, run_days=run_days, texts=SYNTHETIC_TEXTS)
    return Scenario(
        name="grid",
        people=people,
        topics=topics(),
        topic_weights={t: 1.0 / len(topics()) for t in topics()},
        phrasings=SYNTHETIC_TEXTS.requests,
        make_encoder=lambda: _encoder(seed),
        # Synthetic vectors have no language to correct for.
        ranking=RankingWeights(centering_strength=0.0),
        # The seeded word vectors overlap at random: another domain's people sit at 0.26–0.38 of
        # the best relevance (e5's unrelated at ≤ 0.15), the vague hidden experts at 0.42–0.60.
        feedback={"related_share": GRID_RELATED_SHARE},
        plain_claims=SYNTHETIC_TEXTS.declared,
        requests_per_day=GRID_RATE,
        help_days=(1.0, 5.0),
        description=(
            f"topic grid: {len(topics())} topics × {len(people) // len(topics())} providers "
            "(3 experts, 3 over-claimers, 3 hidden experts, 2 decliners, 1 newcomer per topic), capacity 2, "
            "seeded TopicEncoder"
        ),
    )


def _encoder(seed: int) -> Encoder:
    return topic_encoder(seed=seed)


def _person(
    eid: str, kind: Kind, topic: str, n: int, rng: np.random.Generator, run_days: float, texts: GridTexts
) -> SimPerson:
    strengths: list[dict[str, object]] = []
    competence = {topic: float(rng.uniform(0.75, 1.0))}
    if kind in ("expert", "decliner", "newcomer"):
        strengths.append({"text": str(rng.choice(texts.declared[topic]))})
    elif kind == "overclaimer":
        competence[topic] = float(rng.uniform(0.05, 0.3))
        for text in rng.choice(texts.overclaims[topic], size=int(rng.integers(1, 3)), replace=False):
            strengths.append({"text": str(text), "level": 5})
    else:  # hidden: two of three name the topic's neighbouring word, one only the domain
        if n < 2:
            strengths.append({"text": str(rng.choice(texts.hints[topic]))})
        else:
            strengths.append({"text": str(rng.choice(texts.domain_lines[domain_of(topic)]))})
    if rng.random() < 0.5:
        strengths.append({"text": str(rng.choice(texts.hobbies))})
    accept = float(rng.uniform(0.1, 0.3)) if kind == "decliner" else float(rng.uniform(0.8, 0.95))
    joins = float(rng.uniform(0.2, 0.5) * run_days) if kind == "newcomer" else 0.0
    away = None
    if rng.random() < AWAY_SHARE:
        start = float(rng.uniform(0.0, run_days))
        away = (start, start + float(rng.uniform(3.0, 10.0)))
    profile = ProfileCreate(
        name=f"Person {eid}",
        unit="synthetic",
        languages=list(texts.languages),
        capacity=CAPACITY,
        strengths=strengths,  # type: ignore[arg-type]
    )
    return SimPerson(
        external_id=eid,
        kind=kind,
        profile=profile,
        competence=competence,
        accept_prob=accept,
        silent_share=0.5 if kind == "decliner" else 0.2,
        joins_day=joins,
        away=away,
    )
