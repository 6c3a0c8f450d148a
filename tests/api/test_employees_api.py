"""Employee endpoints over real HTTP: contract, errors in problem+json, nothing changed on error."""

from __future__ import annotations

import json

import pytest
from builders import body
from conftest import AUTH
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from matcher.app.wiring import Velho
from profiles.models import Employee, StrengthStatement

PROBLEM = "application/problem+json"


def snapshot(velho: Velho) -> tuple[int, int, int, list[int]]:
    """Rows and index state, to prove an error changed nothing."""
    with velho.session() as s:
        emps = int(s.scalar(select(func.count(Employee.id))) or 0)
        stmts = int(s.scalar(select(func.count(StrengthStatement.id))) or 0)
        versions = int(s.scalar(select(func.coalesce(func.sum(Employee.version), 0))) or 0)
    return emps, stmts, versions, sorted(velho.sync.index.ids().tolist())


def assert_problem(resp, status: int) -> dict:  # type: ignore[no-untyped-def, type-arg]
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"].startswith(PROBLEM)
    data = resp.json()
    assert (
        data["status"] == status and data["type"].startswith("urn:velho:problem:") and data["title"] and data["detail"]
    )
    return data


class TestPut:
    def test_create_then_replace(self, client: TestClient) -> None:
        r = client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"], unit="Kotihoito"), headers=AUTH)
        assert r.status_code == 201 and r.headers["etag"] == '"1"'
        data = r.json()
        assert data["version"] == 1 and data["strengths"][0]["text"] == "haavanhoito" and data["unit"] == "Kotihoito"
        r = client.put("/v1/employees/e1", json=body("Aino", ["Excel"]), headers=AUTH | {"If-Match": '"1"'})
        assert r.status_code == 200 and r.json()["version"] == 2
        assert client.get("/v1/employees/e1", headers=AUTH).json()["strengths"][0]["text"] == "Excel"

    def test_stale_if_match_gives_412_and_changes_nothing(self, client: TestClient, velho: Velho) -> None:
        client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"]), headers=AUTH)
        before = snapshot(velho)
        r = client.put("/v1/employees/e1", json=body("Other", ["Excel"]), headers=AUTH | {"If-Match": '"5"'})
        assert_problem(r, 412)
        assert snapshot(velho) == before

    @pytest.mark.parametrize(
        "payload",
        [
            {"name": "A", "capacity": "3"},  # wrong type (no silent coercion)
            {"name": "A", "strengths": [{"text": ""}]},  # empty text
            {"name": "A", "strengths": [{"text": "x" * 100_000}]},  # 100 kB text
            {"name": "A", "strengths": [{"text": "ok", "level": 9}]},
            {"name": "A", "availability": "sometimes"},
            {"name": "A", "unknown_field": 1},
            {"strengths": []},  # name missing
            [],
        ],
    )
    def test_bad_input_gives_422_with_field_paths_and_changes_nothing(
        self, client: TestClient, velho: Velho, payload: object
    ) -> None:
        client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"]), headers=AUTH)
        before = snapshot(velho)
        r = client.put("/v1/employees/e1", json=payload, headers=AUTH)
        data = assert_problem(r, 422)
        assert data["errors"] and all("field" in e for e in data["errors"])
        assert snapshot(velho) == before

    def test_invalid_json_and_invalid_utf8_are_4xx(self, client: TestClient, velho: Velho) -> None:
        before = snapshot(velho)
        headers = AUTH | {"content-type": "application/json"}
        assert_problem(client.put("/v1/employees/e1", content=b'{"name": ', headers=headers), 422)
        r = client.put("/v1/employees/e1", content=b'{"name": "\xff\xfe"}', headers=headers)
        assert 400 <= r.status_code < 500 and r.headers["content-type"].startswith(PROBLEM)
        assert snapshot(velho) == before

    def test_bad_external_id_is_422(self, client: TestClient) -> None:
        assert_problem(client.put("/v1/employees/has space", json=body("A"), headers=AUTH), 422)

    def test_auth_is_required(self, client: TestClient, velho: Velho) -> None:
        assert_problem(client.put("/v1/employees/e1", json=body("A")), 401)
        r = client.put("/v1/employees/e1", json=body("A"), headers={"Authorization": "Bearer wrong"})
        assert_problem(r, 401)
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert snapshot(velho)[0] == 0

    def test_oversized_body_is_413(self, client: TestClient, velho: Velho) -> None:
        big = b"[" + b" " * (velho.settings.max_body_bytes + 10) + b"]"
        r = client.post("/v1/employees/import", content=big, headers=AUTH | {"content-type": "application/json"})
        assert_problem(r, 413)


