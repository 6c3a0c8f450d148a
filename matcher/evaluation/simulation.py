"""The feedback-loop simulation: synthetic requesters and providers driving the real services.

Every request goes through `MatchService.match` and every offer, answer, completion and rating
through `EngagementService`, each in its own unit of work on a real SQLite database and FAISS
index, exactly as the API calls them. Only the people are simulated: requesters pick among the
top results (mostly the first) and rate by the provider's true competence plus noise; providers
accept by their availability, decline, or never answer (the offer expires). Time is simulated.
Texts are encoded by the seeded `TopicEncoder`, not e5, so 2,000 requests take seconds.
"""

from __future__ import annotations

import heapq
import math
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.evaluation.synthetic_org import (
    Organisation,
    Person,
    build_organisation,
    request_text,
    topic_encoder,
    topics,
)
from matcher.feedback.errors import ProviderUnavailable
from matcher.feedback.weights import FeedbackWeights
from matcher.matching.schemas import MatchCreate
from matcher.matching.weights import RankingWeights
from profiles.actor import Actor

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
# How likely a requester is to try the result at each position first (renormalised over what is left).
POSITION_BIAS = (0.55, 0.2, 0.12, 0.08, 0.05)
ADMIN = Actor.admin()


# Who accepted a request: truly competent or not, and whether the profile said so.
HELPER_CLASSES = (
    "competent, declared",
    "competent, hidden expert",
    "not competent, over-claimed",
    "not competent, other",
)


def helper_class(person: Person, topic: str) -> str:
    """Which of `HELPER_CLASSES` a provider falls in for a topic."""
    if person.competent(topic):
        return HELPER_CLASSES[1] if person.kind == "hidden" else HELPER_CLASSES[0]
    return HELPER_CLASSES[2] if topic in person.declared_topics else HELPER_CLASSES[3]


@dataclass(frozen=True)
class SimConfig:
    """Everything that shapes one simulation run."""

    requests: int = 2000
    window: int = 200
    seed: int = 7
    org_size: int = 240
    k: int = 5
    feedback: bool = True
    minutes_between_requests: float = 20.0
    min_days: float = 1.0  # accepted help takes this long …
    max_days: float = 5.0  # … to this long, then it is completed and rated
    max_tries: int = 3  # offers a requester makes before asking again
    offer_ttl_hours: float = 48.0
    rating_noise: float = 0.6


@dataclass
class Window:
    """Metrics of one window of consecutive requests."""

    index: int
    requests: int = 0
    top_competent: int = 0
    found_competent: int = 0
    ratings: list[int] = field(default_factory=list)
    exposure: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    max_load: float = 0.0
    over_capacity: int = 0
    # Accepted help by who gave it (see `HELPER_CLASSES`).
    accepted_by: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    @property
    def precision_at_1(self) -> float:
        """Share of requests whose top result is truly competent."""
        return self.top_competent / self.requests if self.requests else 0.0

    @property
    def found_share(self) -> float:
        """Share of requests that ended with a truly competent provider accepting."""
        return self.found_competent / self.requests if self.requests else 0.0

    @property
    def mean_rating(self) -> float:
        """Mean of the ratings given for this window's requests."""
        return float(np.mean(self.ratings)) if self.ratings else float("nan")

    def gini(self, people: list[str]) -> float:
        """Exposure Gini over every provider (position-discounted appearances in the results)."""
        return gini([self.exposure.get(p, 0.0) for p in people])


@dataclass
class SimResult:
    """A finished run: its windows, counts and time."""

    config: SimConfig
    windows: list[Window]
    people: list[str]
    counts: dict[str, int]
    seconds: float

    def rows(self) -> list[dict[str, float]]:
        """One dict of metrics per window."""
        return [
            {
                "window": w.index,
                "precision_at_1": w.precision_at_1,
                "mean_rating": w.mean_rating,
                "found_competent": w.found_share,
                "exposure_gini": w.gini(self.people),
                "max_load": w.max_load,
                "over_capacity": float(w.over_capacity),
            }
            for w in self.windows
        ]


class SimClock:
    """Simulated time the services read instead of the wall clock."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def gini(values: list[float]) -> float:
    """Gini coefficient (0 = everyone equal, → 1 = one takes all)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return 0.0
    return float((2.0 * np.sum(np.arange(1, n + 1) * x)) / (n * x.sum()) - (n + 1) / n)


def simulation_settings(config: SimConfig, data_dir: Path) -> Settings:
    """Settings for a run: its own SQLite file, no language correction (synthetic vectors)."""
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'simulation.db'}",
        admin_token="simulation",
        index_backend="faiss",
        # Simulated time: no sweep thread on the wall clock (reads treat due offers as expired anyway).
        expiry_sweep_seconds=0,
        ranking=RankingWeights(centering_strength=0.0),
        feedback=FeedbackWeights(
            enabled=config.feedback, offer_ttl_hours=config.offer_ttl_hours, exploration_seed=config.seed
        ),
        _env_file=None,  # type: ignore[call-arg]
    )


