"""`velho demo --serve` as the installed command: it loads the sample organisation into the
embedded SQLite, then serves the API and the page with dev sign-in, and says where."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.no_postgres]


def test_demo_serve_opens_the_sample_organisation_on_ui(tmp_path: Path, e5_cache: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("VELHO_")}
    # The converted model of the test run, so the command does not convert it again.
    env |= {"VELHO_DATA_DIR": str(tmp_path / "data"), "VELHO_CACHE_DIR": str(e5_cache), "PYTHONUNBUFFERED": "1"}
    velho = Path(sys.executable).with_name("velho")
    log = tmp_path / "demo.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [str(velho), "demo", "--serve", "--k", "1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env=env, cwd=tmp_path,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600  # loading 300 people with the real model; a hang ends here
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        assert proc.poll() is None, log.read_text()[-3000:]
        assert httpx.get(f"{base}/ui/").status_code == 200
        people = httpx.get(f"{base}/v1/dev/employees", params={"limit": 500}).json()
        assert 250 <= len(people) <= 300  # the sample organisation, hidden profiles left out
        signed = httpx.post(f"{base}/v1/dev/token", json={"external_id": "emp-0042"}).json()
        auth = {"Authorization": f"Bearer {signed['token']}"}
        for _ in range(100):  # the index loads in the background after the port opens
            if httpx.get(f"{base}/readyz").status_code == 200:
                break
            time.sleep(0.2)
        found = httpx.post(f"{base}/v1/match", json={"text": "help with Excel macros", "k": 3}, headers=auth)
        assert found.status_code == 200, found.text
        assert httpx.get(f"{base}/v1/me", headers=auth).json()["external_id"] == "emp-0042"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert f"http://127.0.0.1:{port}/ui/" in log.read_text()
