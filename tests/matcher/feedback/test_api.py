"""The engagement endpoints: real HTTP through the ASGI app, problem+json on every error."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from matcher.feedback.models import Engagement, Rating

EXCEL = "need help with excel macros"
AUTH = {"Authorization": "Bearer feedback-test-token"}  # the token of this folder's `settings` fixture


def match(client: TestClient, text: str = EXCEL, requester: str = "req") -> dict[str, Any]:
    r = client.post("/v1/match", json={"text": text, "k": 5, "requester_id": requester}, headers=AUTH)
    assert r.status_code == 200, r.text
    return r.json()


def post(client: TestClient, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(f"/v1/engagements{path}", json=body, headers=AUTH)


def assert_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["type"].startswith("urn:velho:problem:") and body["detail"]
    return body


def counts(velho: Any) -> tuple[int, int]:
    with velho.sessions() as s:
        return s.scalar(select(func.count(Engagement.id))), s.scalar(select(func.count(Rating.id)))


class TestLifecycleOverHttp:
    def test_whole_loop(self, client: TestClient, org: Any) -> None:
        out = match(client)
        provider = out["results"][0]["external_id"]
        created = post(client, "", {"request_id": out["request_id"], "provider_id": provider})
        assert created.status_code == 201, created.text
        body = created.json()
        assert body["status"] == "proposed" and body["provider_id"] == provider and body["requester_id"] == "req"
        eid = body["id"]
        retry = post(client, "", {"request_id": out["request_id"], "provider_id": provider})
        assert retry.status_code == 200 and retry.json()["id"] == eid

        assert post(client, f"/{eid}/accept", {"actor_id": provider}).json()["status"] == "accepted"
        assert post(client, f"/{eid}/accept").status_code == 200  # retry, no body
        assert post(client, f"/{eid}/complete", {"actor_id": "req"}).json()["status"] == "completed"
        rated = post(client, f"/{eid}/rating", {"score": 5, "comment": "great"})
        assert rated.status_code == 201 and rated.json()["rating"]["score"] == 5
        assert post(client, f"/{eid}/rating", {"score": 5, "comment": "great"}).status_code == 200

        got = client.get(f"/v1/engagements/{eid}", headers=AUTH).json()
        assert got["status"] == "completed" and got["closed_by"] == "requester"
        for stamp in ("proposed_at", "expires_at", "accepted_at", "completed_at"):
            assert got[stamp] and got[stamp].endswith(("Z", "+00:00"))
        assert got["declined_at"] is None and got["rating"]["comment"] == "great"

    def test_decline_with_reason_then_the_same_offer_is_refused(self, client: TestClient, org: Any) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        declined = post(client, f"/{eid}/decline", {"reason": "on holiday"})
        assert declined.json()["decline_reason"] == "on holiday" and declined.json()["declined_at"]
        assert_problem(post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}), 409)

    def test_decline_as_outside_their_skills_is_stored_and_a_retry_keeps_the_first_answer(
        self, client: TestClient, org: Any
    ) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        assert client.get(f"/v1/engagements/{eid}", headers=AUTH).json()["outside_skills"] is False
        declined = post(client, f"/{eid}/decline", {"outside_skills": True, "actor_id": "ann"})
        assert declined.status_code == 200 and declined.json()["outside_skills"] is True
        assert post(client, f"/{eid}/decline").json()["outside_skills"] is True  # a retry changes nothing
        other = post(client, "", {"request_id": out["request_id"], "provider_id": "bob"}).json()["id"]
        assert post(client, f"/{other}/decline", {"reason": "busy"}).json()["outside_skills"] is False

    @pytest.mark.parametrize("flag", ["yes", 1, None, [True]])
    def test_outside_skills_must_be_a_boolean(self, client: TestClient, org: Any, flag: object) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        assert_problem(post(client, f"/{eid}/decline", {"outside_skills": flag}), 422)
        assert client.get(f"/v1/engagements/{eid}", headers=AUTH).json()["status"] == "proposed"

    def test_expired_offer(self, client: TestClient, org: Any, clock: Any) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        clock.advance(hours=49)
        got = client.get(f"/v1/engagements/{eid}", headers=AUTH).json()
        assert got["status"] == "expired" and got["expired_at"] == got["expires_at"]
        assert_problem(post(client, f"/{eid}/accept"), 409)


class TestErrors:
    def test_unknown_ids_are_404(self, client: TestClient, org: Any) -> None:
        out = match(client)
        assert_problem(client.get("/v1/engagements/4242", headers=AUTH), 404)
        assert_problem(post(client, "/4242/accept"), 404)
        assert_problem(post(client, "", {"request_id": "f" * 32, "provider_id": "ann"}), 404)
        assert_problem(post(client, "", {"request_id": out["request_id"], "provider_id": "ghost"}), 404)

    def test_illegal_transition_is_409_and_changes_nothing(self, client: TestClient, org: Any, velho: Any) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        before = client.get(f"/v1/engagements/{eid}", headers=AUTH).json()
        body = assert_problem(post(client, f"/{eid}/complete"), 409)
        assert body["type"] == "urn:velho:problem:illegal-transition"
        assert_problem(post(client, f"/{eid}/rating", {"score": 4}), 409)
        assert client.get(f"/v1/engagements/{eid}", headers=AUTH).json() == before
        assert counts(velho) == (1, 0)

    @pytest.mark.parametrize(
        "body",
        [
            {"score": 6},
            {"score": 0},
            {"score": "5"},
            {"score": 4.5},
            {},
            {"score": 4, "extra": 1},
            {"score": 4, "comment": "x" * 2001},
        ],
    )
    def test_bad_rating_payload_is_422(self, client: TestClient, org: Any, velho: Any, body: dict[str, Any]) -> None:
        eid = org.helped(EXCEL, "ann", None)
        problem = assert_problem(post(client, f"/{eid}/rating", body), 422)
        assert problem["errors"]
        assert counts(velho) == (1, 0)

    def test_not_a_party_is_403(self, client: TestClient, org: Any) -> None:
        out = match(client)
        eid = post(client, "", {"request_id": out["request_id"], "provider_id": "ann"}).json()["id"]
        assert_problem(post(client, f"/{eid}/accept", {"actor_id": "req"}), 403)

    def test_token_required(self, client: TestClient, org: Any) -> None:
        assert_problem(client.get("/v1/engagements/1"), 401)

    def test_openapi_declares_the_problems(self, client: TestClient) -> None:
        spec = client.get("/openapi.json").json()
        accept = spec["paths"]["/v1/engagements/{engagement_id}/accept"]["post"]["responses"]
        assert {"200", "404", "409", "422"} <= set(accept)
        assert "application/problem+json" in accept["409"]["content"]
        create = spec["paths"]["/v1/engagements"]["post"]["responses"]
        assert {"201", "200", "404", "409"} <= set(create)
