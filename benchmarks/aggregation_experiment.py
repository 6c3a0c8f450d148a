"""Person-level aggregation rules and match-strength bands, measured outside the engine.

    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/aggregation_experiment.py \\
        ../shared/data/esco_org_dev ../shared/data/se_quantum_dev tests/data/velho_fi_sv_en

Statements and requests are encoded through the cached encoder and corrected exactly as the
engine does (`LanguageCentering.fit` with the calibration sentences, strength 0.75, per-language
means from 20 statements; requests shifted by the query means). Each request is then ranked the
way `MatchService.rank` does: a candidate pool of the 30 people with the best single statement
(the requester excluded), re-ranked by the person-level rule under test. Rules:

- `best+bonus`: today's `matcher.ranking.relevance` with the default `RankingWeights`;
- `lse T`: T · log Σ exp(s/T) over all of a person's statements;
- count-dependent rules (the temperature grows with how many statements the person holds,
  or with how many a typical profile of the organisation holds).

nDCG@10 per rule with a paired-bootstrap 95 % interval of its difference to `best+bonus`, and
the top-1 relevance per request for the `strong` / `fair` / `weak` band thresholds. Prints
tables; asserts nothing but that the vectorised best+bonus equals the engine's function.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from embeddings.cache import CachedEncoder, EmbeddingCache  # noqa: E402
from embeddings.calibration import encode_calibration  # noqa: E402
from embeddings.factory import build_encoder  # noqa: E402
from embeddings.language import LanguageCentering, detect_language  # noqa: E402
from matcher.evaluation.dataset import EvalSet, load_eval_set  # noqa: E402
from matcher.evaluation.metrics import ndcg_at  # noqa: E402
from matcher.matching.ranking import StatementHit, relevance  # noqa: E402
from matcher.matching.weights import RankingWeights  # noqa: E402

F32 = npt.NDArray[np.float32]
POOL = 30  # max(k × pool_factor, pool_min) for k = 10
BOOTSTRAP = 2000
BAND_RULES = ("best+bonus", "lse T=0.05", "lse T=0.05+0.05·ln(n90/8) (org)")


@dataclass
class Encoded:
    """One set under one encoder: corrected similarities of every request to every statement."""

    data: EvalSet
    sims: F32  # (requests, statements)
    owner: npt.NDArray[np.int64]  # statement → person index
    people: list[str]
    counts: npt.NDArray[np.int64]  # statements per person
    stmt_lang: list[str]


def encode_set(data: EvalSet, encoder: CachedEncoder, strength: float) -> Encoded:
    """Encode and language-correct a set as `IndexSync.rebuild` and `MatchService.encode_request` do."""
    texts, owner, people = [], [], []
    for i, (ext, profile) in enumerate(data.profiles):
        people.append(ext)
        for s in profile.strengths:
            texts.append(s.text)
            owner.append(i)
    langs = [detect_language(t) for t in texts]
    docs = encoder.encode_documents(texts)
    queries = encoder.encode_queries_cached([r.text for r in data.requests])
    q_langs = [detect_language(r.text) for r in data.requests]
    if strength > 0:
        cal = encode_calibration(encoder)
        centering = LanguageCentering.fit(docs, langs, strength=strength, min_count=20, calibration=cal)
        docs = centering.apply(docs, langs)
        queries = centering.apply(queries, q_langs, queries=True)
    own = np.asarray(owner, dtype=np.int64)
    return Encoded(data, queries @ docs.T, own, people, np.bincount(own, minlength=len(people)), langs)


# ------------------------------------------------------------------ aggregation rules

Rule = Callable[[list[F32], npt.NDArray[np.int64], "Encoded"], F32]


def best_plus_bonus(groups: list[F32], counts: npt.NDArray[np.int64], enc: Encoded) -> F32:
    """Today's rule, vectorised: best + bonus × closeness for up to two further statements."""
    w = RankingWeights()
    out = np.empty(len(groups), dtype=np.float32)
    for i, g in enumerate(groups):
        s = np.sort(g)[::-1]
        extra = s[1 : 1 + w.extra_statement_count]
        close = np.clip(1.0 - (s[0] - extra) / w.extra_statement_window, 0.0, None)
        out[i] = s[0] + w.extra_statement_bonus * close.sum()
    return out


