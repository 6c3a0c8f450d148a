"""Metrics of simulation runs: per window, per run, over seeds; the issue's targets and their table.

- precision@1: the first shown result is truly competent on the request's topic;
- found: the request ended with a truly competent provider accepting it;
- exposure: position-discounted appearances (1/log2(rank+1)) in the first results of each request;
  its Gini is taken among the truly competent providers of each topic, each one's exposure
  relative to their topic's mean (competent people of different topics are not interchangeable);
- hidden experts engaged: accepted at least one engagement during the run (any topic); their
  rating is the mean of every rating their help got (the target), and is also given for the help
  on the last window's requests alone, where what the loop has learned shows;
- newcomers: days from joining to their first accepted engagement;
- hidden experts' help on a topic not theirs: how many such engagements were rated, and how many
  of them began before the person had been rated 4 or more on anything (tried before being found
  at all, where only the outcome could tell which topic a vague line was about);
- demand topics' purity: at the last round of demand prompts, the share of requests whose insights
  topic is mostly about their own simulated topic (a prompt names a topic by that majority).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from matcher.evaluation.simulation import RunLog

TARGET_P1 = 0.85
TARGET_P1_GAIN = 0.20
TARGET_HIDDEN = 0.60
TARGET_HIDDEN_RATING = 4.0
TARGET_GINI = 0.35


def gini(values: Sequence[float]) -> float:
    """Gini coefficient (0 = everyone equal, → 1 = one takes all)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    return float((2.0 * np.sum(np.arange(1, n + 1) * x)) / (n * x.sum()) - (n + 1) / n)


def lorenz(values: Sequence[float]) -> tuple[list[float], list[float]]:
    """Points of the Lorenz curve: (share of people, share of the total they hold), poorest first."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    if len(x) == 0 or x.sum() <= 0:
        return [0.0, 1.0], [0.0, 1.0]
    cum = np.concatenate([[0.0], np.cumsum(x) / x.sum()])
    return list(np.linspace(0.0, 1.0, len(x) + 1)), list(cum)


@dataclass(frozen=True)
class WindowMetrics:
    """Metrics of one window of consecutive requests."""

    index: int
    requests: int
    precision_at_1: float
    found_share: float
    mean_rating: float
    gini_competent: float
    max_load: float
    over_capacity: int


def windows(log: RunLog) -> list[list[int]]:
    """Request indexes per window."""
    size = log.config.window
    n = len(log.requests)
    return [list(range(start, min(start + size, n))) for start in range(0, n, size)]


def exposure_of_competent(log: RunLog, indexes: Sequence[int]) -> list[float]:
    """Each competent provider's exposure on their topic's requests, relative to that topic's mean."""
    people = log.scenario.by_id()
    if not indexes:
        return []
    since = log.requests[indexes[0]].day
    exposure: dict[tuple[str, str], float] = defaultdict(float)
    for i in indexes:
        rec = log.requests[i]
        for rank, pid in enumerate(rec.shown, start=1):
            if people[pid].competent(rec.topic):
                exposure[(rec.topic, pid)] += 1.0 / math.log2(rank + 1)
    asked = {log.requests[i].topic for i in indexes}
    out: list[float] = []
    for topic in sorted(asked):
        pool = [p.external_id for p in log.scenario.competent_for(topic) if log.joined.get(p.external_id, 1e9) <= since]
        values = [exposure.get((topic, pid), 0.0) for pid in pool]
        mean = float(np.mean(values)) if values else 0.0
        if mean > 0:
            out.extend(v / mean for v in values)
    return out


def window_metrics(log: RunLog) -> list[WindowMetrics]:
    """Per-window precision@1, found share, mean rating, exposure Gini among the competent, load."""
    people = log.scenario.by_id()
    ratings_of: dict[int, int] = {i: score for i, _, _, score in log.ratings}
    out = []
    for n, idx in enumerate(windows(log), start=1):
        recs = [log.requests[i] for i in idx]
        top = sum(1 for r in recs if r.shown and people[r.shown[0]].competent(r.topic))
        found = sum(1 for r in recs if r.accepted is not None and people[r.accepted].competent(r.topic))
        scores = [ratings_of[i] for i in idx if i in ratings_of]
        out.append(
            WindowMetrics(
                index=n,
                requests=len(recs),
                precision_at_1=top / len(recs),
                found_share=found / len(recs),
                mean_rating=float(np.mean(scores)) if scores else float("nan"),
                gini_competent=gini(exposure_of_competent(log, idx)),
                max_load=max((log.max_load[i] for i in idx), default=0.0),
                over_capacity=sum(log.over_capacity[i] for i in idx),
            )
        )
    return out


