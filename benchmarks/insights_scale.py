"""Insights at scale: 100,000 stored requests and 3,500 employees, each insights call timed.

    .venv/bin/python benchmarks/insights_scale.py [--requests 100000] [--employees 3500]

Fills a real SQLite file (or VELHO_DATABASE_URL) directly through SQLAlchemy Core with synthetic
384-d vectors around 30 latent topics (5 statements per employee, 3 results per request, an
engagement for 30 % of requests, a rating for half of those), builds the real `Velho`, and times
each insights call: the first (cold: reads every vector and fits the topics), then warm calls
(the per-process store only reads requests filed since), an employee's demand prompts and, as
their peer, the profile preview of the same statements, then after 1,000 new requests
(incremental: they join the nearest topic), and what topics in the request likeness learnt from
the stored ratings cost (learning it, and the fit in it against the plain fit). The baseline
measured in the same run is the cold path, which is what every call would cost without the store.

Then the warm-up: a second process on the same database starts as `velho serve` starts it
(index loading in the background, the insights warm-up waiting for it). It times readiness, a few
matches while the warm-up runs and after it, the warm-up itself, and the first insights call once
it is done, against the cold first call above. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matcher.app.migrate import upgrade_database  # noqa: E402
from matcher.app.settings import Settings  # noqa: E402
from matcher.app.wiring import Velho, build  # noqa: E402
from matcher.evaluation.topic_encoder import TopicEncoder  # noqa: E402
from matcher.feedback.models import Engagement, Rating  # noqa: E402
from matcher.feedback.ranker import FeedbackRanker  # noqa: E402
from matcher.insights.period import Period  # noqa: E402
from matcher.insights.schemas import PreviewCreate  # noqa: E402
from matcher.insights.topics import fit_topics  # noqa: E402
from matcher.matching.models import HelpRequest, MatchResult  # noqa: E402
from matcher.matching.schemas import MatchCreate  # noqa: E402
from profiles.db import make_engine  # noqa: E402
from profiles.models import Employee, StrengthStatement  # noqa: E402
from profiles.schemas import StrengthIn  # noqa: E402

DIM = 384
TOPICS = 30
NOW = datetime(2026, 12, 1, tzinfo=UTC)
DAYS = 90


def unit_rows(rng: np.random.Generator, centres: np.ndarray, which: np.ndarray, noise: float) -> np.ndarray:
    v = centres[which] + noise / np.sqrt(DIM) * rng.standard_normal((len(which), DIM)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def fill(settings: Settings, model_id: str, n_requests: int, n_employees: int, seed: int = 7) -> None:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((TOPICS, DIM)).astype(np.float32)
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    with engine.begin() as c:
        c.execute(
            insert(Employee),
            [
                dict(external_id=f"e{i:05d}", name=f"Person {i}", unit=f"Unit {i % 25}", title=None,
                     supervisor=i % 10 == 0, languages=["fi"], availability="available", capacity=3,
                     visible=i % 50 != 0, version=1, created_at=NOW, updated_at=NOW)
                for i in range(n_employees)
            ],
        )  # fmt: skip
        ids = list(c.execute(select(Employee.id).order_by(Employee.id)).scalars())
        topic_of = rng.integers(0, TOPICS, size=(n_employees, 5))
        vecs = unit_rows(rng, centres, topic_of.ravel(), 1.0)
        rows = []
        for j, (eid, t) in enumerate(zip(np.repeat(ids, 5), topic_of.ravel(), strict=True)):
            text = f"osaan aihetta {t} tavalla {j}"
            rows.append(dict(employee_id=int(eid), position=j % 5, text=text, level=None, language="fi",
                             kind="declared", text_hash=hashlib.sha256(text.encode()).hexdigest(),
                             model_id=model_id, embedding=vecs[j].tobytes(), created_at=NOW))  # fmt: skip
        c.execute(insert(StrengthStatement), rows)
        by_topic = [np.array([ids[i] for i in range(n_employees) if t in topic_of[i]]) for t in range(TOPICS)]
        req_topic = rng.integers(0, TOPICS, size=n_requests)
        req_vecs = unit_rows(rng, centres, req_topic, 1.2)
        strengths = np.array(["strong", "fair", "weak"])
        for start in range(0, n_requests, 10_000):
            reqs, results, engs, rates = [], [], [], []
            for i in range(start, min(start + 10_000, n_requests)):
                rid = uuid.uuid4().hex
                at = NOW - timedelta(seconds=float(rng.uniform(0, DAYS * 86400)))
                requester = f"e{int(rng.integers(n_employees)):05d}"
                reqs.append(dict(id=rid, text=None, language="fi", requester_id=requester,
                                 k=3, filters={}, model_id=model_id, embedding=req_vecs[i].tobytes(), created_at=at,
                                 best_strength=str(strengths[rng.integers(3)])))  # fmt: skip
                providers = rng.choice(by_topic[req_topic[i]], size=3, replace=False)
                results += [dict(request_id=rid, employee_id=int(p), rank=r + 1, score=1.0 - r / 10, components={})
                            for r, p in enumerate(providers)]  # fmt: skip
                if rng.random() < 0.3:
                    accepted = rng.random() < 0.75
                    engs.append(dict(request_id=rid, provider_id=int(providers[0]),
                                     status="completed" if accepted else "declined", proposed_at=at,
                                     expires_at=at + timedelta(days=3),
                                     accepted_at=at + timedelta(hours=2) if accepted else None,
                                     declined_at=None if accepted else at + timedelta(hours=5),
                                     completed_at=at + timedelta(days=1) if accepted else None))  # fmt: skip
            c.execute(insert(HelpRequest), reqs)
            c.execute(insert(MatchResult), results)
            if engs:
                c.execute(insert(Engagement), engs)
                done = c.execute(
                    select(Engagement.id, Engagement.provider_id).where(
                        Engagement.status == "completed", Engagement.request_id.in_([e["request_id"] for e in engs])
                    )
                ).all()
                rates = [dict(engagement_id=e, provider_id=p, score=int(rng.integers(1, 6)), created_at=NOW)
                         for e, p in done if rng.random() < 0.5]  # fmt: skip
                if rates:
                    c.execute(insert(Rating), rates)
    engine.dispose()


def timed(fn: object) -> float:
    t = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - t


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
        t = time.perf_counter()
        fill(settings, encoder.info.model_id, args.requests, args.employees)
        print(f"filled {args.requests} requests, {args.employees} employees in {time.perf_counter() - t:.1f} s")
        velho = build(settings, encoder=encoder)
        velho.start()
        month = Period(NOW - timedelta(days=30), NOW)
        quarter = Period(NOW - timedelta(days=DAYS), NOW)
        svc = velho.insights

        def call(kind: str, period: Period) -> None:
            with velho.reading() as s:
                out = getattr(svc, kind)(s, period=period)
                out.model_dump_json()

        cold = timed(lambda: call("demand", month))
        view = svc.store._model
        print(f"cold demand (read {args.requests} vectors, fit {view.k if view else 0} topics): {cold:.2f} s")
        rows: list[tuple[str, str, float]] = []
        for kind in ("demand", "supply", "suggestions"):
            for name, period in (("30 days", month), ("90 days", quarter)):
                times = [timed(lambda k=kind, p=period: call(k, p)) for _ in range(args.repeat)]  # type: ignore[misc]
                rows.append((kind, name, statistics.median(times)))
        for kind, name, sec in rows:
            print(f"warm {kind:12s} {name}: median {sec:.3f} s  ({cold / sec:.1f}x faster than cold)")
        # An employee's own prompts and preview over the same store (warm): the preview is the peer,
        # the same scoring of a few statements against the last 30 days' stored vectors.
        people = [f"e{i:05d}" for i in range(1, args.employees, max(1, args.employees // 20)) if i % 50][:20]
        for name, fn in (("prompts", prompts_of), ("preview", preview_of)):
            times = [timed(lambda e=e, f=fn: f(velho, e)) for e in people]
            print(f"warm {name:12s} 30 days: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
                  f"over {len(people)} employees")  # fmt: skip
        # 1,000 new requests arrive: the next call reads only those and assigns them.
        fill_more = [dict(id=uuid.uuid4().hex, text=None, language="fi", requester_id=None, k=3, filters={},
                          model_id=encoder.info.model_id, embedding=np.full(DIM, DIM**-0.5, np.float32).tobytes(),
                          created_at=NOW + timedelta(minutes=1)) for _ in range(1000)]  # fmt: skip
        with velho.session() as s:
            s.execute(insert(HelpRequest), fill_more)
        held = len(svc.store._ids)
        inc = timed(lambda: call("demand", month))
        print(f"demand after 1,000 new requests (incremental, {len(svc.store._ids) - held} read): {inc:.3f} s")
        learnt_likeness_cost(velho)
        velho.close(save=False)
        warm_up(settings, encoder, Path(tmp) / "serving", month, cold)
    return 0


def learnt_likeness_cost(velho: Velho) -> None:
    """What topics in the learnt likeness cost: learning it from the stored ratings (as the first
    insights call or match does), and the topic fit and assignment over every stored request with it
    against without it (the peer), on the same vectors."""
    ranker = velho.matching.effects
    assert isinstance(ranker, FeedbackRanker)
    ranker.reset()  # forget what the calls above learnt, to time learning it
    with velho.reading() as s:
        t = time.perf_counter()
        ratings, transform = ranker.learnt_likeness(s)
        learning = time.perf_counter() - t
    if transform is None:
        print("no likeness learnt from these ratings: not measured")
        return
    store = velho.insights.store
    vectors = store._vectors
    plain = timed(lambda: fit_topics(vectors, min_size=store.min_size).assign(vectors))
    learnt = timed(lambda: fit_topics(vectors, min_size=store.min_size, transform=transform).assign(vectors))
    print(f"likeness learnt from {ratings} ratings (the latest {ranker.weights.nuisance_ratings} at most) in "
          f"{learning:.2f} s; topics of {len(vectors)} requests fitted and assigned in it in {learnt:.2f} s, "
          f"plain {plain:.2f} s ({learnt / plain:.1f}x)")  # fmt: skip


def prompts_of(velho: Velho, employee: str) -> None:
    with velho.reading() as s:
        velho.prompts.for_employee(s, employee_id=employee).model_dump_json()


def preview_of(velho: Velho, employee: str) -> None:
    with velho.reading() as s:
        person = velho.prompts.profiles.get_by_external_id(s, external_id=employee)
        assert person is not None
        texts = [st.text for st in person.statements]
        draft = PreviewCreate(strengths=[StrengthIn(text=t) for t in texts])
        velho.preview.preview(s, employee_id=employee, draft=draft).model_dump_json()


def warm_up(settings: Settings, encoder: TopicEncoder, folder: Path, month: Period, cold: float) -> None:
    """A fresh process started as the API's lifespan starts it: readiness, matches, then the first call."""
    serving = settings.model_copy(update={"database_url": settings.resolved_database_url, "data_dir": folder})
    velho = build(serving, encoder=encoder)
    assert velho.insights_warmer is not None
    t = time.perf_counter()
    velho.start(block=False, serving=True)
    returned = time.perf_counter() - t
    while not velho.readiness().ready:
        time.sleep(0.01)
    ready = time.perf_counter() - t

    def match() -> float:
        with velho.session() as s:
            return timed(lambda: velho.matching.match(s, MatchCreate(text="osaan aihetta 3 tavalla", k=3)))

    store = velho.insights.store
    during = []
    # Done when topics exist and the warm-up has let go of the store.
    while store._model is None or store._lock.locked():
        during.append(match())
    warmed = time.perf_counter() - t
    after = [match() for _ in range(max(len(during), 5))]

    def call() -> None:
        with velho.reading() as s:
            velho.insights.demand(s, period=month).model_dump_json()

    first = timed(call)
    print(f"warm-up process: start returned in {returned:.3f} s, ready in {ready:.2f} s, warm-up done {warmed:.1f} s")
    if during:
        print(f"match while warming: median {statistics.median(during) * 1000:.0f} ms over {len(during)}; "
              f"after: median {statistics.median(after) * 1000:.0f} ms over {len(after)}")  # fmt: skip
    else:
        print("match while warming: none (the warm-up finished before the first match)")
    print(f"first demand call after the warm-up: {first:.3f} s (cold first call without it: {cold:.2f} s, "
          f"{cold / first:.0f}x faster)")  # fmt: skip
    velho.close(save=False)


if __name__ == "__main__":
    raise SystemExit(main())
