"""`GET /v1/me/prompts` over real HTTP with real signed JWTs, the bundled e5 and a real database:
recent demand near an employee's own strengths that found no well-rated help, as topic counts."""

from __future__ import annotations

import time

import jwt
import pytest
from builders import put
from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient
from insights_org import ORG_JWT_SECRET as SECRET
from insights_org import Org, org_client_fixture, org_fixture, org_settings  # noqa: F401  (the fixtures: one organisation per module)

WOUNDS = "Wound care and pressure ulcers"
INTERPRETING = "Arabic and Somali interpreting"


def signed(external_id: str) -> dict[str, str]:
    claims = {"sub": external_id, "exp": int(time.time()) + 300}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


def prompts(client: TestClient, who: str) -> dict[str, object]:
    r = client.get("/v1/me/prompts", headers=signed(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def by_label(out: dict[str, object]) -> dict[str, dict[str, object]]:
    return {p["label"]["en"]: p for p in out["prompts"]}  # type: ignore[attr-defined, index]


@pytest.fixture(scope="module", autouse=True)
def newcomers(org: Org) -> None:
    """People who joined after the requests were filed, so none was ever shown for them."""
    put(org.velho, "homecare", "Kaisa Kotihoito", ["Ihon hoito ja ikäihmisten kotikäynnit"], unit="Kotihoito")
    put(org.velho, "traveller", "Tapio Matkaaja", ["Arabian kielen alkeet ja kulttuurituntemus"], unit="Talous")


class TestPrompts:
    def test_a_vague_related_line_is_told_where_demand_went_unserved(self, org: Org, client: TestClient) -> None:
        out = prompts(client, "homecare")
        wounds = by_label(out)[WOUNDS]
        # Seven wound requests: two were helped and rated 4-5, five found nobody (their best match weak).
        assert wounds["requests"] == 5
        assert wounds["statement"] == "Ihon hoito ja ikäihmisten kotikäynnit"
        assert "5" in wounds["reason"]["en"] and "say so plainly" in wounds["reason"]["en"]  # type: ignore[index]
        assert out["min_group_size"] == 5 and "prompt share" in str(out["method"])

    def test_a_topic_below_the_minimum_group_is_only_counted(self, org: Org, client: TestClient) -> None:
        # Excel: nine requests, five helped and rated 5, so four unserved: fewer than the group of five.
        for who in ("homecare", "traveller", "garden"):
            out = prompts(client, who)
            assert "Excel pivot tables and macros" not in by_label(out)
            assert all(int(p["requests"]) >= 5 for p in out["prompts"])  # type: ignore[attr-defined, index]

    def test_whoever_was_shown_for_those_requests_is_not_prompted(self, org: Org, client: TestClient) -> None:
        # The nurse was in the top 3 of every wound request; the interpreter of every interpreting one.
        assert WOUNDS not in by_label(prompts(client, "nurse"))
        assert INTERPRETING not in by_label(prompts(client, "tulkki"))

    def test_only_unserved_requests_count(self, org: Org, client: TestClient) -> None:
        # Interpreting: six requests; one accepted (help under way, its best match strong) is served,
        # the declined one and the four nobody was offered are not.
        assert by_label(prompts(client, "traveller"))[INTERPRETING]["requests"] == 5

    def test_no_request_text_and_no_requester_leave(self, org: Org, client: TestClient) -> None:
        r = client.get("/v1/me/prompts", headers=signed("homecare"))
        for text in org.texts:
            assert text not in r.text
        assert "asker" not in r.text and "Aino" not in r.text

    def test_own_requests_do_not_prompt(self, org: Org, client: TestClient) -> None:
        # Every request was filed by "asker": none of them prompts the person who filed it.
        assert prompts(client, "asker")["prompts"] == []

    def test_nothing_changes(self, org: Org, client: TestClient) -> None:
        before = client.get("/v1/me", headers=signed("homecare")).json()
        prompts(client, "homecare")
        assert client.get("/v1/me", headers=signed("homecare")).json() == before


class TestAccess:
    def test_needs_a_token(self, client: TestClient) -> None:
        r = client.get("/v1/me/prompts")
        assert r.status_code == 401 and r.headers["content-type"].startswith("application/problem+json")

    def test_the_admin_token_is_not_an_employee(self, client: TestClient) -> None:
        r = client.get("/v1/me/prompts", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert r.status_code == 403

    def test_an_unknown_employee_is_404(self, client: TestClient) -> None:
        assert client.get("/v1/me/prompts", headers=signed("nobody-here")).status_code == 404


def test_a_hidden_profile_gets_no_prompts(org: Org, client: TestClient) -> None:
    put(org.velho, "shy", "Sanna Salassa", ["Ihon hoito ja ikäihmisten kotikäynnit"], unit="Kotihoito", visible=False)
    out = prompts(client, "shy")
    assert out["prompts"] == [] and out["hidden_topics"] == 0
