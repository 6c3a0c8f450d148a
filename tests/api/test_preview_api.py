"""`POST /v1/me/preview` over real HTTP with real signed JWTs, the bundled e5 and a real database:
which recent demand a draft would be found by, as topic counts only; bad input changes nothing."""

from __future__ import annotations

import time

import jwt
import pytest
from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient
from insights_org import ORG_JWT_SECRET as SECRET
from insights_org import Org, org_client_fixture, org_fixture, org_settings  # noqa: F401  (the fixtures: one organisation per module)
from sqlalchemy import func, select

from matcher.insights.schemas import PreviewCreate
from matcher.insights.service import InsightsRules
from matcher.matching.models import HelpRequest, MatchResult
from profiles.models import Employee, StrengthStatement

WOUND_DRAFT = [{"text": "Haavanhoito, painehaavat ja haavasidokset kotikäynneillä"}, {"text": "Wound dressing"}]


def signed(external_id: str) -> dict[str, str]:
    claims = {"sub": external_id, "exp": int(time.time()) + 300}
    return {"Authorization": f"Bearer {jwt.encode(claims, SECRET, algorithm='HS256')}"}


def preview(client: TestClient, who: str, strengths: list[dict[str, object]]) -> dict[str, object]:
    r = client.post("/v1/me/preview", json={"strengths": strengths}, headers=signed(who))
    assert r.status_code == 200, r.text
    return dict(r.json())


def stored_state(org: Org) -> tuple[int, ...]:
    with org.velho.reading() as s:
        return (
            int(s.scalar(select(func.count()).select_from(StrengthStatement)) or 0),
            int(s.scalar(select(func.sum(Employee.version))) or 0),
            int(s.scalar(select(func.count()).select_from(HelpRequest)) or 0),
        )


class TestFound:
    def test_a_wound_care_draft_is_found_by_the_wound_topic_and_nothing_is_saved(
        self, org: Org, client: TestClient
    ) -> None:
        before = stored_state(org)
        out = preview(client, "garden", WOUND_DRAFT)
        topics = {t["label"]["en"]: t["found"] for t in out["topics"]}  # type: ignore[attr-defined]
        # Seven wound requests in the last 30 days; the draft beats the third other result in each.
        assert topics.get("Wound care and pressure ulcers", 0) >= 5
        assert out["found"] is not None and out["found"] >= topics["Wound care and pressure ulcers"]  # type: ignore[operator]
        assert out["requests"] == len(org.texts) and out["k"] == 3
        # Nothing of the draft was stored, and no profile changed.
        assert stored_state(org) == before
        assert [s["text"] for s in client.get("/v1/me", headers=signed("garden")).json()["strengths"]] == [
            "Puutarhanhoito ja kasvimaat"
        ]

    def test_no_request_text_and_no_requester_leave(self, org: Org, client: TestClient) -> None:
        r = client.post("/v1/me/preview", json={"strengths": WOUND_DRAFT}, headers=signed("garden"))
        for text in org.texts:
            assert text not in r.text
        assert "asker" not in r.text

    def test_found_now_counts_the_stored_top3_of_the_saved_profile(self, org: Org, client: TestClient) -> None:
        out = preview(client, "garden", WOUND_DRAFT)
        with org.velho.reading() as s:
            garden = s.scalar(select(Employee.id).where(Employee.external_id == "garden"))
            n = s.scalar(
                select(func.count(func.distinct(MatchResult.request_id))).where(
                    MatchResult.employee_id == garden, MatchResult.rank <= 3
                )
            )
        assert out["found_now"] == (n if n >= 5 else None)

    def test_an_unrelated_draft_is_found_by_too_few_to_show(self, org: Org, client: TestClient) -> None:
        out = preview(client, "garden", [{"text": "Puutarhanhoito, nurmikon leikkuu ja kasvimaat"}])
        assert out["found"] is None and out["topics"] == []

    def test_your_own_requests_are_left_out(self, org: Org, client: TestClient) -> None:
        # Every stored request was filed by "asker": none is left to preview against.
        out = preview(client, "asker", WOUND_DRAFT)
        assert out["requests"] == 0 and out["found"] is None and out["topics"] == []

    def test_topics_below_the_minimum_group_are_hidden(self, org: Org) -> None:
        service = org.velho.preview
        service.insights.rules = InsightsRules(min_group_size=8)
        with org.velho.reading() as s:
            out = service.preview(
                s, employee_id="garden", draft=PreviewCreate.model_validate({"strengths": WOUND_DRAFT})
            )
        # At most seven wound requests: under eight, so neither the topic nor the total shows.
        assert out.topics == [] and out.hidden_topics >= 1 and out.found is None


class TestRefused:
    @pytest.mark.parametrize(
        "body",
        [
            {"strengths": []},
            {"strengths": [{"text": ""}]},
            {"strengths": [{"text": "   "}]},
            {"strengths": [{"text": "x" * 1001}]},
            {"strengths": [{"text": "ok"}] * 51},
            {"strengths": [{"text": "ok", "level": 9}]},
            {"strengths": [{"text": "ok"}], "extra": 1},
            {"strengths": "haavanhoito"},
            {},
        ],
    )
    def test_bad_drafts_are_422_problems_and_change_nothing(
        self, org: Org, client: TestClient, body: dict[str, object]
    ) -> None:
        before = stored_state(org)
        r = client.post("/v1/me/preview", json=body, headers=signed("garden"))
        assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"]
        assert stored_state(org) == before

    def test_only_a_signed_in_employee_who_exists(self, org: Org, client: TestClient) -> None:
        body = {"strengths": WOUND_DRAFT}
        assert client.post("/v1/me/preview", json=body).status_code == 401
        admin = client.post("/v1/me/preview", json=body, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert admin.status_code == 403 and admin.headers["content-type"].startswith("application/problem+json")
        with org.velho.session() as s:
            insights_key = org.velho.keys.create(s, name="k-insights", scope="insights")[1]
        refused = client.post("/v1/me/preview", json=body, headers={"Authorization": f"Bearer {insights_key}"})
        assert refused.status_code == 403
        ghost = client.post("/v1/me/preview", json=body, headers=signed("nobody-here"))
        assert ghost.status_code == 404 and ghost.headers["content-type"].startswith("application/problem+json")

    def test_documented_in_openapi(self, client: TestClient) -> None:
        op = client.get("/openapi.json").json()["paths"]["/v1/me/preview"]["post"]
        assert op["x-velho-access"] == ["admin", "employee"]
        assert {"200", "401", "403", "404", "413", "422", "503"} <= set(op["responses"])
        assert "application/problem+json" in op["responses"]["422"]["content"]
        assert "PreviewRead" in op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
