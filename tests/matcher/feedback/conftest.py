"""Fixtures of the feedback tests: a started Velho on the seeded topic encoder (no model), a
simulated clock, real SQLite (or PostgreSQL via VELHO_TEST_DATABASE_URL through the shared
`engine` fixture), real FAISS, and real HTTP through the ASGI app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from matcher.app.settings import FeedbackWeights, RankingWeights, Settings
from matcher.app.wiring import Velho, build
from matcher.evaluation.topic_encoder import TopicEncoder
from matcher.feedback.models import Engagement
from matcher.matching.schemas import MatchCreate, MatchRead
from profiles.actor import Actor
from profiles.schemas import ProfileCreate

ADMIN_TOKEN = "feedback-test-token"  # test_api.py sends it
ADMIN = Actor.admin()


class FakeClock:
    """Time that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture(scope="session")
def topic_encoder() -> TopicEncoder:
    """Seeded word vectors: `excel` and `printers` lean on `computers`, `wounds` on `nursing`."""
    return TopicEncoder(
        ["excel", "printers", "wounds", "choir"],
        parents={"excel": ("computers", 0.6), "printers": ("computers", 0.6), "wounds": ("nursing", 0.6)},
        seed=3,
    )


@pytest.fixture
def feedback_weights() -> FeedbackWeights:
    """Defaults, except greedy, no discovery slot and no fair exposure, so rankings in assertions are
    exact and do not move with the matches a test makes (all three tested apart)."""
    return FeedbackWeights(exploration_policy="greedy", discovery_slot=0, exposure_weight=0.0, offer_ttl_hours=48)


@pytest.fixture
def settings(tmp_path: Path, feedback_weights: FeedbackWeights) -> Settings:
    """Own data dir, known token, no language correction (synthetic vectors have no language)."""
    return Settings(
        data_dir=tmp_path / "data",
        admin_token=ADMIN_TOKEN,
        ranking=RankingWeights(centering_strength=0.0),
        feedback=feedback_weights,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def clock() -> FakeClock:
    """The simulated clock every service of the test Velho reads."""
    return FakeClock()


@pytest.fixture
def velho(settings: Settings, topic_encoder: TopicEncoder, engine: Engine, clock: FakeClock) -> Iterator[Velho]:
    """A started Velho on the topic encoder, its feedback services on the fake clock."""
    v = build(settings, encoder=topic_encoder, engine=engine)
    v.engagements.clock = clock
    assert v.matching.effects is not None
    v.matching.effects.clock = clock  # type: ignore[attr-defined]
    v.start()
    yield v
    v.close()


class Org:
    """Builders that go through the real services, each call its own committed unit of work."""

    def __init__(self, velho: Velho, clock: FakeClock) -> None:
        self.velho = velho
        self.clock = clock

    def put(self, external_id: str, strengths: list[str], **fields: Any) -> None:
        body = ProfileCreate(name=external_id.title(), strengths=[{"text": s} for s in strengths], **fields)  # type: ignore[misc]
        with self.velho.session() as s:
            self.velho.profiles.upsert(s, external_id=external_id, data=body, actor=ADMIN)

    def match(self, text: str, *, requester: str | None = "req", k: int = 5) -> MatchRead:
        with self.velho.session() as s:
            return self.velho.matching.match(s, MatchCreate(text=text, k=k, requester_id=requester))

    def ranked(self, text: str, **kwargs: Any) -> list[str]:
        return [r.external_id for r in self.match(text, **kwargs).results]

    def call(self, action: str, **kwargs: Any) -> tuple[Engagement, bool]:
        with self.velho.session() as s:
            out: tuple[Engagement, bool] = getattr(self.velho.engagements, action)(s, actor=ADMIN, **kwargs)
            return out

    def propose(self, request_id: str, provider: str) -> int:
        return self.call("propose", request_id=request_id, provider_id=provider)[0].id

    def engagement(self, text: str, provider: str, *, requester: str = "req") -> int:
        """Match `text` and offer it to `provider` (who must be among the results)."""
        out = self.match(text, requester=requester, k=10)
        assert provider in [r.external_id for r in out.results], f"{provider} not returned for {text!r}"
        return self.propose(out.request_id, provider)

    def helped(self, text: str, provider: str, score: int | None, *, requester: str = "req") -> int:
        """A whole engagement: proposed, accepted, completed, and rated `score` (unless None)."""
        eid = self.engagement(text, provider, requester=requester)
        self.call("accept", engagement_id=eid)
        self.call("complete", engagement_id=eid)
        if score is not None:
            self.call("rate", engagement_id=eid, score=score)
        return eid

    def status(self, eid: int) -> str:
        with self.velho.session() as s:
            return str(self.velho.engagements.get(s, engagement_id=eid, actor=ADMIN).status)


@pytest.fixture
def org(velho: Velho, clock: FakeClock) -> Org:
    """A small team: two Excel people, a printer person, a nurse, a vague one and the requester."""
    o = Org(velho, clock)
    o.put("req", ["choir singing"])
    o.put("ann", ["excel macros and pivot tables"], capacity=2)
    o.put("bob", ["excel formulas"], capacity=1)
    o.put("pia", ["printers and scanners"])
    o.put("nia", ["wounds and dressings"])
    o.put("vic", ["happy to help with computers"])
    return o
