"""Several real API processes on one real PostgreSQL (a private cluster on loopback): they converge
on start, see each other's writes within a bounded lag, survive kill -9 mid-import, and answer 503
(then recover by themselves) when the database goes away. Bounded: each test stops by itself."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from benchmarks.cluster import ApiProcess, PrivatePostgres, postgres_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.no_postgres,  # starts its own cluster: not repeated in the PostgreSQL pass
    pytest.mark.skipif(not postgres_available(), reason="needs PostgreSQL 15 binaries and root (CI has both)"),
]

PHRASES = [
    "Excel-makrot ja pivot-taulukot", "haavanhoito ja sidokset", "lääkehoidon ohjaus", "arabian kielen tulkkaus",
    "potilassiirrot ja ergonomia", "työvuorosuunnittelu", "mindfulness-harjoitukset", "laskujen käsittely",
    "barnskydd och familjearbete", "conflict de-escalation with clients", "insulin pump training", "SAP-raportit",
]  # fmt: skip


@pytest.fixture(scope="module")
def pg() -> Iterator[PrivatePostgres]:
    cluster = PrivatePostgres()
    cluster.start()
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One embedding cache for every process of the module: each text is encoded once."""
    return tmp_path_factory.mktemp("shared-cache")


@pytest.fixture
def processes(pg: PrivatePostgres, tmp_path: Path, shared_cache: Path) -> Iterator[list[ApiProcess]]:
    """Up to a few API processes on a fresh database, stopped after the test."""
    started: list[ApiProcess] = []
    url = pg.create_database("t" + uuid.uuid4().hex[:10])

    def spawn(name: str, **env: str) -> ApiProcess:
        env = {"VELHO_CACHE_DIR": str(shared_cache), "VELHO_INDEX_POLL_SECONDS": "0.25"} | env
        proc = ApiProcess(database_url=url, data_dir=tmp_path / name / "data", env=env, name=name)
        started.append(proc)
        return proc.start()

    spawn.started = started  # type: ignore[attr-defined]
    yield spawn  # type: ignore[misc]
    for proc in started:
        proc.kill()


# A correctness bound, loose enough for a loaded CI machine (not a speed check: the measured lag,
# p50 about 0.6 s, comes from benchmarks/load_mixed.py).
LAG_BOUND = 10.0


def profile(i: int) -> dict[str, object]:
    return {"name": f"Person {i}", "unit": f"Yksikkö {i % 7}", "strengths": [{"text": PHRASES[i % len(PHRASES)]}]}


def in_step(proc: ApiProcess) -> dict[str, object]:
    with proc.client() as c:
        report = c.get("/v1/index").json()
    assert isinstance(report, dict)
    return report


def test_three_processes_started_together_on_an_empty_database_converge(processes) -> None:  # type: ignore[no-untyped-def]
    procs = [processes(f"p{i}") for i in range(3)]
    for proc in procs:
        proc.wait_ready()
    for proc in procs:
        log = proc.log_tail(100_000)
        assert "Traceback" not in log and "UniqueViolation" not in log, log[-3000:]
        assert in_step(proc)["in_step"] is True


def test_a_write_through_one_process_shows_in_another_within_the_lag_bound(processes) -> None:  # type: ignore[no-untyped-def]
    a, b = processes("a"), processes("b")
    a.wait_ready()
    b.wait_ready()
    lags = []
    with a.client() as ca, b.client() as cb:
        for i in range(5):
            text = f"tietosuoja-asiantuntija {i} ja {PHRASES[i]}"
            assert (
                ca.put(f"/v1/employees/w{i}", json={"name": f"W{i}", "strengths": [{"text": text}]}).status_code == 201
            )
            started = time.monotonic()
            while True:
                top = cb.post("/v1/match", json={"text": text, "k": 1}).json()["results"]
                if top and top[0]["external_id"] == f"w{i}":
                    break
                assert time.monotonic() - started < LAG_BOUND, "not seen by the other process in time"
                time.sleep(0.02)
            lags.append(time.monotonic() - started)
        assert ca.delete("/v1/employees/w0").status_code == 204
        # Results never hold an erased person, even from a process whose index has not caught up yet ...
        top = cb.post("/v1/match", json={"text": PHRASES[0], "k": 10}).json()["results"]
        assert "w0" not in {r["external_id"] for r in top}
    # ... and that index drops the vectors within the bound too.
    started = time.monotonic()
    while not in_step(b)["in_step"]:
        assert time.monotonic() - started < LAG_BOUND, "erase not applied by the other process in time"
        time.sleep(0.05)
    assert max(lags) < LAG_BOUND
    assert in_step(a)["in_step"] is True


