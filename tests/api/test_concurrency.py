"""Concurrent edits of one profile: exactly one wins, the other is told, nothing is lost or mixed."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from builders import body
from conftest import AUTH


def test_two_writers_with_the_same_if_match(client: TestClient) -> None:
    assert client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"]), headers=AUTH).status_code == 201

    def write(name: str) -> int:
        r = client.put("/v1/employees/e1", json=body(name, [f"{name}: Excel"]), headers=AUTH | {"If-Match": '"1"'})
        return r.status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(write, ["Writer A", "Writer B"]))
    final = client.get("/v1/employees/e1", headers=AUTH).json()
    assert statuses[0] == 200 and statuses[1] in (409, 412), statuses
    # The stored profile is wholly one writer's, never a mix.
    assert final["strengths"][0]["text"] == f"{final['name']}: Excel"
    assert final["version"] == 2


def test_concurrent_creates_of_different_people_all_land(client: TestClient) -> None:
    def create(i: int) -> int:
        return client.put(f"/v1/employees/p{i}", json=body(f"P{i}", [f"taito {i}"]), headers=AUTH).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(create, range(12)))
    assert statuses == [201] * 12
    page = client.get("/v1/employees?limit=100", headers=AUTH).json()
    assert len(page["items"]) == 12