def lse(temperature: float) -> Rule:
    """Log-sum-exp at one temperature: max plus a breadth term of at most T · log n."""

    def rule(groups: list[F32], counts: npt.NDArray[np.int64], enc: Encoded) -> F32:
        return np.asarray([_lse(g, temperature) for g in groups], dtype=np.float32)

    return rule


def lse_per_person(base: float, slope: float, cap: float = 0.12) -> Rule:
    """T = base + slope · ln(n) for a person with n statements (capped): broad profiles pool more."""

    def rule(groups: list[F32], counts: npt.NDArray[np.int64], enc: Encoded) -> F32:
        return np.asarray([_lse(g, min(cap, base + slope * math.log(len(g)))) for g in groups], dtype=np.float32)

    return rule


def lse_per_org(base: float, slope: float, ref: int = 8, cap: float = 0.12) -> Rule:
    """One T per organisation from its 90th-percentile profile size n90: base, rising by
    slope · ln(n90 / ref) once typical profiles are longer than `ref` statements."""

    def rule(groups: list[F32], counts: npt.NDArray[np.int64], enc: Encoded) -> F32:
        n90 = float(np.percentile(enc.counts, 90))
        t = min(cap, base + slope * max(0.0, math.log(n90 / ref)))
        return np.asarray([_lse(g, t) for g in groups], dtype=np.float32)

    return rule


def _lse(g: F32, t: float) -> float:
    m = float(g.max())
    return m + t * math.log(float(np.exp((g - m) / t).sum()))


# ------------------------------------------------------------------ ranking and metrics


def rank_all(enc: Encoded, rule: Rule) -> tuple[list[list[str]], list[float]]:
    """Ranked external ids (top 10) and the top-1 score per request."""
    order = np.argsort(enc.owner, kind="stable")
    bounds = np.searchsorted(enc.owner[order], np.arange(len(enc.people) + 1))
    ranked, tops = [], []
    for qi, req in enumerate(enc.data.requests):
        sims = enc.sims[qi]
        best = np.full(len(enc.people), -np.inf, dtype=np.float32)
        np.maximum.at(best, enc.owner, sims)
        if req.requester_id in enc.people:
            best[enc.people.index(req.requester_id)] = -np.inf
        pool = np.argsort(-best, kind="stable")[:POOL]
        groups = [sims[order[bounds[p] : bounds[p + 1]]] for p in pool]
        scores = rule(groups, enc.counts[pool], enc)
        # Ties broken by person index, as the engine breaks them by employee id.
        top = sorted(range(len(pool)), key=lambda i: (-scores[i], pool[i]))[:10]
        ranked.append([enc.people[pool[i]] for i in top])
        tops.append(float(scores[top[0]]))
    return ranked, tops


def ndcgs(enc: Encoded, ranked: list[list[str]]) -> F32:
    """nDCG@10 per request."""
    return np.asarray(
        [ndcg_at(r, enc.data.qrels.get(q.id, {})) for q, r in zip(enc.data.requests, ranked, strict=True)]
    )