@dataclass(frozen=True)
class Summary:
    """One run against the issue's targets."""

    precision_at_1: float  # last window
    found_share: float  # last window
    found_share_all: float
    mean_rating: float  # last window
    gini_competent: float  # last window
    hidden_engaged: float  # share of hidden experts engaged at least once
    hidden_rating: float  # mean rating of their help, whole run
    hidden_rating_last: float  # the same, help on the last window's requests
    hidden_discovered: float  # share rated >= 4 on a topic they are competent in
    over_capacity: int  # observations of open load above capacity, whole run
    max_load: float
    newcomer_days: float  # median days from joining to the first accepted engagement
    newcomers_never: int
    hidden_off_topic: float = float("nan")  # their rated help on a topic not theirs, whole run
    hidden_off_topic_unfound: float = float("nan")  # of it, begun before any rating of theirs reached 4
    topic_purity: float = float("nan")  # demand topics at the last prompt round (NaN: no prompts)


def summarise(log: RunLog) -> Summary:
    """The run's numbers for the target table."""
    people = log.scenario.by_id()
    per_window = window_metrics(log)
    last = per_window[-1]
    hidden = [p.external_id for p in log.scenario.people if p.kind == "hidden"]
    engaged = {pid for _, pid, _, _ in log.engaged}
    hidden_scores = [score for _, pid, _, score in log.ratings if pid in hidden]
    last_window = set(windows(log)[-1])
    hidden_scores_last = [score for i, pid, _, score in log.ratings if pid in hidden and i in last_window]
    discovered = {pid for _, pid, topic, score in log.ratings if score >= 4 and people[pid].competent(topic)}
    firsts: dict[str, float] = {}
    for _, pid, _, day in log.engaged:
        firsts.setdefault(pid, day)
    newcomers = [p.external_id for p in log.scenario.people if p.kind == "newcomer" and p.external_id in log.joined]
    waits = [firsts[pid] - log.joined[pid] for pid in newcomers if pid in firsts]
    found_all = sum(1 for r in log.requests if r.accepted is not None and people[r.accepted].competent(r.topic))
    off_topic, off_topic_unfound = _off_topic(log, set(hidden))
    return Summary(
        precision_at_1=last.precision_at_1,
        found_share=last.found_share,
        found_share_all=found_all / max(1, len(log.requests)),
        mean_rating=last.mean_rating,
        gini_competent=last.gini_competent,
        hidden_engaged=len(engaged & set(hidden)) / max(1, len(hidden)),
        hidden_rating=float(np.mean(hidden_scores)) if hidden_scores else float("nan"),
        hidden_rating_last=float(np.mean(hidden_scores_last)) if hidden_scores_last else float("nan"),
        hidden_discovered=len(discovered & set(hidden)) / max(1, len(hidden)),
        over_capacity=sum(log.over_capacity),
        max_load=max(log.max_load, default=0.0),
        newcomer_days=float(np.median(waits)) if waits else float("nan"),
        newcomers_never=len(newcomers) - len(waits),
        hidden_off_topic=off_topic,
        hidden_off_topic_unfound=off_topic_unfound,
        topic_purity=topic_purity(log.topic_votes[-1][1]) if log.topic_votes else float("nan"),
    )


def _off_topic(log: RunLog, hidden: set[str]) -> tuple[float, float]:
    """(Hidden experts' rated help on a topic not theirs, how much of it began before they were
    first rated ≥ 4); the second NaN when the log has no rating days."""
    people = log.scenario.by_id()
    off = [(i, pid) for i, pid, topic, _ in log.ratings if pid in hidden and not people[pid].competent(topic)]
    if len(log.rated_days) != len(log.ratings):
        return float(len(off)), float("nan")
    found: dict[str, float] = {}  # first day a rating of theirs reached 4
    for (_, pid, _, score), day in zip(log.ratings, log.rated_days, strict=True):
        if score >= 4:
            found.setdefault(pid, day)
    began = {(i, pid): day for i, pid, _, day in log.engaged}
    unfound = sum(1 for key in off if began[key] < found.get(key[1], math.inf))
    return float(len(off)), float(unfound)


