"""Schemathesis against the live OpenAPI of a real server on loopback: every check, bounded
examples, a fixed seed. No 5xx, and every response conforms to what the schema declares."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from builders import put
from conftest import ADMIN_TOKEN
from live_server import serve

from api.app import create_app
from matcher.app.settings import Settings
from matcher.app.wiring import Velho

pytestmark = pytest.mark.slow


@pytest.fixture
def live(settings: Settings, velho: Velho) -> Iterator[str]:
    """The app served by uvicorn on a loopback port, for as long as the test runs."""
    put(velho, "emp-1", "Aino", ["Excel-makrot"])
    put(velho, "emp-2", "Bo", ["haavanhoito"])
    with serve(create_app(settings, velho=velho)) as base:
        yield base


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live: str, tmp_path: Path) -> None:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "--config-file", str(Path(__file__).with_name("schemathesis.toml")),
        "run",
        f"{live}/openapi.json",
        "--checks", "all",
        "--header", f"Authorization: Bearer {ADMIN_TOKEN}",
        "--max-examples", os.environ.get("VELHO_FUZZ_EXAMPLES", "12"),
        "--seed", "20261201",
        "--workers", "1",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--report", "junit",
        "--report-dir", str(tmp_path),
    ]  # fmt: skip
    # Run in tmp_path: schemathesis keeps a crash cache in its working directory.
    env = os.environ | {"NO_COLOR": "1"}
    run = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