def paired_ci(a: F32, b: F32, seed: int = 0) -> tuple[float, float, float]:
    """Mean of a − b and its paired-bootstrap 95 % interval over requests."""
    d = a - b
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, len(d), size=(BOOTSTRAP, len(d)))].mean(axis=1)
    return float(d.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def check_against_engine(enc: Encoded) -> None:
    """The vectorised best+bonus equals `matcher.ranking.relevance` (on the first requests)."""
    w = RankingWeights()
    for qi in range(min(3, len(enc.data.requests))):
        for p in range(min(40, len(enc.people))):
            g = enc.sims[qi][enc.owner == p]
            if len(g) == 0:
                continue
            want, _ = relevance([StatementHit(i, float(s)) for i, s in enumerate(g)], w)
            got = best_plus_bonus([g], np.asarray([len(g)]), enc)[0]
            assert abs(want - got) < 1e-5, (want, got)


def pair_labels(enc: Encoded) -> list[str]:
    """ "<request language>><answer language>" per request, as `velho eval` derives it."""
    out = []
    for qi, req in enumerate(enc.data.requests):
        if req.target_language:
            out.append(f"{req.language}>{req.target_language}")
            continue
        votes: dict[str, int] = {}
        for ext, grade in enc.data.qrels.get(req.id, {}).items():
            if grade >= 2 and ext in enc.people:
                idx = np.flatnonzero(enc.owner == enc.people.index(ext))
                lang = enc.stmt_lang[int(idx[np.argmax(enc.sims[qi][idx])])]
                votes[lang] = votes.get(lang, 0) + 1
        top = sorted(votes.items(), key=lambda kv: -kv[1])[:2]
        dst = "?" if not top else top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else "mixed"
        out.append(f"{req.language}>{dst}")
    return out


def sweep(sets: list[EvalSet], encoder: CachedEncoder, strengths: list[float], rule_names: dict[str, Rule]) -> None:
    """nDCG@10 per centering strength: overall, same-language and cross-lingual requests."""
    for data in sets:
        print(f"\n  {data.name}: centering sweep (nDCG@10 overall / same-language / cross-lingual)")
        for strength in strengths:
            enc = encode_set(data, encoder, strength)
            labels = pair_labels(enc)
            cross = np.asarray([a.split(">")[0] != a.split(">")[1] and not a.endswith(("mixed", "?")) for a in labels])
            same = np.asarray([a.split(">")[0] == a.split(">")[1] for a in labels])
            cells = []
            for name, rule in rule_names.items():
                v = ndcgs(enc, rank_all(enc, rule)[0])
                c = f"{v[cross].mean():.3f}" if cross.any() else "  -  "
                cells.append(f"{name}: {v.mean():.3f} / {v[same].mean():.3f} / {c}")
            print(
                f"    strength {strength:<5} "
                + "   ".join(cells)
                + f"   (n same {int(same.sum())}, cross {int(cross.sum())})"
            )


# ------------------------------------------------------------------ bands


@dataclass
class Scored:
    """Every top-10 result of one set under one rule: its score, its grade, and its rank."""

    name: str
    scores: F32
    grades: npt.NDArray[np.int64]
    first: npt.NDArray[np.bool_]


def scored_results(enc: Encoded, rule: Rule) -> Scored:
    """Scores and grades of all top-10 results (for per-result band precision)."""
    order = np.argsort(enc.owner, kind="stable")
    bounds = np.searchsorted(enc.owner[order], np.arange(len(enc.people) + 1))
    scores, grades, first = [], [], []
    for qi, req in enumerate(enc.data.requests):
        sims = enc.sims[qi]
        best = np.full(len(enc.people), -np.inf, dtype=np.float32)
        np.maximum.at(best, enc.owner, sims)
        if req.requester_id in enc.people:
            best[enc.people.index(req.requester_id)] = -np.inf
        pool = np.argsort(-best, kind="stable")[:POOL]
        vals = rule([sims[order[bounds[p] : bounds[p + 1]]] for p in pool], enc.counts[pool], enc)
        top = sorted(range(len(pool)), key=lambda i: (-vals[i], pool[i]))[:10]
        qrels = enc.data.qrels.get(req.id, {})
        for rank, i in enumerate(top):
            scores.append(float(vals[i]))
            grades.append(qrels.get(enc.people[pool[i]], 0))
            first.append(rank == 0)
    return Scored(enc.data.name, np.asarray(scores, np.float32), np.asarray(grades), np.asarray(first))


def band_precision(s: Scored, strong: float, weak: float) -> str:
    """Per band: results, share holding the skill (grade 2), share at least related; and the
    same for first results only."""
    cells = []
    for label, mask in (("strong", s.scores >= strong), ("fair", (s.scores < strong) & (s.scores >= weak)),
                        ("weak", s.scores < weak)):  # fmt: skip
        n, n1 = int(mask.sum()), int((mask & s.first).sum())
        g2 = f"{(s.grades[mask] >= 2).mean():.2f}" if n else "  - "
        g1 = f"{(s.grades[mask] >= 1).mean():.2f}" if n else "  - "
        p1 = f"{(s.grades[mask & s.first] >= 2).mean():.2f}" if n1 else "  - "
        cells.append(f"{label} {n:>4} g2 {g2} g≥1 {g1} | top-1 {n1:>3} p@1 {p1}")
    return f"  {s.name:<16} " + "   ".join(cells)


def calibration(rows: list[Scored], step: float = 0.05) -> None:
    """Share of results holding the skill per score bin, per set (to place the thresholds)."""
    lo = math.floor(min(float(r.scores.min()) for r in rows) / step) * step
    hi = math.ceil(max(float(r.scores.max()) for r in rows) / step) * step
    edges = np.arange(lo, hi + step / 2, step)
    print("    score bin      " + "".join(f"{r.name[:14]:>26}" for r in rows))
    for a, b in zip(edges[:-1], edges[1:], strict=True):
        cells = []
        for r in rows:
            m = (r.scores >= a) & (r.scores < b)
            cells.append(f"{int(m.sum()):>5} g2 {(r.grades[m] >= 2).mean():.2f} g≥1 {(r.grades[m] >= 1).mean():.2f}"
                         if m.any() else f"{'':>26}")  # fmt: skip
        print(f"    [{a:.2f}, {b:.2f})  " + "".join(f"{c:>26}" for c in cells))


def derive_thresholds(rows: list[Scored], strong_related: float, weak_related: float) -> tuple[float, float]:
    """strong: lowest score above which ≥ `strong_related` of the pooled results are relevant
    (grade ≥ 1); weak: highest score below which ≤ `weak_related` are. nan where none."""
    scores = np.concatenate([r.scores for r in rows])
    rel = np.concatenate([r.grades for r in rows]) >= 1
    cands = np.round(np.arange(0.2, 1.0, 0.01), 2)
    strong = [c for c in cands if (scores >= c).sum() >= 20 and rel[scores >= c].mean() >= strong_related]
    weak = [c for c in cands if (scores < c).sum() >= 20 and rel[scores < c].mean() <= weak_related]
    return (float(min(strong)) if strong else float("nan"), float(max(weak)) if weak else float("nan"))


def top1_margins(r: Scored) -> tuple[F32, npt.NDArray[np.bool_]]:
    """Per request: the first result's score minus the mean of results 2-10, and whether it is right."""
    starts = np.flatnonzero(r.first)
    ends = np.append(starts[1:], len(r.scores))
    margin = np.asarray(
        [r.scores[i] - r.scores[i + 1 : j].mean() if j - i > 1 else 0.0 for i, j in zip(starts, ends, strict=True)]
    )
    return margin.astype(np.float32), r.grades[starts] >= 2


def margin_bands(rows: list[Scored]) -> None:
    """Request-level bands on the margin: fitted on ESCO + own set, p@1 per band for every set."""
    fit = [top1_margins(r) for r in rows if r.name != "se_quantum_dev"]
    m = np.concatenate([f[0] for f in fit])
    h = np.concatenate([f[1] for f in fit])
    cands = np.round(np.arange(0.0, 0.3, 0.005), 3)
    strong = min([c for c in cands if (m >= c).sum() >= 10 and h[m >= c].mean() >= 0.7], default=float("nan"))
    weak = max([c for c in cands if (m < c).sum() >= 10 and h[m < c].mean() <= 0.2], default=float("nan"))
    weak = min(weak, strong)  # the two searches may cross: then there is no fair band
    print(f"  margin bands (first result − mean of results 2-10): strong ≥ {strong:.3f}, weak < {weak:.3f} "
          f"(pooled without SE: p@1 ≥ 0.7 above, ≤ 0.2 below)")  # fmt: skip
    for r in rows:
        mr, hr = top1_margins(r)
        cells = []
        for label, mask in (("strong", mr >= strong), ("fair", (mr < strong) & (mr >= weak)), ("weak", mr < weak)):
            n = int(mask.sum())
            cells.append(f"{label} {n:>3} p@1 {hr[mask].mean():.2f}" if n else f"{label}   0 p@1   - ")
        print(f"  {r.name:<16} " + " | ".join(cells))


def top1_summary(r: Scored) -> str:
    """Top-1 score of requests answered right (grade 2 first) vs not, and its AUC for that."""
    t, hit = r.scores[r.first], r.grades[r.first] >= 2
    if hit.all() or not hit.any():
        return f"  {r.name:<16} top-1 p@1 {hit.mean():.2f}"
    a, b = t[hit], t[~hit]
    auc = float((a[:, None] > b[None, :]).mean() + 0.5 * (a[:, None] == b[None, :]).mean())
    q = lambda x: "/".join(f"{v:.2f}" for v in np.percentile(x, [25, 50, 75]))  # noqa: E731
    # A relative signal: how far the first result stands above the rest of its own list.
    starts = np.flatnonzero(r.first)
    ends = np.append(starts[1:], len(r.scores))
    margin = np.asarray(
        [r.scores[i] - r.scores[i + 1 : j].mean() if j - i > 1 else 0.0 for i, j in zip(starts, ends, strict=True)]
    )
    ma, mb = margin[hit], margin[~hit]
    m_auc = float((ma[:, None] > mb[None, :]).mean() + 0.5 * (ma[:, None] == mb[None, :]).mean())
    return (f"  {r.name:<16} top-1 p@1 {hit.mean():.2f}; top-1 score quartiles, right {q(a)} vs wrong {q(b)}; "
            f"AUC {auc:.2f}; AUC of the margin over results 2-10 {m_auc:.2f}")  # fmt: skip


def main() -> None:
    """Run every rule on every set with every encoder and print the tables."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--models", nargs="+", default=["e5-unadapted", "e5-adapted"])
    ap.add_argument("--data-dir", type=Path, default=Path(".velho"))
    ap.add_argument("--strength", type=float, default=RankingWeights().centering_strength)
    ap.add_argument("--strong", type=float, default=None, help="band thresholds to report (else derived)")
    ap.add_argument("--weak", type=float, default=None)
    ap.add_argument("--sweep", type=str, default=None, help="only sweep centering strengths, e.g. 0,0.5,0.75,1")
    args = ap.parse_args()

    rules: dict[str, Rule] = {"best+bonus": best_plus_bonus}
    for t in (0.03, 0.05, 0.07, 0.1):
        rules[f"lse T={t}"] = lse(t)
    for base, slope in ((0.02, 0.01), (0.02, 0.02), (0.03, 0.015), (0.01, 0.025)):
        rules[f"lse T={base}+{slope}·ln n (person)"] = lse_per_person(base, slope)
    for base, slope in ((0.05, 0.05), (0.05, 0.03), (0.04, 0.05)):
        rules[f"lse T={base}+{slope}·ln(n90/8) (org)"] = lse_per_org(base, slope)

    cache = EmbeddingCache(args.data_dir / "cache" / "embeddings.sqlite")
    sets = [load_eval_set(d) for d in args.sets]
    # Language-pair slices come from the first model's space and stay fixed for the others,
    # so every encoder is compared on the same requests.
    ref_labels: dict[str, list[str]] = {}
    per_model: dict[str, dict[str, F32]] = {}  # model → set → best+bonus nDCG per request
    for model in args.models:
        started = time.perf_counter()
        encoder = CachedEncoder(build_encoder(model, cache_dir=args.data_dir / "cache"), cache)
        if args.sweep:
            print(f"\n=== {model} ({encoder.info.model_id})")
            chosen = {"best+bonus": best_plus_bonus, "lse 0.05": lse(0.05)}
            sweep(sets, encoder, [float(x) for x in args.sweep.split(",")], chosen)
            continue
        print(f"\n=== {model} ({encoder.info.model_id}), centering {args.strength}")
        band_rows: dict[str, list[Scored]] = {}
        for data in sets:
            enc = encode_set(data, encoder, args.strength)
            check_against_engine(enc)
            base_ranked, _ = rank_all(enc, best_plus_bonus)
            base = ndcgs(enc, base_ranked)
            print(f"\n{data.name}: {len(data.requests)} requests, {len(enc.people)} people, "
                  f"statements/person median {int(np.median(enc.counts))} p90 {int(np.percentile(enc.counts, 90))} "
                  f"max {int(enc.counts.max())}")  # fmt: skip
            per_model.setdefault(model, {})[data.name] = base
            labels = ref_labels.setdefault(data.name, pair_labels(enc))
            slices: dict[str, list[int]] = {}
            for i, lab in enumerate(labels):
                src, dst = lab.split(">")
                slices.setdefault(lab, []).append(i)
                if dst not in ("mixed", "?"):
                    slices.setdefault("cross-lingual" if src != dst else "same-language", []).append(i)
            print("  best+bonus by language pair (labels fixed by the first model): "
                  + ", ".join(f"{k} ({len(v)}) {base[v].mean():.3f}" for k, v in sorted(slices.items())))  # fmt: skip
            print(f"  {'rule':<38} {'nDCG@10':>8}  {'Δ vs best+bonus [95% CI]':>28}")
            for name, rule in rules.items():
                ranked, tops = rank_all(enc, rule)
                vals = ndcgs(enc, ranked)
                d, lo, hi = paired_ci(vals, base)
                print(f"  {name:<38} {vals.mean():8.3f}  {d:+.3f} [{lo:+.3f}, {hi:+.3f}]")
                if name in BAND_RULES:
                    band_rows.setdefault(name, []).append(scored_results(enc, rule))
        for name, rows in band_rows.items():
            print(f"\n  {name}: share of top-10 results holding the skill (g2) or related (g≥1) per score bin")
            calibration(rows)
            for r in rows:
                print(top1_summary(r))
                own = derive_thresholds([r], 0.5, 0.1)
                print(f"  {r.name:<16} own thresholds: strong ≥ {own[0]:.2f}, weak < {own[1]:.2f}")
            fit = [r for r in rows if r.name != "se_quantum_dev"]  # SE: 44 long English questions, own scale
            strong, weak = derive_thresholds(fit, 0.5, 0.1)
            if args.strong is not None:
                strong, weak = args.strong, args.weak
            print(f"  bands: strong ≥ {strong:.2f}, weak < {weak:.2f} (pooled without SE: at or above strong ≥ 50 % "
                  f"of results relevant, below weak ≤ 10 %)")  # fmt: skip
            for r in rows:
                print(band_precision(r, strong, weak))
            margin_bands(rows)
        print(f"\n  ({model}: {time.perf_counter() - started:.0f} s)")
    if len(per_model) > 1:
        first, *others = list(per_model)
        print(f"\n=== encoders compared (best+bonus, nDCG@10, paired bootstrap over requests) against {first}")
        for other in others:
            for name, a in per_model[other].items():
                b = per_model[first][name]
                labels = ref_labels[name]
                cross = [i for i, lab in enumerate(labels) if lab.split(">")[0] != lab.split(">")[1]
                         and not lab.endswith(("mixed", "?"))]  # fmt: skip
                d, lo, hi = paired_ci(a, b)
                line = f"  {other} on {name}: {b.mean():.3f} → {a.mean():.3f}, {d:+.3f} [{lo:+.3f}, {hi:+.3f}]"
                if cross:
                    dc, lc, hc = paired_ci(a[cross], b[cross])
                    line += f"; cross-lingual ({len(cross)}) {dc:+.3f} [{lc:+.3f}, {hc:+.3f}]"
                print(line)


if __name__ == "__main__":
    main()
