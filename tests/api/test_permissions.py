"""Who may do what, row by row, over real HTTP with real signed JWTs and real keys.

Employees read visible colleagues, change only themselves, match as themselves, answer only offers
made to them and rate only what they asked for; hidden profiles stay hidden from everyone but
their owner and admins; integration keys manage the organisation and act for employees only with
the header; insights keys read aggregates only. Every denied row changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from builders import body, put
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.access.models import AuditEvent
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.feedback.models import Engagement
from matcher.matching.models import HelpRequest
from profiles.models import Employee

SECRET = "permission-tests-secret-of-32-bytes-or-more"


@dataclass
class World:
    client: TestClient
    velho: Velho
    keys: dict[str, str]

    def employee(self, external_id: str) -> dict[str, str]:
        t = jwt.encode({"sub": external_id, "exp": int(time.time()) + 300}, SECRET, algorithm="HS256")
        return {"Authorization": f"Bearer {t}"}

    def key(self, name: str, acting: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.keys[name]}"}
        return headers | ({"X-Velho-Acting-Employee": acting} if acting else {})

    def state(self) -> tuple[int, ...]:
        with self.velho.reading() as s:
            return (
                int(s.scalar(select(func.count(Employee.id))) or 0),
                int(s.scalar(select(func.coalesce(func.sum(Employee.version), 0))) or 0),
                int(s.scalar(select(func.count(Engagement.id))) or 0),
            )


@pytest.fixture
def world(settings: Settings, encoder: Encoder, engine: Engine) -> Iterator[World]:
    local = settings.model_copy(update={"jwt_secret": SECRET})
    velho = build(local, encoder=encoder, engine=engine)
    velho.start()
    put(velho, "ann", "Ann", ["Excel-makrot ja pivot-taulukot"], unit="Talous")
    put(velho, "bob", "Bob", ["haavanhoito ja sidokset"], unit="Kotihoito")
    put(velho, "cai", "Cai", ["Excel-kaavat"], unit="Talous")
    put(velho, "hid", "Hidden", ["Excel-makrot, VBA"], unit="Talous", visible=False)
    keys = {}
    with velho.session() as s:
        for name, scope in (("intranet", "integration"), ("dashboard", "insights")):
            keys[name] = velho.keys.create(s, name=name, scope=scope)[1]
    try:
        with TestClient(create_app(local, velho=velho)) as client:
            yield World(client, velho, keys)
    finally:
        velho.close()


def status_of(w: World, method: str, path: str, headers: dict[str, str], json: Any = None) -> int:
    return w.client.request(method, path, headers=headers, json=json).status_code


class TestProfiles:
    def test_an_employee_reads_visible_colleagues_and_only_their_own_hidden_profile(self, world: World) -> None:
        ann = world.employee("ann")
        assert status_of(world, "GET", "/v1/employees/bob", ann) == 200
        r = world.client.get("/v1/employees/hid", headers=ann)
        assert r.status_code == 404 and r.json()["type"] == "urn:velho:problem:not-found"  # not revealed
        assert status_of(world, "GET", "/v1/employees/hid", world.employee("hid")) == 200
        assert status_of(world, "GET", "/v1/employees/hid", AUTH) == 200
        listed = {p["external_id"] for p in world.client.get("/v1/employees", headers=ann).json()["items"]}
        assert listed == {"ann", "bob", "cai"}
        assert "hid" in {p["external_id"] for p in world.client.get("/v1/employees", headers=AUTH).json()["items"]}

    def test_an_employee_replaces_and_erases_only_their_own(self, world: World) -> None:
        ann, before = world.employee("ann"), world.state()
        for method, path, payload in (
            ("PUT", "/v1/employees/bob", body("Bob", ["x"])),
            ("PUT", "/v1/employees/new-person", body("New", ["x"])),
            ("DELETE", "/v1/employees/bob", None),
        ):
            r = world.client.request(method, path, headers=ann, json=payload)
            assert r.status_code == 403 and r.json()["type"] == "urn:velho:problem:forbidden", (method, path)
        assert world.client.request("DELETE", "/v1/employees/hid", headers=ann).status_code == 404
        assert world.state() == before
        assert status_of(world, "PUT", "/v1/employees/ann", ann, body("Ann", ["Power BI"])) == 200
        hid = world.employee("hid")
        assert status_of(world, "PUT", "/v1/employees/hid", hid, body("Hidden", ["VBA"], visible=False)) == 200
        assert status_of(world, "DELETE", "/v1/employees/ann", ann) == 204

    def test_export_is_for_the_person_and_admins(self, world: World) -> None:
        assert status_of(world, "GET", "/v1/employees/ann/export", world.employee("ann")) == 200
        assert status_of(world, "GET", "/v1/employees/ann/export", world.employee("bob")) == 403
        assert status_of(world, "GET", "/v1/employees/ann/export", world.key("intranet")) == 403
        assert status_of(world, "GET", "/v1/employees/ann/export", AUTH) == 200

    def test_an_integration_manages_profiles_but_never_sees_hidden_ones(self, world: World) -> None:
        key = world.key("intranet")
        assert status_of(world, "PUT", "/v1/employees/dan", key, body("Dan", ["SAP"])) == 201
        assert status_of(world, "GET", "/v1/employees/hid", key) == 404
        assert "hid" not in {p["external_id"] for p in world.client.get("/v1/employees", headers=key).json()["items"]}
        rows = '{"external_id": "eve", "name": "Eve"}'
        r = world.client.post(
            "/v1/employees/import", content=rows, headers=key | {"content-type": "application/x-ndjson"}
        )
        assert r.status_code == 200 and r.json()["created"] == 1
        r = world.client.post(
            "/v1/employees/import",
            content=rows,
            headers=world.employee("ann") | {"content-type": "application/x-ndjson"},
        )
        assert r.status_code == 403


class TestMatching:
    def test_an_employee_matches_as_themselves(self, world: World) -> None:
        ann = world.employee("ann")
        out = world.client.post("/v1/match", json={"text": "Excel-makrot", "k": 5}, headers=ann).json()
        assert "ann" not in [r["external_id"] for r in out["results"]]
        assert "hid" not in [r["external_id"] for r in out["results"]]  # hidden for everyone, in results
        with world.velho.reading() as s:
            assert s.get(HelpRequest, out["request_id"]).requester_id == "ann"  # type: ignore[union-attr]
        r = world.client.post("/v1/match", json={"text": "Excel-makrot", "requester_id": "bob"}, headers=ann)
        assert r.status_code == 403
        own = world.client.post("/v1/match", json={"text": "Excel-makrot", "requester_id": "ann"}, headers=ann)
        assert own.status_code == 200

    def test_keys_by_scope(self, world: World) -> None:
        assert status_of(world, "POST", "/v1/match", world.key("intranet"), {"text": "Excel"}) == 200
        assert status_of(world, "POST", "/v1/match", world.key("dashboard"), {"text": "Excel"}) == 403
        assert status_of(world, "GET", "/v1/employees/ann", world.key("dashboard")) == 403
        assert status_of(world, "GET", "/v1/webhooks", world.key("intranet")) == 200
        assert status_of(world, "GET", "/v1/audit", world.key("intranet")) == 403
        assert status_of(world, "GET", "/v1/audit", world.employee("ann")) == 403
        assert status_of(world, "GET", "/v1/index", world.key("intranet")) == 403


class TestEngagements:
    def offer(self, world: World, requester: str = "bob", provider: str = "ann") -> int:
        out = world.client.post(
            "/v1/match", json={"text": "Excel-makrot", "k": 5}, headers=world.employee(requester)
        ).json()
        r = world.client.post(
            "/v1/engagements",
            json={"request_id": out["request_id"], "provider_id": provider},
            headers=world.employee(requester),
        )
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def test_only_the_requester_proposes_on_their_request(self, world: World) -> None:
        out = world.client.post("/v1/match", json={"text": "Excel-makrot"}, headers=world.employee("bob")).json()
        payload = {"request_id": out["request_id"], "provider_id": "ann"}
        assert status_of(world, "POST", "/v1/engagements", world.employee("cai"), payload) == 403
        assert status_of(world, "POST", "/v1/engagements", world.employee("bob"), payload) == 201

    def test_only_the_provider_answers_an_offer_and_only_the_requester_rates(self, world: World) -> None:
        eid = self.offer(world)
        before = world.state()
        for who in ("bob", "cai"):
            assert status_of(world, "POST", f"/v1/engagements/{eid}/accept", world.employee(who)) == 403
        # Naming someone else as actor does not help an employee.
        assert (
            status_of(world, "POST", f"/v1/engagements/{eid}/accept", world.employee("cai"), {"actor_id": "ann"}) == 403
        )
        assert world.state() == before
        assert status_of(world, "POST", f"/v1/engagements/{eid}/accept", world.employee("ann")) == 200
        assert status_of(world, "POST", f"/v1/engagements/{eid}/complete", world.employee("ann")) == 200
        assert status_of(world, "POST", f"/v1/engagements/{eid}/rating", world.employee("ann"), {"score": 5}) == 403
        assert status_of(world, "POST", f"/v1/engagements/{eid}/rating", world.employee("cai"), {"score": 5}) == 403
        assert status_of(world, "POST", f"/v1/engagements/{eid}/rating", world.employee("bob"), {"score": 5}) == 201

    def test_an_engagement_is_visible_to_its_parties_only(self, world: World) -> None:
        eid = self.offer(world)
        for who, expected in (("ann", 200), ("bob", 200), ("cai", 404)):
            assert status_of(world, "GET", f"/v1/engagements/{eid}", world.employee(who)) == expected

    def test_an_integration_acts_for_an_employee_only_with_the_header_and_is_audited(self, world: World) -> None:
        eid = self.offer(world)
        key = world.key("intranet")
        assert status_of(world, "POST", f"/v1/engagements/{eid}/accept", key) == 403  # on its own: nobody
        assert status_of(world, "POST", f"/v1/engagements/{eid}/accept", key, {"actor_id": "ann"}) == 403
        assert status_of(world, "POST", f"/v1/engagements/{eid}/accept", world.key("intranet", acting="cai")) == 403
        r = world.client.post(
            f"/v1/engagements/{eid}/accept", headers=world.key("intranet", acting="ann") | {"X-Request-ID": "req-42"}
        )
        assert r.status_code == 200 and r.headers["x-request-id"] == "req-42"
        with world.velho.reading() as s:
            row = s.scalars(select(AuditEvent).where(AuditEvent.request_id == "req-42")).one()
            seen = (row.actor_kind, row.actor, row.via, row.action, row.target, row.outcome)
        assert seen == ("employee", "ann", "intranet", "engagement.accept", str(eid), "ok")
        # A signed-in employee cannot use the header to become someone else.
        acting = world.employee("cai") | {"X-Velho-Acting-Employee": "ann"}
        assert status_of(world, "GET", "/v1/me", acting) == 403

    def test_a_malformed_acting_header_is_400_and_changes_nothing(self, world: World) -> None:
        eid = self.offer(world)
        before = world.state()
        for header in ("", "ann bob", "ann/../bob", "x" * 129, "ann;drop", "ann,bob"):
            for headers in (world.key("intranet"), world.employee("ann"), AUTH):
                r = world.client.post(
                    f"/v1/engagements/{eid}/accept", headers=headers | {"X-Velho-Acting-Employee": header}
                )
                assert r.status_code == 400, (header, r.status_code, r.text)
                assert r.headers["content-type"].startswith("application/problem+json")
                assert r.json()["type"] == "urn:velho:problem:bad-request" and "external id" in r.json()["detail"]
        assert world.state() == before
        with world.velho.reading() as s:
            assert s.scalar(select(Engagement.status).where(Engagement.id == eid)) == "proposed"
            audited = s.execute(select(AuditEvent.actor, AuditEvent.outcome).where(AuditEvent.status == 400)).all()
        assert {tuple(a) for a in audited} == {(who, "refused") for who in ("intranet", "ann", "admin")}
        # Well-formed, for a credential that may not act for anyone: still 403.
        r = world.client.get("/v1/me", headers=world.employee("cai") | {"X-Velho-Acting-Employee": "ann"})
        assert r.status_code == 403 and r.json()["type"] == "urn:velho:problem:forbidden"


class TestMe:
    def test_me_offers_and_engagements(self, world: World) -> None:
        eid = TestEngagements().offer(world)
        me = world.client.get("/v1/me", headers=world.employee("ann")).json()
        assert me["external_id"] == "ann"
        offers = world.client.get("/v1/me/offers", headers=world.employee("ann")).json()
        assert [o["id"] for o in offers] == [eid] and offers[0]["status"] == "proposed"
        assert world.client.get("/v1/me/offers", headers=world.employee("bob")).json() == []  # bob asked, ann offers
        mine = world.client.get("/v1/me/engagements", headers=world.employee("bob")).json()
        assert [e["id"] for e in mine] == [eid] and mine[0]["requester_id"] == "bob"
        assert status_of(world, "GET", "/v1/me", world.key("intranet")) == 403
        assert world.client.get("/v1/me", headers=world.key("intranet", acting="ann")).json()["external_id"] == "ann"
        assert status_of(world, "GET", "/v1/me", world.employee("hid")) == 200  # a hidden employee sees themselves


def test_refusals_are_audited_without_any_text(world: World) -> None:
    world.client.put("/v1/employees/bob", json=body("Zorblatt", ["Quintexa"]), headers=world.employee("ann"))
    world.client.get("/v1/employees/ann", headers={"Authorization": "Bearer wrong"})
    rows = world.client.get("/v1/audit", headers=AUTH).json()
    refused = [r for r in rows if r["outcome"] == "refused"]
    assert {(r["actor"], r["status"], r["action"]) for r in refused} >= {
        ("ann", 403, "profile.replace"),
        ("anonymous", 401, "profile.read"),
    }
    assert "Zorblatt" not in str(rows) and "Quintexa" not in str(rows)
    assert world.client.get("/v1/audit", params={"actor": "ann"}, headers=AUTH).json()
