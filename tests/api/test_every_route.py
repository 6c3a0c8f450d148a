"""Rules that hold for every `/v1` route, checked over the routes the app really has, so a new
route cannot forget them: a credential is required (401 problem+json with WWW-Authenticate), and
the OpenAPI document declares the errors any route can answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import AUTH
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

SAMPLE_PARAMS = {"external_id": "emp-1", "engagement_id": "1", "subscription_id": "1"}


def api_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, through included routers (FastAPI wraps them)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from api_routes(route.original_router.routes, prefix + route.include_context.prefix)


def v1_operations(client: TestClient) -> list[tuple[str, str]]:
    """(method, concrete path) of every /v1 operation of the app."""
    out = []
    for full, route in api_routes(client.app.routes):  # type: ignore[attr-defined]
        if full.startswith("/v1"):
            path = re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PARAMS[m.group(1)], full)
            out += [(method, path) for method in sorted(route.methods)]
    return out


def test_every_v1_route_refuses_a_missing_or_wrong_credential(client: TestClient) -> None:
    operations = v1_operations(client)
    assert len(operations) >= 12  # the route table was really read
    for method, path in operations:
        for headers in ({}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic dXNlcjpwdw=="}):
            r = client.request(method, path, headers=headers, json={})
            assert r.status_code == 401, (method, path, headers, r.status_code)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert r.headers["www-authenticate"].startswith("Bearer")
            assert r.json()["type"] == "urn:velho:problem:unauthorized"


def test_every_v1_operation_declares_its_security_who_may_call_and_its_errors(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearer"]["scheme"] == "bearer" and schemes["actingEmployee"]["name"] == "X-Velho-Acting-Employee"
    for path, operations in spec["paths"].items():
        if not path.startswith("/v1"):
            continue
        for method, op in operations.items():
            assert {"bearer": []} in op["security"], (method, path)
            assert "admin" in op["x-velho-access"], (method, path)
            codes = set(op["responses"])
            assert {"401", "403", "503"} <= codes, (method, path, codes)
            assert "400" in codes, (method, path, codes)  # a malformed X-Velho-Acting-Employee
            if "requestBody" in op:
                assert "413" in codes and "422" in codes, (method, path, codes)


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_a_method_a_path_does_not_take_is_405_with_allow(client: TestClient, method: str) -> None:
    r = client.request(method, "/v1/employees/emp-1", headers=AUTH)
    assert r.status_code == 405 and r.headers["content-type"].startswith("application/problem+json")
    assert set(r.headers["allow"].split(", ")) >= {"GET", "PUT", "DELETE"}
