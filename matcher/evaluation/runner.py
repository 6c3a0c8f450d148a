"""`velho eval`: load a set's profiles into a fresh store, rank every request, report metrics."""

from __future__ import annotations

import shutil
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.evaluation.dataset import EvalSet, load_eval_set
from matcher.evaluation.metrics import average, request_metrics
from profiles.importer import ParsedImport, import_rows


@dataclass
class EvalReport:
    """Metrics overall and per request language, plus what was run."""

    name: str
    overall: dict[str, float]
    by_language: dict[str, dict[str, float]]
    requests: int
    truncated: int
    profiles: int
    seconds: dict[str, float] = field(default_factory=dict)
    per_request: dict[str, dict[str, Any]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (per-request rows left out)."""
        return {
            "set": self.name,
            "requests": self.requests,
            "truncated_requests": self.truncated,
            "profiles": self.profiles,
            "overall": self.overall,
            "by_language": self.by_language,
            "seconds": self.seconds,
        }


def load_store(settings: Settings, data: EvalSet, *, encoder: Encoder | None = None, progress: bool = False) -> Velho:
    """A fresh Velho (own SQLite file and index dir under the data dir) holding the set's profiles."""
    work = settings.data_dir / "eval" / data.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    local = settings.model_copy(update={"database_url": f"sqlite:///{work / 'eval.db'}", "data_dir": settings.data_dir})
    velho = build(local, encoder=encoder, index_dir=work / "index")
    velho.start()
    parsed = ParsedImport(rows=[(i, ext, p) for i, (ext, p) in enumerate(data.profiles)])
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(parsed.rows), desc=f"loading {data.name}", unit="profile")
    with velho.session() as session:
        import_rows(
            velho.profiles, session, parsed, chunk_size=500, on_chunk=bar.update if bar else None,
            commit=lambda: velho.uow.commit(session),
        )  # fmt: skip
    if bar:
        bar.close()
    # One rebuild at the end fits the language means to the whole set (the follower may have
    # refreshed chunk by chunk meanwhile).
    velho.rebuild_index()
    return velho


def rank_requests(velho: Velho, data: EvalSet, *, k: int = 10) -> dict[str, list[str]]:
    """Ranked external ids per request, through the same service path as `/v1/match`."""
    out: dict[str, list[str]] = {}
    matching = velho.matching
    snap = matching.snapshot()
    for req in data.requests:
        query = matching.prepare(req.text, k=k, snap=snap, requester_id=req.requester_id)
        ranked = matching.rank(query, snap=snap)
        out[req.id] = [snap.roster.employees[c.employee_id].external_id for c in ranked]
    return out


def score(data: EvalSet, rankings: dict[str, list[str]]) -> EvalReport:
    """Metrics of the given rankings against the set's qrels."""
    rows: list[dict[str, float]] = []
    per_lang: dict[str, list[dict[str, float]]] = defaultdict(list)
    per_request: dict[str, dict[str, Any]] = {}
    for req in data.requests:
        metrics = request_metrics(rankings.get(req.id, []), data.qrels.get(req.id, {}))
        rows.append(metrics)
        per_lang[req.language or "?"].append(metrics)
        per_request[req.id] = {"metrics": metrics, "ranked": rankings.get(req.id, [])}
    return EvalReport(
        name=data.name,
        overall=average(rows),
        by_language={lang: average(r) | {"n": float(len(r))} for lang, r in sorted(per_lang.items())},
        requests=len(data.requests),
        truncated=sum(r.truncated for r in data.requests),
        profiles=len(data.profiles),
        per_request=per_request,
    )


def evaluate(
    directory: Path, settings: Settings, *, encoder: Encoder | None = None, progress: bool = False
) -> EvalReport:
    """Load, rank and score one evaluation set directory."""
    data = load_eval_set(directory)
    t0 = time.perf_counter()
    velho = load_store(settings, data, encoder=encoder, progress=progress)
    t1 = time.perf_counter()
    try:
        rankings = rank_requests(velho, data)
    finally:
        velho.close(save=False)
    t2 = time.perf_counter()
    report = score(data, rankings)
    report.seconds = {"load": round(t1 - t0, 1), "rank": round(t2 - t1, 1)}
    return report
