"""The `Server-Timing` header: where a request's time went, by part, on real requests through the app."""

from __future__ import annotations

import time

from builders import body
from conftest import AUTH
from fastapi.testclient import TestClient

from matcher.timing import PARTS, span, timings_scope


def parts(header: str) -> dict[str, float]:
    out = {}
    for item in header.split(","):
        name, _, dur = item.strip().partition(";dur=")
        out[name] = float(dur)
    return out


class TestMatchResponse:
    def test_match_reports_each_part_and_the_parts_fit_in_the_total(self, client: TestClient) -> None:
        people = {"nurse": ["haavanhoito", "Excel: pivot-taulukot ja makrot"], "physio": ["ergonomic transfers"]}
        for ext, strengths in people.items():
            assert client.put(f"/v1/employees/{ext}", json=body(ext, strengths), headers=AUTH).status_code == 201
        r = client.post("/v1/match", json={"text": "help with Excel macros", "k": 2}, headers=AUTH)
        assert r.status_code == 200
        timing = parts(r.headers["server-timing"])
        assert list(timing) == [*PARTS, "total"]
        # Every part ran: the request was encoded, searched, ranked, and stored in the database.
        assert all(timing[p] > 0 for p in PARTS), timing
        assert sum(timing[p] for p in PARTS) <= timing["total"] + 0.01

    def test_errors_and_other_routes_carry_it_too(self, client: TestClient) -> None:
        bad = client.post("/v1/match", json={"text": ""}, headers=AUTH)
        assert bad.status_code == 422
        timing = parts(bad.headers["server-timing"])
        assert timing["encode"] == 0 and timing["total"] > 0
        assert "server-timing" in client.get("/healthz").headers


class TestTimings:
    def test_a_part_counts_only_its_own_time(self) -> None:
        with timings_scope() as t:
            started = time.perf_counter()
            with span("rank"):
                with span("db"):
                    time.sleep(0.02)
            total = time.perf_counter() - started
        assert t.seconds["db"] >= 0.02
        assert t.seconds["rank"] < t.seconds["db"]
        assert t.seconds["rank"] + t.seconds["db"] <= total

    def test_outside_a_request_spans_do_nothing(self) -> None:
        with span("encode"):
            pass
        with timings_scope() as t:
            pass
        assert t.seconds == {}
