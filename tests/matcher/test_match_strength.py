"""Match-strength bands through the real service with the default (adapted) e5, SQLite and FAISS:
a close paraphrase is strong, an unrelated request is weak, and the bands are stored."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import put
from sqlalchemy import Engine, select

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.matching.models import HelpRequest, MatchResult
from matcher.matching.schemas import MatchCreate, MatchRead


@pytest.fixture
def team(settings: Settings, adapted_e5: Encoder, engine: Engine, tmp_path: Path) -> Iterator[Velho]:
    encoder = CachedEncoder(adapted_e5, EmbeddingCache(tmp_path / "embeddings.sqlite"))
    v = build(settings, encoder=encoder, engine=engine)
    v.start()
    put(v, "nurse", "Aino", ["haavanhoito ja lääkehoito", "Excel: pivot-taulukot, makrot ja VBA"], unit="Kotihoito")
    put(v, "physio", "Peter", ["ergonomic patient transfers and lifting technique"], unit="Kuntoutus")
    put(v, "social", "Cecilia", ["barnskydd och familjearbete"], unit="Socialarbete")
    put(v, "cleaner", "Samir", ["laitoshuolto ja siivous", "sujuva arabian kieli ja tulkkaus"], unit="Laitoshuolto")
    put(v, "it", "Ilkka", ["tietokoneiden ja tulostimien vianetsintä", "mindfulness-harjoitukset"], unit="IT-tuki")
    yield v
    v.close()


def match(velho: Velho, text: str, k: int = 3) -> MatchRead:
    with velho.session() as s:
        out = velho.matching.match(s, MatchCreate(text=text, k=k))
        velho.uow.commit(s)
    return out


def test_close_paraphrase_is_strong(team: Velho) -> None:
    out = match(team, "Tarvitsen apua Excelin pivot-taulukoiden ja makrojen kanssa")
    top = out.results[0]
    assert top.external_id == "nurse"
    assert top.strength == "strong", top.components
    assert out.best_strength == "strong" and out.no_strong_match is False
    assert [r.strength for r in out.results[1:]] != ["strong", "strong"]  # the rest are not about Excel


def test_unrelated_request_is_weak_and_still_returns_k(team: Velho) -> None:
    out = match(team, "Who can repair the hydraulic system of a forest harvester?")
    assert len(out.results) == 3
    assert {r.strength for r in out.results} == {"weak"}, [r.components for r in out.results]
    assert out.best_strength == "weak" and out.no_strong_match is True


def test_bands_are_stored_with_the_request(team: Velho) -> None:
    out = match(team, "Tarvitsen apua Excelin pivot-taulukoiden ja makrojen kanssa")
    with team.session() as s:
        stored = s.get(HelpRequest, out.request_id)
        assert stored is not None and stored.best_strength == out.best_strength == "strong"
        rows = s.scalars(select(MatchResult).where(MatchResult.request_id == out.request_id).order_by(MatchResult.rank))
        assert [r.strength for r in rows] == [r.strength for r in out.results]
