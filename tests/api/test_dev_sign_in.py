"""Dev sign-in (`VELHO_DEV_SIGN_IN`): absent by default; when on, it mints real tokens the API
accepts, for existing employees only, and never lists a hidden one. The page is served at /ui."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from builders import put
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import build

SECRET = "dev-sign-in-secret-of-at-least-32-bytes"


@pytest.fixture
def dev(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[TestClient]:
    local = settings.model_copy(update={"jwt_secret": SECRET, "dev_sign_in": True, "dev_token_minutes": 5})
    velho = build(local, encoder=encoder, engine=engine)
    velho.start()
    put(velho, "e1", "Aino", ["haavanhoito"])
    put(velho, "e2", "Piilo", ["haavanhoito"], visible=False)
    try:
        with TestClient(create_app(local, velho=velho)) as client:
            yield client
    finally:
        velho.close()


def test_dev_sign_in_is_absent_unless_enabled_and_the_page_is_served(client: TestClient) -> None:
    assert client.post("/v1/dev/token", json={"external_id": "e1"}).status_code == 404
    assert client.get("/v1/dev/employees").status_code == 404
    assert client.post("/v1/dev/insights-token").status_code == 404
    assert not any(p.startswith("/v1/dev") for p in client.get("/openapi.json").json()["paths"])
    assert client.get("/ui", follow_redirects=False).headers["location"] == "/ui/"
    page = client.get("/ui/")
    assert page.status_code == 200 and '<html lang="fi">' in page.text
    for asset in ("app.js", "i18n.js", "app.css"):
        assert client.get(f"/ui/{asset}").status_code == 200


def test_dev_token_is_a_real_short_lived_employee_token(dev: TestClient) -> None:
    r = dev.post("/v1/dev/token", json={"external_id": "e1"})
    assert r.status_code == 200 and r.json()["name"] == "Aino"
    claims = jwt.decode(r.json()["token"], SECRET, algorithms=["HS256"])
    assert claims["sub"] == "e1" and claims["exp"] - claims["iat"] == 5 * 60
    me = dev.get("/v1/me", headers={"Authorization": f"Bearer {r.json()['token']}"})
    assert me.status_code == 200 and me.json()["external_id"] == "e1"


def test_dev_sign_in_refuses_unknown_employees_and_bad_bodies_and_hides_hidden_ones(dev: TestClient) -> None:
    unknown = dev.post("/v1/dev/token", json={"external_id": "nobody"})
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("application/problem+json")
    bad = dev.post("/v1/dev/token", json={"external_id": "no spaces allowed"})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
    assert [e["external_id"] for e in dev.get("/v1/dev/employees").json()] == ["e1"]


def test_dev_sign_in_without_a_secret_refuses_to_start(settings: Settings) -> None:
    with pytest.raises(ValueError, match="VELHO_JWT_SECRET"):
        create_app(settings.model_copy(update={"dev_sign_in": True}))


def test_dev_insights_key_reads_aggregates_only_and_replaces_the_one_before(dev: TestClient) -> None:
    first = {"Authorization": f"Bearer {dev.post('/v1/dev/insights-token').json()['token']}"}
    assert dev.get("/v1/insights/demand", headers=first).status_code == 200
    assert dev.get("/v1/me", headers=first).status_code == 403
    assert dev.get("/v1/employees/e1", headers=first).status_code == 403
    assert dev.post("/v1/match", json={"text": "haavanhoito"}, headers=first).status_code == 403
    second = {"Authorization": f"Bearer {dev.post('/v1/dev/insights-token').json()['token']}"}
    # One dev insights key works at a time: the first one is revoked.
    assert dev.get("/v1/insights/demand", headers=first).status_code == 401
    assert dev.get("/v1/insights/demand", headers=second).status_code == 200
