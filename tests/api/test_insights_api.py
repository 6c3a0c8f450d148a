"""The insights routes over real HTTP: who may call, bad periods, and no request text in any answer."""

from __future__ import annotations

import time

import jwt
import pytest
from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient
from insights_org import ORG_JWT_SECRET as SECRET
from insights_org import Org, org_client_fixture, org_fixture, org_settings  # noqa: F401  (the fixtures: one organisation per module)

ROUTES = ("/v1/insights/demand", "/v1/insights/supply", "/v1/insights/suggestions")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def keys(org: Org) -> dict[str, dict[str, str]]:
    """One key per scope (key names are unique, and the organisation is shared by the module)."""
    with org.velho.session() as s:
        return {
            scope: bearer(org.velho.keys.create(s, name=f"k-{scope}", scope=scope)[1])  # type: ignore[arg-type]
            for scope in ("insights", "integration")
        }


class TestAccess:
    def test_insights_and_admin_credentials_only(self, keys: dict[str, dict[str, str]], client: TestClient) -> None:
        employee = bearer(jwt.encode({"sub": "asker", "exp": int(time.time()) + 300}, SECRET, algorithm="HS256"))
        callers = {"insights": keys["insights"], "admin": bearer(ADMIN_TOKEN)}
        refused = {"integration": keys["integration"], "employee": employee}
        for route in ROUTES:
            for name, headers in callers.items():
                assert client.get(route, headers=headers).status_code == 200, (route, name)
            for name, headers in refused.items():
                r = client.get(route, headers=headers)
                assert r.status_code == 403, (route, name)
                assert r.headers["content-type"].startswith("application/problem+json")
            assert client.get(route).status_code == 401

    def test_an_insights_key_may_not_match_or_read_profiles(
        self, keys: dict[str, dict[str, str]], client: TestClient
    ) -> None:
        headers = keys["insights"]
        assert client.post("/v1/match", json={"text": "Excel"}, headers=headers).status_code == 403
        assert client.get("/v1/employees/asker", headers=headers).status_code == 403


class TestAnswers:
    def test_no_request_text_leaves_the_api(
        self, org: Org, keys: dict[str, dict[str, str]], client: TestClient
    ) -> None:
        headers = keys["insights"]
        body = "".join(client.get(route, headers=headers).text for route in ROUTES)
        for text in org.texts:
            assert text not in body
        assert "Excel pivot tables and macros" in body

    @pytest.mark.parametrize(
        "query",
        [
            "since=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z",
            "since=2020-01-01T00:00:00Z&until=2026-01-01T00:00:00Z",
            "since=yesterday",
            "limit=0",
        ],
    )
    def test_bad_periods_are_a_problem(self, client: TestClient, query: str) -> None:
        r = client.get(f"/v1/insights/supply?{query}", headers=bearer(ADMIN_TOKEN))
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"]
