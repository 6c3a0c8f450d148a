"""Concurrent edits of one profile over HTTP: exactly one wins, the other is told which way it lost
(412: it sent a version that is no longer current; 409: another write landed while it was being
written), nothing is lost or mixed, and the index agrees with the database afterwards."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from builders import LetsAnotherWriterIn, body, put
from conftest import AUTH
from fastapi.testclient import TestClient

from matcher.app.wiring import Velho
from profiles.service import ProfileService


def test_a_writer_with_a_version_already_replaced_gets_412(client: TestClient) -> None:
    assert client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"]), headers=AUTH).status_code == 201
    first = client.put("/v1/employees/e1", json=body("A", ["A: Excel"]), headers=AUTH | {"If-Match": '"1"'})
    second = client.put("/v1/employees/e1", json=body("B", ["B: Excel"]), headers=AUTH | {"If-Match": '"1"'})
    assert first.status_code == 200 and second.status_code == 412
    assert second.json()["type"] == "urn:velho:problem:precondition-failed"
    assert client.get("/v1/employees/e1", headers=AUTH).json()["name"] == "A"


def test_a_write_overtaken_while_it_was_being_written_gets_409(client: TestClient, velho: Velho) -> None:
    assert client.put("/v1/employees/e1", json=body("Aino", ["haavanhoito"]), headers=AUTH).status_code == 201
    competitor = lambda: put(velho, "e1", "Winner", ["Excel-makrot"])  # noqa: E731
    velho.profiles = ProfileService(LetsAnotherWriterIn(velho.encoder, competitor))
    r = client.put("/v1/employees/e1", json=body("Loser", ["lääkehoito"]), headers=AUTH | {"If-Match": '"1"'})
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["type"] == "urn:velho:problem:conflict"
    stored = client.get("/v1/employees/e1", headers=AUTH).json()
    assert stored["name"] == "Winner" and [st["text"] for st in stored["strengths"]] == ["Excel-makrot"]
    ids = {st["id"] for st in stored["strengths"]}
    assert set(velho.sync.index.ids().tolist()) == ids


def test_two_writers_at_once_never_mix_their_profiles(client: TestClient) -> None:
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
