"""POST /v1/match over real HTTP."""

from __future__ import annotations

import pytest
from builders import body
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from matcher.app.wiring import Velho
from matcher.matching.models import HelpRequest, MatchResult


@pytest.fixture
def staffed(client: TestClient) -> TestClient:
    people = {
        "nurse": body(
            "Aino", ["haavanhoito", "Excel: pivot-taulukot, makrot ja VBA"], unit="Kotihoito", languages=["fi"]
        ),
        "physio": body("Peter", ["ergonomic patient transfers"], unit="Kuntoutus", languages=["en"]),
        "social": body("Cecilia", ["barnskydd och familjearbete"], unit="Socialarbete", languages=["sv", "fi"]),
        "hidden": body("Hilkka", ["Excel-asiantuntija, makrot"], visible=False),
    }
    for ext, data in people.items():
        assert client.put(f"/v1/employees/{ext}", json=data, headers=AUTH).status_code == 201
    return client


def test_match_returns_ranked_results_with_reasons_and_stores_the_request(staffed: TestClient, velho: Velho) -> None:
    r = staffed.post(
        "/v1/match", json={"text": "help with Excel macros", "k": 3, "requester_id": "social"}, headers=AUTH
    )
    assert r.status_code == 200, r.text
    data = r.json()
    ids = [x["external_id"] for x in data["results"]]
    assert ids[0] == "nurse" and "social" not in ids and "hidden" not in ids
    top = data["results"][0]
    assert set(top) >= {"external_id", "name", "unit", "score", "components", "matched_strengths", "explanation"}
    assert top["matched_strengths"][0]["text"].startswith("Excel")
    with velho.session() as s:
        stored = s.get(HelpRequest, data["request_id"])
        assert stored is not None and stored.requester_id == "social"
        assert s.scalar(select(func.count(MatchResult.id)).where(MatchResult.request_id == stored.id)) == len(ids)


def test_filters(staffed: TestClient) -> None:
    r = staffed.post("/v1/match", json={"text": "Excel", "k": 5, "filters": {"languages": ["sv"]}}, headers=AUTH)
    assert [x["external_id"] for x in r.json()["results"]] == ["social"]
    r = staffed.post("/v1/match", json={"text": "Excel", "filters": {"exclude_units": ["Kotihoito"]}}, headers=AUTH)
    assert "nurse" not in [x["external_id"] for x in r.json()["results"]]


@pytest.mark.parametrize(
    "payload",
    [
        {"text": ""},
        {"text": "   "},
        {"text": "x" * 2001},
        {"text": "ok", "k": 0},
        {"text": "ok", "k": 101},
        {"text": "ok", "k": "5"},
        {"text": 5},
        {"text": "ok", "filters": {"languages": "fi"}},
        {},
    ],
)
def test_bad_match_input_is_422_and_stores_nothing(staffed: TestClient, velho: Velho, payload: dict) -> None:  # type: ignore[type-arg]
    r = staffed.post("/v1/match", json=payload, headers=AUTH)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
    with velho.session() as s:
        assert s.scalar(select(func.count(HelpRequest.id))) == 0


@pytest.mark.parametrize("raw", [b'{"text": "Excel \xff\xfe makrot"}', b'{"text": "Excel', b"\xef\xbb"])
def test_undecodable_or_broken_json_is_4xx_problem_and_stores_nothing(
    staffed: TestClient, velho: Velho, raw: bytes
) -> None:
    headers = {**AUTH, "content-type": "application/json"}
    r = staffed.post("/v1/match", content=raw, headers=headers)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == r.status_code and r.json()["detail"]
    with velho.session() as s:
        assert s.scalar(select(func.count(HelpRequest.id))) == 0


def test_invalid_utf8_in_a_profile_changes_nothing(staffed: TestClient) -> None:
    before = staffed.get("/v1/employees/nurse", headers=AUTH).json()
    headers = {**AUTH, "content-type": "application/json"}
    r = staffed.put("/v1/employees/nurse", content=b'{"name": "Aino \xc3\x28"}', headers=headers)
    assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith("application/problem+json")
    assert staffed.get("/v1/employees/nurse", headers=AUTH).json() == before


def test_match_response_carries_strength_bands_declared_in_openapi(staffed: TestClient, velho: Velho) -> None:
    r = staffed.post("/v1/match", json={"text": "help with Excel macros", "k": 3}, headers=AUTH)
    assert r.status_code == 200, r.text
    data = r.json()
    bands = [x["strength"] for x in data["results"]]
    assert len(bands) == 3 and set(bands) <= {"strong", "fair", "weak"}
    order = {"weak": 0, "fair": 1, "strong": 2}
    assert data["best_strength"] == max(bands, key=order.__getitem__)
    assert data["no_strong_match"] is (data["best_strength"] != "strong")
    # Each band follows the documented thresholds on the result's relevance component.
    w = velho.matching.weights
    for x in data["results"]:
        rel = x["components"]["relevance"]
        expected = "strong" if rel >= w.strength_strong else "weak" if rel < w.strength_weak else "fair"
        assert x["strength"] == expected
    with velho.session() as s:
        assert s.get(HelpRequest, data["request_id"]).best_strength == data["best_strength"]  # type: ignore[union-attr]
    spec = staffed.get("/openapi.json").json()["components"]["schemas"]
    assert {"best_strength", "no_strong_match"} <= set(spec["MatchRead"]["properties"])
    assert {"best_strength", "no_strong_match"} <= set(spec["MatchRead"]["required"])
    assert "strength" in spec["MatchItem"]["properties"]