class TestReadListDelete:
    def test_unknown_id_is_404(self, client: TestClient) -> None:
        assert_problem(client.get("/v1/employees/nobody", headers=AUTH), 404)
        assert_problem(client.delete("/v1/employees/nobody", headers=AUTH), 404)

    def test_list_pages_with_cursor(self, client: TestClient) -> None:
        for i in range(5):
            client.put(f"/v1/employees/e{i}", json=body(f"P{i}", unit="U" if i < 3 else "V"), headers=AUTH)
        first = client.get("/v1/employees?limit=2", headers=AUTH).json()
        second = client.get(f"/v1/employees?limit=2&cursor={first['next_cursor']}", headers=AUTH).json()
        third = client.get(f"/v1/employees?limit=2&cursor={second['next_cursor']}", headers=AUTH).json()
        ids = [p["external_id"] for page in (first, second, third) for p in page["items"]]
        assert ids == ["e0", "e1", "e2", "e3", "e4"] and third["next_cursor"] is None
        assert [p["external_id"] for p in client.get("/v1/employees?unit=V", headers=AUTH).json()["items"]] == [
            "e3",
            "e4",
        ]
        assert_problem(client.get("/v1/employees?cursor=%%%", headers=AUTH), 422)
        assert_problem(client.get("/v1/employees?limit=0", headers=AUTH), 422)

    def test_delete_erases_rows_and_vectors(self, client: TestClient, velho: Velho) -> None:
        client.put("/v1/employees/e1", json=body("Aino", ["Excel-makrot"]), headers=AUTH)
        client.put("/v1/employees/e2", json=body("Bo", ["haavanhoito"]), headers=AUTH)
        assert client.delete("/v1/employees/e1", headers=AUTH).status_code == 204
        assert_problem(client.get("/v1/employees/e1", headers=AUTH), 404)
        emps, stmts, _, ids = snapshot(velho)
        assert (emps, stmts, len(ids)) == (1, 1, 1)
        results = client.post("/v1/match", json={"text": "Excel-makrot"}, headers=AUTH).json()["results"]
        assert [r["external_id"] for r in results] == ["e2"]


class TestImport:
    def test_ndjson_keeps_valid_rows_and_reports_failed(self, client: TestClient, velho: Velho) -> None:
        lines = [
            json.dumps({"external_id": "a1", "name": "Anna", "strengths": [{"text": "haavanhoito"}]}),
            json.dumps({"external_id": "a2", "name": "Bad", "capacity": -1}),
            "{oops",
            json.dumps({"external_id": "a3", "name": "Cecilia", "strengths": [{"text": "barnskydd"}]}),
        ]
        r = client.post(
            "/v1/employees/import", content="\n".join(lines), headers=AUTH | {"content-type": "application/x-ndjson"}
        )
        assert r.status_code == 200, r.text
        data = r.json()
        assert (data["created"], data["updated"]) == (2, 0)
        assert [(f["index"], f["external_id"]) for f in data["failed"]] == [(1, "a2"), (2, None)]
        assert snapshot(velho)[0] == 2

    def test_json_array_updates_existing(self, client: TestClient) -> None:
        client.put("/v1/employees/a1", json=body("Anna"), headers=AUTH)
        rows = [{"external_id": "a1", "name": "Anna B"}, {"external_id": "a9", "name": "New"}]
        data = client.post("/v1/employees/import", json=rows, headers=AUTH).json()
        assert (data["created"], data["updated"], data["failed"]) == (1, 1, [])
        assert client.get("/v1/employees/a1", headers=AUTH).json()["name"] == "Anna B"

    def test_empty_or_non_utf8_import_is_rejected(self, client: TestClient) -> None:
        assert_problem(client.post("/v1/employees/import", content=b"", headers=AUTH), 422)
        assert_problem(client.post("/v1/employees/import", content=b"\xff\xfe", headers=AUTH), 422)

    def test_an_import_without_rows_changes_nothing(self, client: TestClient, velho: Velho) -> None:
        before = snapshot(velho)
        csv_header_only = client.post(
            "/v1/employees/import", content=b"external_id,name\n", headers=AUTH | {"content-type": "text/csv"}
        )
        assert csv_header_only.status_code == 200 and csv_header_only.json() == {
            "created": 0,
            "updated": 0,
            "failed": [],
        }
        assert snapshot(velho) == before


def test_openapi_documents_the_contract(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/employees/{external_id}",
        "/v1/employees",
        "/v1/employees/import",
        "/v1/match",
        "/healthz",
        "/readyz",
    ):
        assert path in paths
    put_responses = paths["/v1/employees/{external_id}"]["put"]["responses"]
    assert {"200", "201", "412", "422"} <= set(put_responses)
    assert "Problem" in spec["components"]["schemas"]


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
