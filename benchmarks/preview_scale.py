"""The profile preview at scale: one draft scored against every recent stored request.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/preview_scale.py [--requests 100000] [--employees 3500]

Fills the same synthetic organisation as `insights_scale.py` (requests spread over 90 days, so a
third fall in the preview's 30-day window), builds the real `Velho`, warms the topic store with
one insights call, then times `ProfilePreview.preview` for a 5-statement draft. The peer measured
in the same run is a warm `GET /v1/insights/demand` for the same 30 days, which reads the same
store; and the vectorised relevance is timed against the ranking's own per-person function on the
same rows (they agree to 1e-12: `tests/matcher/insights/test_preview_math.py`). Prints numbers;
asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from insights_scale import DIM, NOW, fill  # noqa: E402

from matcher.app.settings import Settings  # noqa: E402
from matcher.app.wiring import build  # noqa: E402
from matcher.evaluation.topic_encoder import TopicEncoder  # noqa: E402
from matcher.insights.period import Period  # noqa: E402
from matcher.insights.schemas import PreviewCreate  # noqa: E402
from matcher.matching.ranking import StatementHit, relevance, relevance_rows  # noqa: E402
from matcher.matching.weights import RankingWeights  # noqa: E402


def median_time(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--employees", type=int, default=3_500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(  # type: ignore[call-arg]
            data_dir=Path(tmp), database_url=os.environ.get("VELHO_DATABASE_URL"), admin_token="x",
            expiry_sweep_seconds=0, webhook_poll_seconds=0, retention_sweep_seconds=0, _env_file=None,
        )  # fmt: skip
        encoder = TopicEncoder(dimension=DIM, model_id="bench-insights-384")
        fill(settings, encoder.info.model_id, args.requests, args.employees)
        velho = build(settings, encoder=encoder)
        velho.start()
        # The benchmark's requests end at NOW (1 Dec 2026): the preview's window is the 30 days before now.
        month = Period(NOW - timedelta(days=30), NOW)
        with velho.reading() as s:
            velho.insights.demand(s, period=month)  # cold: reads every vector, fits the topics
        draft = PreviewCreate.model_validate(
            {"strengths": [{"text": f"osaan aihetta {t} tavalla 1"} for t in range(5)]}
        )

        def preview() -> None:
            with velho.reading() as s:
                velho.preview.preview(s, employee_id="e00001", draft=draft).model_dump_json()

        def demand() -> None:
            with velho.reading() as s:
                velho.insights.demand(s, period=month).model_dump_json()

        t_preview = median_time(preview, args.repeat)
        t_demand = median_time(demand, args.repeat)
        with velho.reading() as s:
            out = velho.preview.preview(s, employee_id="e00001", draft=draft)
        print(f"preview over {out.requests} recent requests: median {t_preview * 1000:.1f} ms")
        print(f"warm insights demand, same store (peer):   median {t_demand * 1000:.1f} ms")
        print(f"preview / demand: {t_preview / t_demand:.2f}")

        w = RankingWeights()
        rng = np.random.default_rng(0)
        sims = rng.uniform(-0.2, 0.9, size=(out.requests, 5))
        levels: list[int | None] = [None] * 5
        t_vec = median_time(lambda: relevance_rows(sims, levels, w), args.repeat)
        sample = sims[:2000]
        t_loop = median_time(
            lambda: [relevance([StatementHit(i, float(v)) for i, v in enumerate(row)], w) for row in sample], 1
        ) * (len(sims) / len(sample))
        print(f"relevance of {len(sims)} rows: vectorised {t_vec * 1000:.1f} ms, per-row ranking function "
              f"{t_loop * 1000:.0f} ms (from 2,000 rows), {t_loop / t_vec:.0f}x")  # fmt: skip
        velho.close(save=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