def test_concurrent_edits_of_one_profile_from_two_processes(processes) -> None:  # type: ignore[no-untyped-def]
    a, b = processes("a"), processes("b")
    a.wait_ready()
    b.wait_ready()
    with a.client() as ca, b.client() as cb:
        assert ca.put("/v1/employees/x", json=profile(0)).status_code == 201
        version = 1
        for round_ in range(15):
            bodies = {"a": profile(round_ * 2 + 1), "b": profile(round_ * 2 + 2)}
            barrier = threading.Barrier(2)

            def write(
                who: str, client: httpx.Client, body: dict[str, object], seen: int, start: threading.Barrier
            ) -> tuple[str, int]:
                start.wait()  # both requests leave together, one to each process
                r = client.put("/v1/employees/x", json=body, headers={"If-Match": f'"{seen}"'})
                return who, r.status_code

            with ThreadPoolExecutor(2) as pool:
                futures = [
                    pool.submit(write, who, c, bodies[who], version, barrier) for who, c in (("a", ca), ("b", cb))
                ]
                results = dict(f.result() for f in futures)
            winners = [w for w, status in results.items() if status == 200]
            assert len(winners) == 1 and set(results.values()) - {200} <= {409, 412}, results
            version += 1
            stored = ca.get("/v1/employees/x").json()
            # No lost update: the stored profile is exactly the acknowledged write.
            assert stored["version"] == version and stored["name"] == bodies[winners[0]]["name"]
    time.sleep(1.0)
    reports = [in_step(p) for p in (a, b)]
    assert all(r["in_step"] for r in reports) and reports[0]["digest"] == reports[1]["digest"]


def test_kill_9_during_a_bulk_import_keeps_every_acknowledged_chunk(processes) -> None:  # type: ignore[no-untyped-def]
    a = processes("a")
    a.wait_ready()
    chunks = [[{"external_id": f"imp-{c:02d}-{i:03d}"} | profile(c * 250 + i) for i in range(250)] for c in range(14)]
    acknowledged: list[int] = []
    in_flight: list[int] = []

    def send_all() -> None:
        with a.client(timeout=120) as client:
            for number, chunk in enumerate(chunks):
                in_flight.append(number)
                try:
                    r = client.post("/v1/employees/import", content="\n".join(json.dumps(row) for row in chunk),
                                    headers={"content-type": "application/x-ndjson"})  # fmt: skip
                except httpx.TransportError:
                    return  # the process was killed mid-request
                if r.status_code == 200:
                    acknowledged.append(number)

    sender = threading.Thread(target=send_all)
    sender.start()
    while len(acknowledged) < 4:
        time.sleep(0.05)
    time.sleep(0.2)  # well into the next chunk
    a.kill()  # SIGKILL: no shutdown code runs, the saved index is stale
    sender.join(timeout=60)
    assert acknowledged and len(acknowledged) < len(chunks)
    a.start()
    a.wait_ready()
    with a.client() as client:
        stored: set[str] = set()
        cursor = None
        while True:
            page = client.get("/v1/employees", params={"limit": 500} | ({"cursor": cursor} if cursor else {})).json()
            stored |= {p["external_id"] for p in page["items"]}
            cursor = page["next_cursor"]
            if not cursor:
                break
    for number, chunk in enumerate(chunks):
        ids = {row["external_id"] for row in chunk}
        if number in acknowledged:
            assert ids <= stored, f"acknowledged chunk {number} lost rows"
        else:
            assert not ids & stored or ids <= stored, f"chunk {number} half-written"  # all or nothing
    assert in_step(a)["in_step"] is True


