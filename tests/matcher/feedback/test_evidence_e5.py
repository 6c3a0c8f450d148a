"""Practice reveals expertise, with the real bundled e5 encoder (where semantics matter).

Language correction is off to keep encoding to a handful of short texts.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from embeddings.encoder import Encoder
from matcher.app.settings import FeedbackWeights, RankingWeights, Settings
from matcher.app.wiring import Velho, build
from matcher.matching.schemas import MatchCreate
from profiles.actor import Actor
from profiles.schemas import ProfileCreate

ADMIN = Actor.admin()


@pytest.fixture
def e5_velho(tmp_path: Path, encoder: Encoder, engine: Engine) -> Iterator[Velho]:
    """A started Velho on the shared, cached e5 encoder of the test session."""
    settings = Settings(
        data_dir=tmp_path / "data",
        admin_token="t",
        ranking=RankingWeights(centering_strength=0.0),
        feedback=FeedbackWeights(exploration_policy="greedy"),
        _env_file=None,  # type: ignore[call-arg]
    )
    v = build(settings, encoder=encoder, engine=engine)
    v.start()
    for eid, text in [
        ("req", "asiakaspalvelu"),
        ("aino", "kuoron johtaminen ja pianonsoitto"),
        ("mikko", "taulukkolaskenta ja raportointi"),
        ("eero", "haavanhoito"),
    ]:
        with v.session() as s:
            v.profiles.upsert(
                s,
                external_id=eid,
                data=ProfileCreate(name=eid, strengths=[{"text": text}]),  # type: ignore[list-item]
                actor=ADMIN,
            )
    yield v
    v.close()


def test_a_well_rated_engagement_makes_an_unstated_skill_findable(e5_velho: Velho) -> None:
    v = e5_velho
    later = "Miten teen pivot-taulukon Excelissä?"
    with v.session() as s:
        before = [r.external_id for r in v.matching.match(s, MatchCreate(text=later, k=3, requester_id="req")).results]
    assert before[0] == "mikko"
    with v.session() as s:
        out = v.matching.match(
            s, MatchCreate(text="Tarvitsen apua Excelin pivot-taulukoiden kanssa", k=3, requester_id="req")
        )
        eid = v.engagements.propose(s, request_id=out.request_id, provider_id="aino", actor=ADMIN)[0].id
    with v.session() as s:
        v.engagements.accept(s, engagement_id=eid, actor=ADMIN, actor_id="aino")
        v.engagements.complete(s, engagement_id=eid, actor=ADMIN, actor_id="req")
        v.engagements.rate(s, engagement_id=eid, score=5, actor=ADMIN, actor_id="req")
    with v.session() as s:
        after = v.matching.match(s, MatchCreate(text=later, k=3, requester_id="req")).results
    assert after[0].external_id == "aino"
    assert after[0].explanation.startswith("Helped with a similar request, rated 5")
    assert after[0].components["evidence"] > 0
