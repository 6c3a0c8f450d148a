"""Readiness only reads, and says no (503 problem+json) until the index is loaded and while its
follower is not running; matches answer 503 with Retry-After meanwhile, never a stack trace."""

from __future__ import annotations

from builders import put
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import build


def test_not_ready_while_loading_ready_when_loaded_not_ready_when_the_follower_stops(
    settings: Settings, encoder: Encoder, engine: Engine
) -> None:
    velho = build(settings, encoder=encoder, engine=engine)  # not started: the index is "loading"
    try:
        with TestClient(create_app(settings, velho=velho)) as client:
            r = client.get("/readyz")
            assert r.status_code == 503 and r.json()["detail"] == "the index is loading"
            assert r.headers["content-type"].startswith("application/problem+json") and r.headers["retry-after"]
            m = client.post("/v1/match", json={"text": "Excel-makrot"}, headers=AUTH)
            assert m.status_code == 503 and m.headers["retry-after"] == "5"
            assert m.json()["type"] == "urn:velho:problem:unavailable"
            velho.start()
            put(velho, "e1", "Aino", ["Excel-makrot"])
            ready = client.get("/readyz")
            assert ready.status_code == 200
            assert ready.json()["change_seq"] == ready.json()["database_change_seq"] == 1
            assert client.post("/v1/match", json={"text": "Excel-makrot"}, headers=AUTH).status_code == 200
            velho.follower.stop(save=False)
            r = client.get("/readyz")
            assert r.status_code == 503 and r.json()["detail"] == "the index follower is not running"
    finally:
        velho.close()