def run_simulation(config: SimConfig, data_dir: Path, *, on_request: Callable[[int], None] | None = None) -> SimResult:
    """Run one seeded simulation in a fresh store under `data_dir`."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    started = time.perf_counter()
    org = build_organisation(config.org_size, seed=config.seed)
    velho = build(simulation_settings(config, data_dir), encoder=topic_encoder(seed=config.seed))
    clock = SimClock()
    velho.engagements.clock = clock
    if velho.matching.effects is not None:
        velho.matching.effects.clock = clock  # type: ignore[attr-defined]
    try:
        velho.start()
        with velho.session() as s:
            velho.profiles.upsert_many(s, rows=[(p.external_id, p.profile) for p in org.people])
        run = _Run(config, org, velho, clock)
        for i in range(config.requests):
            run.step(i)
            if on_request is not None:
                on_request(i)
        run.finish()
    finally:
        velho.close()
    return SimResult(
        config, run.windows, [p.external_id for p in org.people], dict(run.counts), time.perf_counter() - started
    )


class _Run:
    """The state of one run: pending completions, windows, counters."""

    def __init__(self, config: SimConfig, org: Organisation, velho: Velho, clock: SimClock) -> None:
        self.config, self.org, self.velho, self.clock = config, org, velho, clock
        self.people = org.by_id()
        self.rng = np.random.default_rng(config.seed + 1)
        self.topics = topics()
        self.topic_p = np.array([org.topic_weights[t] for t in self.topics])
        self.pending: list[tuple[datetime, int, int, str, int]] = []  # (due, seq, engagement, provider, window)
        self.windows: list[Window] = []
        self.counts: dict[str, int] = defaultdict(int)
        self.ids = [p.external_id for p in org.people]
        self._topic_of: dict[int, str] = {}

    def step(self, i: int) -> None:
        cfg = self.config
        self.clock.now += timedelta(minutes=cfg.minutes_between_requests)
        self._complete_due()
        if i % cfg.window == 0:
            self.windows.append(Window(index=len(self.windows) + 1))
        win = self.windows[-1]
        topic = str(self.rng.choice(self.topics, p=self.topic_p))
        requester = str(self.rng.choice(self.ids))
        text = request_text(topic, self.rng)
        win.requests += 1
        for attempt in range(2):  # ask, and once more if nobody accepted
            with self.velho.session() as s:
                out = self.velho.matching.match(s, MatchCreate(text=text, k=cfg.k, requester_id=requester))
            shown = [r.external_id for r in out.results]
            if attempt == 0:
                self.counts["requests"] += 1
                if shown and self.people[shown[0]].competent(topic):
                    win.top_competent += 1
                for rank, pid in enumerate(shown, start=1):
                    win.exposure[pid] += 1.0 / math.log2(rank + 1)
            else:
                self.counts["asked_again"] += 1
            accepted = self._offer(out.request_id, shown, topic, win)
            self._measure_load(win)
            if accepted is not None:
                win.accepted_by[helper_class(self.people[accepted], topic)] += 1
                if self.people[accepted].competent(topic):
                    win.found_competent += 1
                return

    def _offer(self, request_id: str, shown: list[str], topic: str, win: Window) -> str | None:
        """Offer to results in the requester's order of choice until one accepts (or tries run out)."""
        cfg = self.config
        left = list(shown)
        for _ in range(cfg.max_tries):
            if not left:
                return None
            bias = np.array(POSITION_BIAS[: len(left)] + (0.05,) * max(0, len(left) - len(POSITION_BIAS)))
            pid = left.pop(int(self.rng.choice(len(left), p=bias / bias.sum())))
            try:
                with self.velho.session() as s:
                    engagement, _ = self.velho.engagements.propose(
                        s, request_id=request_id, provider_id=pid, actor=ADMIN
                    )
                    eid = engagement.id
            except ProviderUnavailable:
                self.counts["refused_at_proposal"] += 1
                continue
            self.counts["offers"] += 1
            person = self.people[pid]
            if self.rng.random() < person.accept_prob:
                with self.velho.session() as s:
                    self.velho.engagements.accept(s, engagement_id=eid, actor=ADMIN, actor_id=pid)
                days = self.rng.uniform(cfg.min_days, cfg.max_days)
                due = self.clock.now + timedelta(days=float(days))
                heapq.heappush(self.pending, (due, eid, eid, pid, len(self.windows) - 1))
                self.counts["accepted"] += 1
                self._topic_of[eid] = topic
                return pid
            if self.rng.random() < person.silent_share:
                self.counts["unanswered"] += 1  # left to expire
                continue
            with self.velho.session() as s:
                self.velho.engagements.decline(s, engagement_id=eid, actor=ADMIN, actor_id=pid, reason="busy")
            self.counts["declined"] += 1
        return None

    def _complete_due(self, *, everything: bool = False) -> None:
        while self.pending and (everything or self.pending[0][0] <= self.clock.now):
            due, _, eid, pid, window = heapq.heappop(self.pending)
            if everything and due > self.clock.now:
                self.clock.now = due
            topic = self._topic_of.pop(eid)
            truth = self.people[pid].competence.get(topic, 0.0)
            noisy = 1 + 4 * truth + self.rng.normal(0.0, self.config.rating_noise)
            score = int(min(5, max(1, round(noisy))))
            with self.velho.session() as s:
                self.velho.engagements.complete(s, engagement_id=eid, actor=ADMIN)
                self.velho.engagements.rate(s, engagement_id=eid, score=score, actor=ADMIN)
            self.windows[window].ratings.append(score)
            self.counts["rated"] += 1

    def _measure_load(self, win: Window) -> None:
        """Highest open load against capacity right now, read from the database."""
        with self.velho.reading() as s:
            loads = self.velho.engagements.repo.open_loads(s, now=self.clock.now)
        for pid, n in loads.items():
            emp = self.velho.sync.roster.employees.get(pid)
            if emp is None or emp.capacity <= 0:
                continue
            win.max_load = max(win.max_load, n / emp.capacity)
            if n > emp.capacity:
                win.over_capacity += 1

    def finish(self) -> None:
        """Complete and rate everything still running, so every window has its ratings."""
        self._complete_due(everything=True)


