"""Never log profile or request text: a whole scenario over HTTP, every log record inspected."""

from __future__ import annotations

import json
import logging

import pytest
from conftest import AUTH
from fastapi.testclient import TestClient

# Distinctive words that occur only in the texts sent: any log line holding one leaked text.
SECRETS = ["Zorblatt", "Quintexa", "Vrummelsk", "Plimbrook", "Harfnolt", "Snebrikko", "Tuvakvaltio"]


def test_a_full_scenario_logs_no_profile_or_request_text(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    people = [
        {"external_id": "p1", "name": "Zorblatt Aino", "unit": "Quintexa-yksikkö", "title": "Vrummelsk",
         "strengths": [{"text": "Excel-makrot ja Plimbrook-raportit", "level": 5}]},
        {"external_id": "p2", "name": "Bo", "strengths": [{"text": "haavanhoito ja Harfnolt-sidokset"}]},
    ]  # fmt: skip
    for person in people:
        fields = {k: v for k, v in person.items() if k != "external_id"}
        assert client.put(f"/v1/employees/{person['external_id']}", json=fields, headers=AUTH).status_code == 201
    ndjson = "\n".join(json.dumps(p) for p in people) + '\n{"external_id": "bad", "name": "Snebrikko"'
    client.post("/v1/employees/import", content=ndjson, headers=AUTH | {"content-type": "application/x-ndjson"})
    client.put("/v1/employees/p3", json={"name": "Snebrikko", "capacity": "Tuvakvaltio"}, headers=AUTH)  # 422
    out = client.post(
        "/v1/match", json={"text": "tarvitsen Plimbrook-raportteihin apua Zorblatt", "requester_id": "p2"}, headers=AUTH
    ).json()
    engagement = client.post(
        "/v1/engagements", json={"request_id": out["request_id"], "provider_id": "p1"}, headers=AUTH
    ).json()
    eid = engagement["id"]
    client.post(f"/v1/engagements/{eid}/accept", json={"actor_id": "p1"}, headers=AUTH)
    client.post(f"/v1/engagements/{eid}/complete", json={"actor_id": "p2"}, headers=AUTH)
    client.post(
        f"/v1/engagements/{eid}/rating", json={"score": 5, "comment": "Snebrikko", "actor_id": "p2"}, headers=AUTH
    )
    second = client.post("/v1/match", json={"text": "Harfnolt-sidokset", "requester_id": "p1"}, headers=AUTH).json()
    other = client.post(
        "/v1/engagements", json={"request_id": second["request_id"], "provider_id": "p2"}, headers=AUTH
    ).json()
    client.post(
        f"/v1/engagements/{other['id']}/decline", json={"reason": "Tuvakvaltio", "actor_id": "p2"}, headers=AUTH
    )
    client.delete("/v1/employees/p1", headers=AUTH)
    assert len(caplog.records) > 5  # the scenario did log its events
    for record in caplog.records:
        line = record.getMessage()
        leaked = [word for word in SECRETS if word.lower() in line.lower()]
        assert not leaked, f"{record.name} logged text: {line!r}"
