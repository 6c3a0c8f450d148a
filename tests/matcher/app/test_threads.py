"""A serving process runs numpy's BLAS on one thread; CLI jobs and tests keep the default team.

Each start runs in a fresh interpreter: the limit is process-wide, and any earlier serving start in
the test process (the API tests' lifespan) would already have set it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PROBE = textwrap.dedent(
    """
    import json, sys
    import numpy  # loads OpenBLAS
    from threadpoolctl import threadpool_info
    from matcher.app.settings import Settings
    from matcher.app.wiring import build
    from matcher.evaluation.topic_grid import topic_encoder

    def blas():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    before = blas()
    velho = build(Settings(data_dir=sys.argv[1], _env_file=None), encoder=topic_encoder())
    velho.start(serving=sys.argv[2] == "serving")
    after = blas()
    velho.close()
    print(json.dumps({"before": before, "after": after}))
    """
)


def probe(data_dir: Path, mode: str) -> dict[str, list[int]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VELHO_")}  # the default SQLite store
    env.pop("OPENBLAS_NUM_THREADS", None)
    env.pop("OMP_NUM_THREADS", None)
    out = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir), mode], capture_output=True, text=True, timeout=300, env=env
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result: dict[str, list[int]] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def test_serving_pins_blas_to_one_thread_and_other_starts_do_not(tmp_path: Path) -> None:
    serving = probe(tmp_path / "serving", "serving")
    cli = probe(tmp_path / "cli", "cli")
    # Every BLAS library loaded by then (numpy's, and any the model stack brings) is limited.
    assert serving["after"] and set(serving["after"]) == {1}
    if (os.cpu_count() or 1) > 1:  # a default team has one thread per core: the pin is visible
        assert max(serving["before"]) > 1
        assert max(cli["after"]) > 1
