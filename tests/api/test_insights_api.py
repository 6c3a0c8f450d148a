"""The insights routes over real HTTP: who may call, bad periods, and no request text in any answer."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient
from insights_org import Org, org_fixture  # noqa: F401  (the fixture)

from matcher.app.settings import Settings

SECRET = "insights-test-secret-of-enough-length"
ROUTES = ("/v1/insights/demand", "/v1/insights/supply", "/v1/insights/suggestions")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings that also verify employee JWTs."""
    return Settings(data_dir=tmp_path / "data", admin_token=ADMIN_TOKEN, jwt_secret=SECRET, _env_file=None)  # type: ignore[call-arg]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def key(org: Org, scope: str) -> dict[str, str]:
    with org.velho.session() as s:
        return bearer(org.velho.keys.create(s, name=f"k-{scope}", scope=scope)[1])  # type: ignore[arg-type]


class TestAccess:
    def test_insights_and_admin_credentials_only(self, org: Org, client: TestClient) -> None:
        employee = bearer(jwt.encode({"sub": "asker", "exp": int(time.time()) + 300}, SECRET, algorithm="HS256"))
        callers = {"insights": key(org, "insights"), "admin": bearer(ADMIN_TOKEN)}
        refused = {"integration": key(org, "integration"), "employee": employee}
        for route in ROUTES:
            for name, headers in callers.items():
                assert client.get(route, headers=headers).status_code == 200, (route, name)
            for name, headers in refused.items():
                r = client.get(route, headers=headers)
                assert r.status_code == 403, (route, name)
                assert r.headers["content-type"].startswith("application/problem+json")
            assert client.get(route).status_code == 401

    def test_an_insights_key_may_not_match_or_read_profiles(self, org: Org, client: TestClient) -> None:
        headers = key(org, "insights")
        assert client.post("/v1/match", json={"text": "Excel"}, headers=headers).status_code == 403
        assert client.get("/v1/employees/asker", headers=headers).status_code == 403


class TestAnswers:
    def test_no_request_text_leaves_the_api(self, org: Org, client: TestClient) -> None:
        headers = key(org, "insights")
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
    def test_bad_periods_are_a_problem(self, org: Org, client: TestClient, query: str) -> None:
        r = client.get(f"/v1/insights/supply?{query}", headers=bearer(ADMIN_TOKEN))
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["errors"]
