"""Webhooks against a real HTTP receiver on loopback: signed per Standard Webhooks, retried with
backoff, disabled when a receiver keeps failing, written in the same transaction as the change
(rolled back: no event; committed: delivered even by a process started later), never free text."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import timedelta
from ipaddress import IPv4Network
from pathlib import Path

import pytest
from builders import body, profile, put
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from webhook_receiver import Receiver, serving

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.webhooks.models import WebhookDelivery, WebhookEvent
from matcher.webhooks.signing import verify
from profiles.actor import Actor
from profiles.models import utcnow


@pytest.fixture
def fast(settings: Settings) -> Settings:
    """Quick retries; no background worker, so each test drives delivery itself; loopback allowed,
    where the test receivers listen (webhooks reach public addresses only by default)."""
    return settings.model_copy(
        update={
            "webhook_poll_seconds": 0,
            "webhook_retry_base_seconds": 0.01,
            "webhook_retry_max_seconds": 0.05,
            "webhook_allowed_networks": [IPv4Network("127.0.0.0/8")],
        }
    )


@pytest.fixture
def hooked(fast: Settings, encoder: Encoder, engine: Engine) -> Iterator[tuple[Velho, TestClient]]:
    with serving(fast, encoder, engine) as started:
        yield started


def subscribe(client: TestClient, url: str, events: list[str]) -> dict[str, object]:
    r = client.post("/v1/webhooks", json={"url": url, "events": events, "description": "intranet"}, headers=AUTH)
    assert r.status_code == 201, r.text
    created: dict[str, object] = r.json()
    assert str(created["secret"]).startswith("whsec_")
    assert "secret" not in client.get(f"/v1/webhooks/{created['id']}", headers=AUTH).json()  # shown once
    return created


def test_deliveries_are_signed_and_carry_ids_never_text(hooked: tuple[Velho, TestClient], receiver: Receiver) -> None:
    velho, client = hooked
    sub = subscribe(client, receiver.url, ["profile.updated", "engagement.proposed", "engagement.accepted"])
    assert client.put("/v1/employees/ann", json=body("Ann", ["Zorblatt-makrot"]), headers=AUTH).status_code == 201
    out = client.post("/v1/match", json={"text": "Quintexa Zorblatt", "requester_id": "bob"}, headers=AUTH).json()
    assert [r["external_id"] for r in out["results"]] == ["ann"], out
    eid = client.post(
        "/v1/engagements", json={"request_id": out["request_id"], "provider_id": "ann"}, headers=AUTH
    ).json()["id"]
    client.post(f"/v1/engagements/{eid}/accept", json={"actor_id": "ann"}, headers=AUTH)
    velho.deliveries.drain()
    types = [json.loads(b)["type"] for _, b in receiver.got]
    assert types == ["profile.updated", "engagement.proposed", "engagement.accepted"]
    for headers, raw in receiver.got:
        timestamp = int(headers["webhook-timestamp"])
        assert headers["webhook-id"].startswith("msg_")
        assert verify(str(sub["secret"]), headers["webhook-id"], timestamp, raw, headers["webhook-signature"])
        assert not verify("whsec_" + "A" * 32, headers["webhook-id"], timestamp, raw, headers["webhook-signature"])
        assert b"Zorblatt" not in raw and b"Quintexa" not in raw
    accepted = json.loads(receiver.got[-1][1])["data"]
    assert accepted["engagement_id"] == eid and accepted["status"] == "accepted" and accepted["provider_id"] == "ann"
    assert "outside_skills" not in accepted  # said only of declines
    log = client.get(f"/v1/webhooks/{sub['id']}/deliveries", headers=AUTH).json()
    assert [d["status"] for d in log] == ["delivered"] * 3 and all(d["attempts"] == 1 for d in log)


def test_a_decline_says_whether_it_was_outside_their_skills(
    hooked: tuple[Velho, TestClient], receiver: Receiver
) -> None:
    velho, client = hooked
    subscribe(client, receiver.url, ["engagement.declined"])
    client.put("/v1/employees/ann", json=body("Ann", ["Zorblatt-makrot"]), headers=AUTH)
    client.put("/v1/employees/cid", json=body("Cid", ["Zorblatt-taulukot"]), headers=AUTH)
    out = client.post("/v1/match", json={"text": "Quintexa Zorblatt", "requester_id": "bob"}, headers=AUTH).json()
    for provider, outside in (("ann", True), ("cid", False)):
        eid = client.post(
            "/v1/engagements", json={"request_id": out["request_id"], "provider_id": provider}, headers=AUTH
        ).json()["id"]
        client.post(f"/v1/engagements/{eid}/decline", json={"outside_skills": outside}, headers=AUTH)
    velho.deliveries.drain()
    got = [json.loads(raw)["data"] for _, raw in receiver.got]
    assert [(d["provider_id"], d["outside_skills"]) for d in got] == [("ann", True), ("cid", False)]


def test_a_failing_receiver_gets_retries_then_success(hooked: tuple[Velho, TestClient], receiver: Receiver) -> None:
    velho, client = hooked
    sub = subscribe(client, receiver.url, ["profile.updated"])
    receiver.statuses = [500, 503]
    client.put("/v1/employees/ann", json=body("Ann", ["x"]), headers=AUTH)
    velho.deliveries.drain(timeout=10)
    deadline = time.monotonic() + 5
    while len(receiver.got) < 3 and time.monotonic() < deadline:
        velho.deliveries.run_once()
        time.sleep(0.02)
    ids = {h["webhook-id"] for h, _ in receiver.got}
    assert len(receiver.got) == 3 and len(ids) == 1  # the same message three times: receivers dedupe on it
    [d] = client.get(f"/v1/webhooks/{sub['id']}/deliveries", headers=AUTH).json()
    assert d["status"] == "delivered" and d["attempts"] == 3 and d["last_status_code"] == 200


def test_an_unreachable_receiver_backs_off_and_its_subscription_is_disabled(
    fast: Settings, encoder: Encoder, engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    local = fast.model_copy(update={"webhook_disable_after_failures": 3, "webhook_max_attempts": 2})
    velho = build(local, encoder=encoder, engine=engine)
    velho.start()
    caplog.set_level(logging.INFO, logger="matcher.webhooks.delivery")
    try:
        with TestClient(create_app(local, velho=velho)) as client:
            closed = "http://127.0.0.1:9/nothing-listens-here"
            sub = subscribe(client, closed, ["profile.updated"])
            for i in range(3):
                client.put(f"/v1/employees/p{i}", json=body("P", ["x"]), headers=AUTH)
            deadline = time.monotonic() + 10
            while (
                not client.get(f"/v1/webhooks/{sub['id']}", headers=AUTH).json()["disabled_at"]
                and time.monotonic() < deadline
            ):
                velho.deliveries.run_once()
                time.sleep(0.02)
            state = client.get(f"/v1/webhooks/{sub['id']}", headers=AUTH).json()
            assert state["active"] is False and "ConnectError" in state["disabled_reason"]
            log = client.get(f"/v1/webhooks/{sub['id']}/deliveries", headers=AUTH).json()
            assert {d["last_error"] for d in log} >= {"ConnectError"}
            assert any("webhook_retry" in r.getMessage() for r in caplog.records)
            assert any("webhook_disabled" in r.getMessage() for r in caplog.records)
            # A disabled subscription gets nothing new.
            client.put("/v1/employees/p9", json=body("P", ["x"]), headers=AUTH)
            assert len(client.get(f"/v1/webhooks/{sub['id']}/deliveries", headers=AUTH).json()) == len(log)
    finally:
        velho.close()


class TestOutbox:
    def test_a_rolled_back_change_leaves_no_event(self, hooked: tuple[Velho, TestClient], receiver: Receiver) -> None:
        velho, client = hooked
        subscribe(client, receiver.url, ["profile.updated"])
        with pytest.raises(RuntimeError), velho.session() as s:
            velho.profiles.upsert(s, external_id="ann", data=profile("Ann", ["x"]), actor=Actor.admin())
            raise RuntimeError("the caller failed after the change was staged")
        with velho.reading() as s:
            assert s.scalar(select(func.count(WebhookEvent.id))) == 0
            assert s.scalar(select(func.count(WebhookDelivery.id))) == 0

    def test_a_committed_change_is_delivered_by_a_process_started_after_the_writer_died(
        self, fast: Settings, encoder: Encoder, engine: Engine, receiver: Receiver, tmp_path: Path
    ) -> None:
        writer = build(fast, encoder=encoder, engine=engine)
        writer.start()
        with TestClient(create_app(fast, velho=writer)) as client:
            subscribe(client, receiver.url, ["profile.updated", "profile.erased"])
            client.put("/v1/employees/ann", json=body("Ann", ["x"]), headers=AUTH)
            client.delete("/v1/employees/ann", headers=AUTH)
        writer.close()  # gone before delivering anything
        assert receiver.got == []
        later = build(fast, encoder=encoder, engine=engine, index_dir=tmp_path / "later")
        later.start()
        try:
            later.deliveries.drain()
        finally:
            later.close()
        assert [json.loads(b)["type"] for _, b in receiver.got] == ["profile.updated", "profile.erased"]
        assert json.loads(receiver.got[1][1])["data"] == {"employee_id": "ann"}


def test_integrations_see_only_their_own_subscriptions(hooked: tuple[Velho, TestClient], receiver: Receiver) -> None:
    velho, client = hooked
    with velho.session() as s:
        keys = [velho.keys.create(s, name=n, scope="integration")[1] for n in ("intranet", "laas")]
    mine = client.post(
        "/v1/webhooks",
        json={"url": receiver.url, "events": ["profile.updated"]},
        headers={"Authorization": f"Bearer {keys[0]}"},
    ).json()
    other = {"Authorization": f"Bearer {keys[1]}"}
    assert client.get("/v1/webhooks", headers=other).json() == []
    assert client.get(f"/v1/webhooks/{mine['id']}", headers=other).status_code == 404
    assert client.delete(f"/v1/webhooks/{mine['id']}", headers=other).status_code == 404
    assert [w["id"] for w in client.get("/v1/webhooks", headers=AUTH).json()] == [mine["id"]]
    bad = client.post("/v1/webhooks", json={"url": "ftp://x.example/h", "events": ["profile.updated"]}, headers=AUTH)
    assert bad.status_code == 422
    bad = client.post("/v1/webhooks", json={"url": receiver.url, "events": ["profile.deleted"]}, headers=AUTH)
    assert bad.status_code == 422


def test_the_expiry_sweep_emits_expired_events(hooked: tuple[Velho, TestClient], receiver: Receiver) -> None:
    velho, client = hooked
    subscribe(client, receiver.url, ["engagement.expired"])
    put(velho, "ann", "Ann", ["Excel"])
    out = client.post("/v1/match", json={"text": "Excel", "requester_id": "bob"}, headers=AUTH).json()
    eid = client.post(
        "/v1/engagements", json={"request_id": out["request_id"], "provider_id": "ann"}, headers=AUTH
    ).json()["id"]
    velho.engagements.clock = lambda: utcnow() + timedelta(hours=velho.settings.feedback.offer_ttl_hours + 1)
    assert velho.sweep_expired() == 1 and velho.sweep_expired() == 0
    velho.deliveries.drain()
    [(_, raw)] = receiver.got
    assert json.loads(raw)["data"]["engagement_id"] == eid and json.loads(raw)["data"]["status"] == "expired"
