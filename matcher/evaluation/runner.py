"""`velho eval`: load a set's profiles into a fresh store, rank every request, report metrics."""

from __future__ import annotations

import shutil
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.evaluation.dataset import EvalSet, load_eval_set
from matcher.evaluation.metrics import RELEVANT, average, request_metrics
from matcher.index import IdFilter
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
    # Request language > language of the statement answering it ("fi>en"), and the
    # cross-lingual / same-language slices over those pairs.
    by_language_pair: dict[str, dict[str, float]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (per-request rows left out)."""
        return {
            "set": self.name,
            "requests": self.requests,
            "truncated_requests": self.truncated,
            "profiles": self.profiles,
            "overall": self.overall,
            "by_language": self.by_language,
            "by_language_pair": self.by_language_pair,
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


def language_pairs(velho: Velho, data: EvalSet) -> dict[str, str]:
    """Per request "<request language>><answer language>".

    The answer language is the request's `target_language` where the set gives it; else the
    language of each grade-2 person's statement closest to the request (in the evaluated
    encoder's space), by majority over those people, "mixed" on a tie. Lexical mode without
    given target languages yields no pairs.
    """
    matching = velho.matching
    snap = matching.snapshot()
    roster = snap.roster
    out: dict[str, str] = {}
    for req in data.requests:
        if req.target_language:
            out[req.id] = f"{req.language}>{req.target_language}"
            continue
        holders = [roster.by_external_id[e] for e, g in data.qrels.get(req.id, {}).items()
                   if g >= RELEVANT and e in roster.by_external_id]  # fmt: skip
        query = matching.prepare(req.text, k=1, snap=snap).vector
        if query is None or not holders:
            continue
        votes: Counter[str] = Counter()
        for eid in holders:
            ids = roster.statement_ids_of([eid])
            if ids:
                hits = snap.vectors.search(query, 1, IdFilter(allow=frozenset(ids)))
                votes[roster.statements[int(hits.ids[0])].language] += 1
        if votes:
            top = votes.most_common(2)
            out[req.id] = f"{req.language}>{top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else 'mixed'}"
    return out


def score(data: EvalSet, rankings: dict[str, list[str]], pairs: dict[str, str] | None = None) -> EvalReport:
    """Metrics of the given rankings against the set's qrels (per language pair when `pairs` is given)."""
    rows: list[dict[str, float]] = []
    per_lang: dict[str, list[dict[str, float]]] = defaultdict(list)
    per_pair: dict[str, list[dict[str, float]]] = defaultdict(list)
    per_request: dict[str, dict[str, Any]] = {}
    for req in data.requests:
        metrics = request_metrics(rankings.get(req.id, []), data.qrels.get(req.id, {}))
        rows.append(metrics)
        per_lang[req.language or "?"].append(metrics)
        per_request[req.id] = {"metrics": metrics, "ranked": rankings.get(req.id, [])}
        pair = (pairs or {}).get(req.id)
        if pair:
            per_request[req.id]["pair"] = pair
            per_pair[pair].append(metrics)
            src, dst = pair.split(">")
            if dst != "mixed":
                per_pair["cross-lingual" if src != dst else "same-language"].append(metrics)
    return EvalReport(
        name=data.name,
        overall=average(rows),
        by_language={lang: average(r) | {"n": float(len(r))} for lang, r in sorted(per_lang.items())},
        requests=len(data.requests),
        truncated=sum(r.truncated for r in data.requests),
        profiles=len(data.profiles),
        per_request=per_request,
        by_language_pair={p: average(r) | {"n": float(len(r))} for p, r in sorted(per_pair.items())},
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
        t2 = time.perf_counter()
        pairs = language_pairs(velho, data)
    finally:
        velho.close(save=False)
    report = score(data, rankings, pairs)
    report.seconds = {"load": round(t1 - t0, 1), "rank": round(t2 - t1, 1)}
    return report
