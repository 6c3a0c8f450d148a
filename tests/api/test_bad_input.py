"""Bad input at every endpoint: a 4xx problem+json, and nothing in the database or index changes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from builders import body
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from matcher.app.settings import Settings
from matcher.app.wiring import Velho
from matcher.feedback.models import Engagement, Rating
from matcher.matching.models import HelpRequest
from profiles.models import Employee, ProfileChange, StrengthStatement

TABLES = (Employee, StrengthStatement, ProfileChange, HelpRequest, Engagement, Rating)


def everything(velho: Velho) -> tuple[object, ...]:
    with velho.reading() as s:
        counts = tuple(int(s.scalar(select(func.count()).select_from(t)) or 0) for t in TABLES)
        versions = int(s.scalar(select(func.coalesce(func.sum(Employee.version), 0))) or 0)
    return counts, versions, sorted(velho.sync.index.ids().tolist())


@pytest.fixture
def world(client: TestClient) -> dict[str, object]:
    """Two people, one stored request and one proposed engagement."""
    client.put("/v1/employees/e1", json=body("Aino", ["Excel-makrot"]), headers=AUTH)
    client.put("/v1/employees/e2", json=body("Bo", ["haavanhoito"]), headers=AUTH)
    out = client.post("/v1/match", json={"text": "Excel-makrot", "requester_id": "e2"}, headers=AUTH).json()
    eng = client.post("/v1/engagements", json={"request_id": out["request_id"], "provider_id": "e1"}, headers=AUTH)
    return {"request_id": out["request_id"], "engagement": eng.json()["id"]}


NUL = "Excel\x00makrot"
SURROGATE = "Excel \ud800 makrot"
DEEP = "[" * 100_000 + "]" * 100_000


def bad_requests(world: dict[str, object]) -> Iterator[tuple[str, str, dict[str, object]]]:
    """(method, path, request kwargs) of bad input for every endpoint that takes a body or query."""
    e = world["engagement"]
    rid = world["request_id"]
    profile_bodies = [
        body(NUL, ["ok"]),
        body("ok", [SURROGATE]),
        body("ok", ["ok"], availability="sometimes"),  # unknown enum value
        body("ok", ["ok"], capacity=-1),
        body("ok", ["ok"], capacity=3.5),
        body("ok", ["ok"]) | {"unknown": 1},
    ]
    for b in profile_bodies:
        yield "PUT", "/v1/employees/e1", {"json": b}
    for raw in (b'{"name": "A\xff"}', b'{"name": "A"', DEEP.encode(), b"\x00\x00", b'"just a string"'):
        yield "PUT", "/v1/employees/e1", {"content": raw, "headers": {"content-type": "application/json"}}
    yield "PUT", "/v1/employees/e1", {"json": body("A", ["x" * 1000]) | {"strengths": [{"text": "x"}] * 51}}
    for params in ({"limit": -1}, {"limit": 0}, {"limit": 10**9}, {"cursor": "%%%"}, {"limit": "many"}):
        yield "GET", "/v1/employees", {"params": params}
    for m in (
        {"text": NUL},
        {"text": SURROGATE},
        {"text": ""},
        {"text": "x" * 2001},
        {"text": "ok", "k": 10**9},
        {"text": "ok", "k": -5},
        {"text": "ok", "k": "5"},
        {"text": "ok", "filters": {"languages": ["finnish!"]}},
        {"text": "ok", "filters": {"units": [SURROGATE]}},
        {"text": "ok", "requester_id": "bad id with spaces"},
    ):
        yield "POST", "/v1/match", {"json": m}
    yield "POST", "/v1/match", {"content": DEEP.encode(), "headers": {"content-type": "application/json"}}
    same_id_twice = '{"external_id": "n1", "name": "A"}\n{"external_id": "n1", "name": "B"}'
    yield (
        "POST",
        "/v1/employees/import",
        {"content": same_id_twice, "headers": {"content-type": "application/x-ndjson"}},
    )
    yield "POST", "/v1/employees/import", {"content": b"", "headers": {"content-type": "application/x-ndjson"}}
    yield "POST", "/v1/employees/import", {"content": b"\xff\xfe", "headers": {"content-type": "application/x-ndjson"}}
    for b in (
        {"request_id": rid, "provider_id": "nobody"},
        {"request_id": "not-hex!", "provider_id": "e1"},
        {"request_id": rid, "provider_id": "e1", "extra": True},
    ):
        yield "POST", "/v1/engagements", {"json": b}
    yield "POST", f"/v1/engagements/{e}/decline", {"json": {"reason": NUL}}
    yield "POST", f"/v1/engagements/{e}/cancel", {"json": {"reason": "x" * 501}}
    yield "POST", f"/v1/engagements/{e}/rating", {"json": {"score": 6}}
    yield "POST", f"/v1/engagements/{e}/rating", {"json": {"score": 5, "comment": SURROGATE}}
    yield "POST", "/v1/engagements/99999999/accept", {"json": {}}
    yield "POST", f"/v1/engagements/{2**63}/accept", {"json": {}}
    yield "GET", "/v1/engagements/-1", {}


def test_bad_input_everywhere_is_a_4xx_problem_and_changes_nothing(
    client: TestClient, velho: Velho, world: dict[str, object]
) -> None:
    before = everything(velho)
    cases = list(bad_requests(world))
    assert len(cases) > 30
    for method, path, kwargs in cases:
        headers = AUTH | dict(kwargs.pop("headers", {}))  # type: ignore[arg-type]
        if "json" in kwargs:  # escaped as JSON allows ("\ud800"): httpx would refuse to encode a lone surrogate
            kwargs["content"] = json.dumps(kwargs.pop("json")).encode()
            headers["content-type"] = "application/json"
        r = client.request(method, path, headers=headers, **kwargs)  # type: ignore[arg-type]
        assert 400 <= r.status_code < 500, (method, path, r.status_code, r.text[:200])
        assert r.headers["content-type"].startswith("application/problem+json"), (method, path)
        problem = r.json()
        assert problem["status"] == r.status_code and problem["type"].startswith("urn:velho:problem:")
        assert everything(velho) == before, (method, path)


class TestBodyLimit:
    @pytest.fixture
    def small(self, settings: Settings, velho: Velho) -> Iterator[TestClient]:
        with TestClient(create_app(settings.model_copy(update={"max_body_bytes": 2_000}), velho=velho)) as c:
            yield c

    def test_a_chunked_body_over_the_limit_is_413_though_it_declares_no_length(
        self, small: TestClient, velho: Velho
    ) -> None:
        before = everything(velho)
        payload = (
            '{"name": "A", "strengths": [{"text": "' + "x" * 900 + '"}' + ', {"text": "y"}' * 800 + "]}"
        ).encode()
        assert len(payload) > 12_000

        def chunks() -> Iterator[bytes]:
            for start in range(0, len(payload), 1_000):
                yield payload[start : start + 1_000]

        r = small.put("/v1/employees/e9", content=chunks(), headers=AUTH | {"content-type": "application/json"})
        assert r.status_code == 413 and r.headers["content-type"].startswith("application/problem+json")
        assert "content-length" not in {k.lower() for k in r.request.headers}  # really sent chunked
        declared = small.put("/v1/employees/e9", content=payload, headers=AUTH | {"content-type": "application/json"})
        assert declared.status_code == 413
        assert everything(velho) == before

    def test_a_body_under_the_limit_still_works_when_chunked(self, small: TestClient) -> None:
        payload = b'{"name": "Aino", "strengths": [{"text": "haavanhoito"}]}'
        r = small.put(
            "/v1/employees/e9",
            content=iter([payload[:10], payload[10:]]),
            headers=AUTH | {"content-type": "application/json"},
        )
        assert r.status_code == 201, r.text
