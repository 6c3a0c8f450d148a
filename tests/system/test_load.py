"""The load script, shortened: mixed traffic on two processes ends with 0 errors, 0 inconsistencies
and a replication lag under two seconds (the full 60 s run's numbers are in the README)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.cluster import postgres_available

pytestmark = [
    pytest.mark.slow,
    pytest.mark.no_postgres,
    pytest.mark.skipif(not postgres_available(), reason="needs PostgreSQL 15 binaries and root (CI has both)"),
]

ROOT = Path(__file__).resolve().parents[2]


def test_a_short_mixed_load_has_no_errors_and_no_inconsistencies(tmp_path: Path) -> None:
    out = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "load_mixed.py"), "--seconds", "12", "--people", "150",
         "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    result = json.loads(out.read_text())
    assert result["errors"] == 0 and result["inconsistencies"] == []
    ops = result["operations"]
    assert ops["match"]["count"] > 50 and ops["profile_put"]["count"] > 5
    assert result["replication_lag_ms"]["probes"] >= 2 and result["replication_lag_ms"]["max"] < 2000