def topic_purity(votes: dict[int, dict[str, int]]) -> float:
    """Share of requests whose insights topic is mostly about their own simulated topic (NaN when none)."""
    total = sum(sum(v.values()) for v in votes.values())
    return sum(max(v.values()) for v in votes.values() if v) / total if total else float("nan")


def hidden_discovery_curve(log: RunLog) -> list[float]:
    """After each request: share of hidden experts engaged at least once so far."""
    hidden = {p.external_id for p in log.scenario.people if p.kind == "hidden"}
    by_request: dict[int, set[str]] = defaultdict(set)
    for i, pid, _, _ in log.engaged:
        if pid in hidden:
            by_request[i].add(pid)
    seen: set[str] = set()
    out = []
    for rec in log.requests:
        seen |= by_request.get(rec.index, set())
        out.append(len(seen) / max(1, len(hidden)))
    return out


def spread(values: Sequence[float]) -> tuple[float, float, float]:
    """(mean, min, max), ignoring NaN."""
    x = np.asarray([v for v in values if not math.isnan(v)], dtype=np.float64)
    if len(x) == 0:
        return (float("nan"),) * 3
    return float(x.mean()), float(x.min()), float(x.max())


def _cell(values: Sequence[float], fmt: str) -> str:
    mean, low, high = spread(values)
    if math.isnan(mean):
        return "-"
    return f"{mean:{fmt}} [{low:{fmt}}–{high:{fmt}}]"


def check_targets(on: Sequence[Summary], off: Sequence[Summary]) -> list[str]:
    """The issue's targets on the means over seeds; returns what failed (empty when all are met)."""
    failures = []
    p_on = spread([s.precision_at_1 for s in on])[0]
    p_off = spread([s.precision_at_1 for s in off])[0]
    if p_on < TARGET_P1:
        failures.append(f"precision@1 {p_on:.3f} < {TARGET_P1}")
    if p_on < p_off + TARGET_P1_GAIN:
        failures.append(f"precision@1 {p_on:.3f} < static {p_off:.3f} + {TARGET_P1_GAIN}")
    hidden = spread([s.hidden_engaged for s in on])[0]
    if hidden < TARGET_HIDDEN:
        failures.append(f"hidden experts engaged {hidden:.0%} < {TARGET_HIDDEN:.0%}")
    rating = spread([s.hidden_rating for s in on])[0]
    if not rating >= TARGET_HIDDEN_RATING:
        failures.append(f"hidden experts' mean rating {rating:.2f} < {TARGET_HIDDEN_RATING}")
    g = spread([s.gini_competent for s in on])[0]
    if g > TARGET_GINI:
        failures.append(f"exposure Gini among the competent {g:.3f} > {TARGET_GINI}")
    over = sum(s.over_capacity for s in [*on, *off])
    if over:
        failures.append(f"{over} observations of open load above capacity")
    return failures


def target_table(on: Sequence[Summary], off: Sequence[Summary]) -> str:
    """The issue's target table (mean [min–max] over seeds), then the extra numbers it asks for."""
    p_on = spread([s.precision_at_1 for s in on])[0]
    p_off = spread([s.precision_at_1 for s in off])[0]

    def row(name: str, target: str, key: str, fmt: str, met: bool | None) -> str:
        a = _cell([getattr(s, key) for s in on], fmt)
        b = _cell([getattr(s, key) for s in off], fmt)
        verdict = "" if met is None else ("met" if met else "MISSED")
        return f"| {name} | {target} | {a} | {b} | {verdict} |"

    hidden = spread([s.hidden_engaged for s in on])[0]
    rating = spread([s.hidden_rating for s in on])[0]
    g = spread([s.gini_competent for s in on])[0]
    over = sum(s.over_capacity for s in [*on, *off])
    lines = [
        "| measure | target | feedback | static | |",
        "|---|---|---|---|---|",
        row(
            "precision@1, last window",
            f"≥ {TARGET_P1}, ≥ static + {TARGET_P1_GAIN}",
            "precision_at_1",
            ".3f",
            p_on >= TARGET_P1 and p_on >= p_off + TARGET_P1_GAIN,
        ),
        row("hidden experts engaged at least once", f"≥ {TARGET_HIDDEN:.0%}", "hidden_engaged", ".2f", hidden >= 0.6),
        row("mean rating of their help", f"≥ {TARGET_HIDDEN_RATING:g}", "hidden_rating", ".2f", rating >= 4),
        row("… of their help in the last window", "", "hidden_rating_last", ".2f", None),
        row(
            "exposure Gini among the truly competent, last window",
            f"≤ {TARGET_GINI}",
            "gini_competent",
            ".3f",
            g <= 0.35,
        ),
        row("observations of open load above capacity", "never", "over_capacity", ".0f", over == 0),
        row("hidden experts rated ≥ 4 on their own topic", "", "hidden_discovered", ".2f", None),
        row("their rated help on a topic not theirs (per run)", "", "hidden_off_topic", ".1f", None),
        row("… begun before any rating of theirs reached 4", "", "hidden_off_topic_unfound", ".1f", None),
        row("newcomers: median days to first engagement", "", "newcomer_days", ".1f", None),
        row("newcomers never engaged", "", "newcomers_never", ".1f", None),
        row("requests that found a competent provider, last window", "", "found_share", ".3f", None),
        row("… over the whole run", "", "found_share_all", ".3f", None),
        row("mean rating, last window", "", "mean_rating", ".2f", None),
        row("demand topics' purity, last prompt round", "", "topic_purity", ".2f", None),
        row("highest open load / capacity", "", "max_load", ".2f", None),
    ]
    return "\n".join(lines)