def compare(
    config: SimConfig, data_dir: Path, *, on_request: Callable[[int], None] | None = None
) -> tuple[SimResult, SimResult]:
    """The same seeded run with feedback on and off (the baseline)."""
    on = run_simulation(replace(config, feedback=True), data_dir / "feedback-on", on_request=on_request)
    off = run_simulation(replace(config, feedback=False), data_dir / "feedback-off", on_request=on_request)
    return on, off


def describe(config: SimConfig) -> str:
    """One paragraph on what was simulated."""
    org = build_organisation(config.org_size, seed=config.seed)
    kinds: dict[str, int] = defaultdict(int)
    for p in org.people:
        kinds[p.kind] += 1
    return (
        f"Synthetic organisation of {len(org.people)} ({kinds['honest']} honest, {kinds['overclaimer']} over-claimers, "
        f"{kinds['hidden']} hidden experts, {kinds['reluctant']} reluctant), {len(topics())} topics; "
        f"{config.requests} requests (k={config.k}), windows of {config.window}, seed {config.seed}. "
        "Vectors from the seeded synthetic TopicEncoder (not e5); real MatchService, EngagementService, SQLite, FAISS."
    )


def format_table(on: SimResult, off: SimResult | None = None) -> str:
    """Per-window table, feedback on beside the baseline."""
    head = f"{'window':>6} {'p@1':>11} {'rating':>11} {'found':>11} {'gini':>11} {'max load':>11}"
    sub = f"{'':>6} " + " ".join(f"{'on':>5} {'off':>5}" for _ in range(5))
    lines = [head, sub]
    off_rows = off.rows() if off is not None else [None] * len(on.windows)
    for a, b in zip(on.rows(), off_rows, strict=True):
        cells = []
        for key in ("precision_at_1", "mean_rating", "found_competent", "exposure_gini", "max_load"):
            fmt = "{:5.2f}"
            cells.append(f"{fmt.format(a[key])} {fmt.format(b[key]) if b else '   - '}")
        lines.append(f"{int(a['window']):>6} " + " ".join(cells))
    return "\n".join(lines)


def check_targets(on: SimResult, off: SimResult, *, min_gain: float = 0.20) -> list[str]:
    """The issue's targets; returns what failed (empty when all are met)."""
    failures: list[str] = []
    a, b = on.rows()[-1], off.rows()[-1]
    gain = a["precision_at_1"] - b["precision_at_1"]
    if gain < min_gain:
        failures.append(f"last-window precision@1 gain {gain:+.2f} < {min_gain:+.2f}")
    for result, name in ((on, "feedback on"), (off, "feedback off")):
        over = sum(w.over_capacity for w in result.windows)
        if over:
            failures.append(f"{name}: {over} observations over capacity")
    gini_on = [r["exposure_gini"] for r in on.rows()]
    gini_off = [r["exposure_gini"] for r in off.rows()]
    if float(np.mean(gini_on)) > float(np.mean(gini_off)) or gini_on[-1] > gini_off[-1]:
        failures.append(
            f"exposure Gini worse than baseline (mean {np.mean(gini_on):.3f} vs {np.mean(gini_off):.3f}, "
            f"last window {gini_on[-1]:.3f} vs {gini_off[-1]:.3f})"
        )
    return failures