def test_the_database_going_away_gives_503_and_the_process_recovers_by_itself(
    tmp_path: Path, shared_cache: Path
) -> None:
    own = PrivatePostgres()  # its own cluster: stopping it disturbs no other test
    own.start()
    api = ApiProcess(database_url=own.create_database("down"), data_dir=tmp_path / "api" / "data",
                     env={"VELHO_CACHE_DIR": str(shared_cache)}, name="api")  # fmt: skip
    try:
        api.start().wait_ready()
        with api.client(timeout=30) as c:
            assert c.put("/v1/employees/d1", json=profile(1)).status_code == 201
            own.stop()
            started = time.monotonic()
            while c.get("/readyz").status_code != 503:
                assert time.monotonic() - started < 15, "still ready with the database gone"
                time.sleep(0.2)
            for call in (lambda: c.post("/v1/match", json={"text": PHRASES[1]}),
                         lambda: c.put("/v1/employees/d2", json=profile(2)),
                         lambda: c.get("/v1/employees/d1")):  # fmt: skip
                began = time.monotonic()
                r = call()
                assert r.status_code == 503, r.text
                assert r.headers["content-type"].startswith("application/problem+json") and "Traceback" not in r.text
                assert r.headers["retry-after"] and time.monotonic() - began < 15
            own.start()
            started = time.monotonic()
            while c.get("/readyz").status_code != 200:
                assert time.monotonic() - started < 30, "did not recover without a restart"
                time.sleep(0.2)
            assert c.put("/v1/employees/d2", json=profile(2)).status_code == 201
            assert c.post("/v1/match", json={"text": PHRASES[2], "k": 1}).json()["results"][0]["external_id"] == "d2"
        assert api.process is not None and api.process.poll() is None  # the same process throughout
    finally:
        api.kill()
        own.close()


# The receivers below listen on loopback, which webhooks may reach only when a deployment allows it.
LOOPBACK_HOOKS = {"VELHO_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8"}


def webhook_receiver(got: list[str]) -> ThreadingHTTPServer:
    """A real HTTP receiver on loopback that records each delivery's `webhook-id`."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            self.rfile.read(int(self.headers.get("content-length", 0)))
            got.append(self.headers["webhook-id"])
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def test_an_event_committed_before_a_kill_9_is_delivered_after_restart(processes) -> None:  # type: ignore[no-untyped-def]
    got: list[str] = []
    server = webhook_receiver(got)
    try:
        # The first process has no delivery worker, so its events can only still be in the outbox.
        a = processes("a", VELHO_WEBHOOK_POLL_SECONDS="0", **LOOPBACK_HOOKS)
        a.wait_ready()
        with a.client() as ca:
            url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
            assert ca.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}).status_code == 201
            for i in range(5):
                assert ca.put(f"/v1/employees/k{i}", json=profile(i)).status_code == 201
        a.kill()
        assert got == []
        b = processes("b", VELHO_WEBHOOK_POLL_SECONDS="0.1", **LOOPBACK_HOOKS)
        b.wait_ready()
        started = time.monotonic()
        while len(got) < 5 and time.monotonic() - started < 30:
            time.sleep(0.1)
        assert len(got) == 5 and len(set(got)) == 5, got
    finally:
        server.shutdown()


def test_two_processes_deliver_each_webhook_event_once(processes) -> None:  # type: ignore[no-untyped-def]
    got: list[str] = []
    server = webhook_receiver(got)
    try:
        fast = {"VELHO_WEBHOOK_POLL_SECONDS": "0.1", **LOOPBACK_HOOKS}
        a, b = processes("a", **fast), processes("b", **fast)
        a.wait_ready()
        b.wait_ready()
        with a.client() as ca, b.client() as cb:
            url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
            assert ca.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}).status_code == 201
            for i in range(40):
                client = ca if i % 2 == 0 else cb
                assert client.put(f"/v1/employees/h{i}", json=profile(i)).status_code == 201
        started = time.monotonic()
        while len(got) < 40 and time.monotonic() - started < 30:
            time.sleep(0.1)
        time.sleep(1.0)  # anything sent twice would have arrived by now
        assert len(got) == 40 and len(set(got)) == 40, (len(got), len(set(got)))
    finally:
        server.shutdown()