def window_table(on: Sequence[WindowMetrics], off: Sequence[WindowMetrics] | None = None) -> str:
    """Per-window table of one seed, feedback on beside the baseline."""
    keys = ("precision_at_1", "found_share", "mean_rating", "gini_competent", "max_load")
    head = f"{'window':>6} " + " ".join(f"{name:>11}" for name in ("p@1", "found", "rating", "gini", "max load"))
    lines = [head, f"{'':>6} " + " ".join(f"{'on':>5} {'off':>5}" for _ in keys)]
    rows_off: Sequence[WindowMetrics | None] = off if off is not None else [None] * len(on)
    for a, b in zip(on, rows_off, strict=True):
        cells = [f"{getattr(a, k):5.2f} {getattr(b, k):5.2f}" if b else f"{getattr(a, k):5.2f}   -  " for k in keys]
        lines.append(f"{a.index:>6} " + " ".join(cells))
    return "\n".join(lines)


PAIRED = (
    ("precision@1, last window", "precision_at_1", ".3f"),
    ("hidden experts engaged", "hidden_engaged", ".3f"),
    ("their mean rating", "hidden_rating", ".2f"),
    ("… in the last window", "hidden_rating_last", ".2f"),
    ("exposure Gini among the competent", "gini_competent", ".3f"),
    ("newcomers' median days", "newcomer_days", ".2f"),
    ("found a competent provider, last window", "found_share", ".3f"),
    ("hidden experts rated ≥ 4 on their own topic", "hidden_discovered", ".3f"),
    ("demand topics' purity, last prompt round", "topic_purity", ".3f"),
)


def paired_difference(before: Sequence[float], after: Sequence[float]) -> tuple[float, float, int]:
    """Mean of after − before over the pairs where both are numbers, its standard error, and the pairs."""
    d = np.asarray([b - a for a, b in zip(before, after, strict=True) if not (math.isnan(a) or math.isnan(b))])
    if len(d) == 0:
        return float("nan"), float("nan"), 0
    se = float(d.std(ddof=1) / math.sqrt(len(d))) if len(d) > 1 else float("nan")
    return float(d.mean()), se, len(d)


def paired_table(before: dict[int, Summary], after: dict[int, Summary]) -> str:
    """Two variants on the same seeds: means and the per-seed paired difference ± its standard error.

    The simulation is chaotic (one engagement more changes every later ranking), so a variant's
    effect shows only against the noise between seeds; pairing by seed removes the part that
    comes from the seed's own request stream and population.
    """
    seeds = sorted(set(before) & set(after))
    lines = [
        f"| measure ({len(seeds)} seeds) | before | after | after − before |",
        "|---|---|---|---|",
    ]
    for name, key, fmt in PAIRED:
        a = [getattr(before[s], key) for s in seeds]
        b = [getattr(after[s], key) for s in seeds]
        diff, se, n = paired_difference(a, b)
        change = "–" if n == 0 else f"{diff:+{fmt}} ± {_num(se, fmt)} (n={n})"
        lines.append(f"| {name} | {_num(spread(a)[0], fmt)} | {_num(spread(b)[0], fmt)} | {change} |")
    return "\n".join(lines)


def _num(x: float, fmt: str) -> str:
    return "–" if math.isnan(x) else f"{x:{fmt}}"
