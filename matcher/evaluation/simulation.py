"""The feedback-loop simulation: simulated requesters and providers driving the real services.

Every request goes through `MatchService.match`, every offer, answer, completion and rating
through `EngagementService`, and every arrival or absence through `ProfileService`, each in its
own unit of work on a real SQLite database and FAISS index, exactly as the API calls them. Only
the people and the clock are simulated:

- requests arrive at a set rate (exponential gaps, in simulated days); help takes time: an
  accepted engagement stays open for a drawn number of days, then is completed and rated by the
  provider's true competence on the request's topic plus noise, so capacity and load bind;
- requesters see the top k and pick with a position-bias model (rank r first with weight 1/r),
  trying up to `max_tries` people, and ask once more if nobody accepted;
- providers accept by temperament (habitual decliners rarely do) and availability (fewer
  accepts the more they already have open), decline, or never answer (the offer expires); with
  `knows_own_skills` above 0 (0 by default, the issue's model), someone offered a request they
  cannot help with may first decline it as outside their skills (over-claimers never do);
- newcomers join mid-run; some people are away for a while (their profile says unavailable);
- every `prompt_days` each present person reads their demand prompts (`DemandPrompts`, as
  `GET /v1/me/prompts` answers them) and may act on one by stating the skill plainly in their
  profile, deciding once per topic: with `prompt_uptake` when truly competent on the prompt's
  topic, with `prompt_false_claim` when not, in the same words. Only the feedback arm prompts
  (prompts read outcomes). Requests are stamped by the wall clock, so the prompts' "last 30
  days" hold the whole run.

The request stream and every person's decisions are hashed from the seed and the request
number, so the run with feedback off sees the same requests and the same temperaments.
"""

from __future__ import annotations

import hashlib
import heapq
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np

from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.evaluation.scenario import Scenario, SimPerson, with_availability
from matcher.feedback.errors import ProviderUnavailable
from matcher.feedback.weights import FeedbackWeights
from matcher.matching.schemas import MatchCreate
from profiles.actor import Actor
from profiles.models import Employee

START = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
PROMPT_SHARE: float = Settings.model_fields["insights_prompt_share"].default
ADMIN = Actor.admin()
ScenarioName = Literal["grid", "grid-e5", "demo"]
SCENARIOS: tuple[ScenarioName, ...] = ("grid", "grid-e5", "demo")


@dataclass(frozen=True)
class SimConfig:
    """Everything that shapes one simulation run."""

    scenario: ScenarioName = "grid"
    requests: int = 1500
    window: int = 300
    seed: int = 11
    k: int = 5
    feedback: bool = True
    requests_per_day: float | None = None  # None: the scenario's own rate
    max_tries: int = 3  # offers a requester makes before asking again
    # How a requester picks whom to offer to: "position" draws rank r with weight 1/r; "first"
    # always takes the best result left (moving down on a decline), as a frontend that
    # proposes to #1 automatically would.
    choice: Literal["position", "first"] = "position"
    offer_ttl_hours: float = 48.0
    rating_noise: float = 0.5
    load_aversion: float = 0.3  # acceptance falls by this share at full load
    # Chance that someone offered a request they cannot help with says so (declines as outside
    # their skills). Over-claimers never do: they believe they can. 0, the issue's own model:
    # people accept by availability and temperament only.
    knows_own_skills: float = 0.0
    # Demand prompts: how often people read them, and how they answer one about a topic.
    prompts: bool = True  # only with feedback on
    prompt_days: float = 7.0
    prompt_uptake: float = 0.5  # truly competent: states the skill plainly
    prompt_false_claim: float = 0.02  # not competent: claims it anyway, in the same words
    prompt_share: float | None = None  # Settings.insights_prompt_share for this run (None: its default)
    learnt_topics: bool = True  # Settings.insights_learnt_topics: demand topics in the learnt likeness
    # FeedbackWeights fields to change for this run (measurements of alternatives).
    overrides: tuple[tuple[str, Any], ...] = ()
    # The demo scenario with only this many colleagues competent in no topic (None: all ~230).
    bystanders: int | None = None
    # Embedding cache of the e5 scenarios, so each text is encoded once across runs.
    cache_dir: Path | None = None


@dataclass(frozen=True)
class RequestRecord:
    """One simulated request: what was shown first and who (if anyone) took it."""

    index: int
    day: float
    topic: str
    shown: tuple[str, ...]
    accepted: str | None
    labels: tuple[str, ...] = ()  # per shown result: "discovery" / "exploration" / "" (why it is there)


@dataclass
class RunLog:
    """Everything a run did, for the metrics (`sim_metrics.py`)."""

    config: SimConfig
    scenario: Scenario
    requests: list[RequestRecord] = field(default_factory=list)
    ratings: list[tuple[int, str, str, int]] = field(default_factory=list)  # (request, provider, topic, score)
    rated_days: list[float] = field(default_factory=list)  # the day each of `ratings` was given
    engaged: list[tuple[int, str, str, float]] = field(default_factory=list)  # (request, provider, topic, day)
    max_load: list[float] = field(default_factory=list)  # per request: highest open load / capacity
    over_capacity: list[int] = field(default_factory=list)  # per request: providers above capacity
    joined: dict[str, float] = field(default_factory=dict)
    prompted: list[tuple[float, str, str]] = field(default_factory=list)  # (day, person, topic), first prompt only
    # Per prompt round: (day, per insights topic the count of its requests of each simulated topic).
    topic_votes: list[tuple[float, dict[int, dict[str, int]]]] = field(default_factory=list)
    claims: list[tuple[float, str, str, bool]] = field(default_factory=list)  # (day, person, topic, competent)
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0


class SimClock:
    """Simulated time the services read instead of the wall clock."""

    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def day(self) -> float:
        """Days since the start."""
        return (self.now - START).total_seconds() / 86400.0

    def at(self, day: float) -> None:
        """Move to a day (never backwards)."""
        self.now = max(self.now, START + timedelta(days=day))


def draw(seed: int, *parts: object) -> float:
    """A reproducible uniform number in [0, 1) for one decision."""
    digest = hashlib.blake2b(":".join(map(str, (seed, *parts))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2.0**64


def scenario_for(config: SimConfig) -> Scenario:
    """The scenario a config names, built for its seed and length."""
    if config.scenario == "demo":
        from matcher.evaluation.demo_scenario import DEMO_RATE, build_demo

        rate = config.requests_per_day or DEMO_RATE
        return build_demo(
            config.seed, run_days=config.requests / rate, cache_dir=config.cache_dir, bystanders=config.bystanders
        )
    from matcher.evaluation.topic_grid import GRID_RATE, build_grid

    rate = config.requests_per_day or GRID_RATE
    if config.scenario == "grid-e5":
        from matcher.evaluation.e5_grid import build_e5_grid

        return build_e5_grid(config.seed, run_days=config.requests / rate, cache_dir=config.cache_dir)
    return build_grid(config.seed, run_days=config.requests / rate)


def simulation_settings(config: SimConfig, scenario: Scenario, data_dir: Path) -> Settings:
    """Settings for a run: its own SQLite file and index, the scenario's ranking weights."""
    weights = FeedbackWeights(
        enabled=config.feedback, offer_ttl_hours=config.offer_ttl_hours, exploration_seed=config.seed
    ).model_copy(update={**scenario.feedback, **dict(config.overrides)})
    return Settings(
        data_dir=data_dir,
        database_url=f"sqlite:///{data_dir / 'simulation.db'}",
        admin_token="simulation",
        index_backend="faiss",
        # Simulated time: no sweep thread on the wall clock (reads treat due offers as expired anyway).
        expiry_sweep_seconds=0,
        # Every write waits until the index follower has applied it, however loaded the machine:
        # a match that ran before an arrival, absence or evidence landed would break reproducibility.
        read_your_writes_seconds=3600.0,
        retention_sweep_seconds=0,  # request texts are read back (declines, rated history): keep them all
        insights_prompt_share=config.prompt_share if config.prompt_share is not None else PROMPT_SHARE,
        insights_learnt_topics=config.learnt_topics,
        ranking=scenario.ranking,
        feedback=FeedbackWeights.model_validate(weights.model_dump()),
        _env_file=None,  # type: ignore[call-arg]
    )


def run_simulation(
    config: SimConfig,
    data_dir: Path,
    *,
    scenario: Scenario | None = None,
    on_request: Callable[[int], None] | None = None,
) -> RunLog:
    """Run one seeded simulation in a fresh store under `data_dir`."""
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    started = time.perf_counter()
    scenario = scenario or scenario_for(config)
    velho = build(simulation_settings(config, scenario, data_dir), encoder=scenario.make_encoder())
    clock = SimClock()
    velho.engagements.clock = clock
    if velho.matching.effects is not None:
        velho.matching.effects.clock = clock  # type: ignore[attr-defined]
    log = RunLog(config, scenario)
    try:
        velho.start()
        run = _Run(config, scenario, velho, clock, log)
        run.begin()
        for i, request in enumerate(run.stream):
            run.step(i, *request)
            if on_request is not None:
                on_request(i)
        run.finish()
    finally:
        velho.close()
    log.seconds = time.perf_counter() - started
    return log


def compare(
    config: SimConfig, data_dir: Path, *, on_request: Callable[[int], None] | None = None
) -> tuple[RunLog, RunLog]:
    """The same seeded stream with feedback on and off (the static baseline)."""
    scenario = scenario_for(config)
    on = run_simulation(replace(config, feedback=True), data_dir / "on", scenario=scenario, on_request=on_request)
    off = run_simulation(replace(config, feedback=False), data_dir / "off", scenario=scenario, on_request=on_request)
    return on, off


def request_stream(config: SimConfig, scenario: Scenario) -> list[tuple[float, str, str, str]]:
    """(day, topic, requester, text) of every request: the same whatever the ranking does."""
    rng = np.random.default_rng([config.seed, 1])
    rate = scenario.requests_per_day if config.requests_per_day is None else config.requests_per_day
    days = np.cumsum(rng.exponential(1.0 / rate, size=config.requests))
    weights = np.array([scenario.topic_weights[t] for t in scenario.topics])
    topics = rng.choice(scenario.topics, size=config.requests, p=weights / weights.sum())
    present = [p.external_id for p in scenario.people if p.joins_day <= 0]
    requesters = rng.choice(present, size=config.requests)
    out = []
    for day, topic, requester in zip(days, topics, requesters, strict=True):
        texts = scenario.phrasings[str(topic)]
        out.append((float(day), str(topic), str(requester), texts[int(rng.integers(len(texts)))]))
    return out


class _Run:
    """The state of one run: the event queue, the people, the log."""

    def __init__(self, config: SimConfig, scenario: Scenario, velho: Velho, clock: SimClock, log: RunLog) -> None:
        self.config, self.scenario, self.velho, self.clock, self.log = config, scenario, velho, clock, log
        self.people = scenario.by_id()
        self.stream = request_stream(config, scenario)
        self.events: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self._seq = 0
        self._capacities: dict[int, int] = {}
        self._away: set[str] = set()
        self._topic_of: dict[str, str] = {}  # request id -> the simulated topic it was about
        self._claimed: set[tuple[str, str]] = set()  # (person, topic) already decided

    def _push(self, day: float, kind: str, *payload: Any) -> None:
        self._seq += 1
        heapq.heappush(self.events, (day, self._seq, kind, payload))

    def begin(self) -> None:
        """Everyone present at the start joins; arrivals and absences are scheduled."""
        start = [p for p in self.scenario.people if p.joins_day <= 0]
        with self.velho.session() as s:
            self.velho.profiles.upsert_many(s, rows=[(p.external_id, p.profile) for p in start])
        self.log.joined.update({p.external_id: 0.0 for p in start})
        for p in self.scenario.people:
            if p.joins_day > 0:
                self._push(p.joins_day, "join", p.external_id)
            if p.away is not None:
                self._push(max(p.away[0], p.joins_day), "away", p.external_id)
                self._push(p.away[1], "back", p.external_id)
        cfg = self.config
        if cfg.feedback and cfg.prompts and self.scenario.plain_claims and cfg.prompt_days > 0:
            days = self.stream[-1][0] if self.stream else 0.0
            for n in range(1, int(days / cfg.prompt_days) + 1):
                self._push(n * cfg.prompt_days, "prompts", n)

    def _advance(self, day: float, *, everything: bool = False) -> None:
        while self.events and (everything or self.events[0][0] <= day):
            when, _, kind, payload = heapq.heappop(self.events)
            self.clock.at(when)
            getattr(self, f"_on_{kind}")(*payload)
        self.clock.at(day)

    def _write_profile(self, person: SimPerson, availability: Literal["available", "unavailable"]) -> None:
        with self.velho.session() as s:
            self.velho.profiles.upsert(
                s, external_id=person.external_id, data=with_availability(person.profile, availability), actor=ADMIN
            )

    def _on_join(self, eid: str) -> None:
        self._write_profile(self.people[eid], "available")
        self.log.joined[eid] = self.clock.day()

    def _on_away(self, eid: str) -> None:
        if eid in self.log.joined:
            self._write_profile(self.people[eid], "unavailable")
            self._away.add(eid)
            self.log.counts["away"] += 1

    def _on_back(self, eid: str) -> None:
        if eid in self.log.joined:
            self._write_profile(self.people[eid], "available")
            self._away.discard(eid)

    def _on_prompts(self, _round: int) -> None:
        """Everyone present reads their demand prompts; some state a prompted skill plainly."""
        cfg, velho = self.config, self.velho
        present = sorted(e for e in self.log.joined if e not in self._away and self.people[e].accept_prob > 0)
        answers: list[tuple[SimPerson, str]] = []
        with velho.reading() as s:
            votes = self._topic_votes(s)
            topic_of = {cluster: max(v, key=lambda t: v[t]) for cluster, v in votes.items()}
            self.log.topic_votes.append((self.clock.day(), votes))
            for eid in present:
                person = self.people[eid]
                for prompt in velho.prompts.for_employee(s, employee_id=eid).prompts:
                    topic = topic_of.get(prompt.topic_ids[0])
                    if topic is None or (eid, topic) in self._claimed:
                        continue
                    self.log.counts["prompted"] += 1
                    self.log.prompted.append((self.clock.day(), eid, topic))
                    chance = cfg.prompt_uptake if person.competent(topic) else cfg.prompt_false_claim
                    # One decision per person and topic: seeing the same prompt again changes nobody's mind.
                    self._claimed.add((eid, topic))
                    if draw(cfg.seed, "prompt", eid, topic) < chance:
                        answers.append((person, topic))
        for person, topic in answers:
            texts = self.scenario.plain_claims[topic]
            text = texts[int(draw(cfg.seed, "claim", person.external_id, topic) * len(texts))]
            strengths = [*person.profile.strengths, {"text": text}]
            person.profile = person.profile.model_validate({**person.profile.model_dump(), "strengths": strengths})
            with self.velho.session() as s:  # present, so their own availability (limited stays limited)
                self.velho.profiles.upsert(s, external_id=person.external_id, data=person.profile, actor=ADMIN)
            self.log.claims.append((self.clock.day(), person.external_id, topic, person.competent(topic)))
            self.log.counts["claims_competent" if person.competent(topic) else "claims_false"] += 1

    def _topic_votes(self, session: Any) -> dict[int, dict[str, int]]:
        """Per insights topic, how many of its requests had each simulated topic. People reading a
        topic's label take it to be about the simulated topic most of its requests had."""
        insights = self.velho.insights
        view = insights.store.view(session, insights.index())
        votes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for request_id, row in view.index.items():
            topic = self._topic_of.get(request_id)
            if topic is not None:
                votes[int(view.topics[row])][topic] += 1
        return votes

    def _on_complete(self, engagement_id: int, provider: str, index: int, topic: str) -> None:
        person = self.people[provider]
        seed = self.config.seed
        noise = float(np.sqrt(-2 * np.log(max(draw(seed, "r1", index, provider), 1e-12))))
        noise *= float(np.cos(2 * np.pi * draw(seed, "r2", index, provider))) * self.config.rating_noise
        score = int(min(5, max(1, round(1 + 4 * person.competence.get(topic, 0.0) + noise))))
        with self.velho.session() as s:
            self.velho.engagements.complete(s, engagement_id=engagement_id, actor=ADMIN)
            self.velho.engagements.rate(s, engagement_id=engagement_id, score=score, actor=ADMIN)
        self.log.ratings.append((index, provider, topic, score))
        self.log.rated_days.append(self.clock.day())

    def step(self, i: int, day: float, topic: str, requester: str, text: str) -> None:
        """One request: match, offer in the requester's order of choice, ask again if nobody accepted."""
        self._advance(day)
        first: tuple[tuple[str, ...], tuple[str, ...]] | None = None
        accepted = None
        for attempt in range(2):
            with self.velho.session() as s:
                out = self.velho.matching.match(s, MatchCreate(text=text, k=self.config.k, requester_id=requester))
            shown = tuple(r.external_id for r in out.results)
            self._topic_of[out.request_id] = topic
            if first is None:
                first = (shown, tuple(_label(r.components) for r in out.results))
            else:
                self.log.counts["asked_again"] += 1
            accepted = self._offer(i, attempt, out.request_id, list(shown), topic)
            if accepted is not None:
                break
        self._measure_load()
        assert first is not None
        self.log.requests.append(RequestRecord(i, day, topic, first[0], accepted, first[1]))

    def _offer(self, i: int, attempt: int, request_id: str, shown: list[str], topic: str) -> str | None:
        """Offer to results in the requester's order of choice until one accepts (or tries run out)."""
        cfg, seed = self.config, self.config.seed
        left = list(shown)
        for t in range(cfg.max_tries):
            if not left:
                return None
            pid = left.pop(0 if cfg.choice == "first" else _by_position(len(left), draw(seed, "pick", i, attempt, t)))
            try:
                with self.velho.session() as s:
                    engagement, _ = self.velho.engagements.propose(
                        s, request_id=request_id, provider_id=pid, actor=ADMIN
                    )
                    assert engagement.provider_id is not None  # only erasure clears it; nobody is erased here
                    eid, open_now = engagement.id, self._open(s, engagement.provider_id)
            except ProviderUnavailable:
                self.log.counts["refused_at_proposal"] += 1
                continue
            self.log.counts["offers"] += 1
            person = self.people[pid]
            if (
                person.kind != "overclaimer"
                and not person.competent(topic)
                and draw(seed, "knows", i, pid) < cfg.knows_own_skills
            ):
                with self.velho.session() as s:
                    self.velho.engagements.decline(s, engagement_id=eid, actor=ADMIN, actor_id=pid, outside_skills=True)
                self.log.counts["declined_outside_skills"] += 1
                continue
            capacity = max(person.profile.capacity, 1)
            busy = max(0, open_now - 1) / capacity  # open before this offer
            if draw(seed, "accept", i, pid) < person.accept_prob * (1.0 - cfg.load_aversion * busy):
                with self.velho.session() as s:
                    self.velho.engagements.accept(s, engagement_id=eid, actor=ADMIN, actor_id=pid)
                low, high = self.scenario.help_days
                days = low + (high - low) * draw(seed, "days", i, pid)
                self._push(self.clock.day() + days, "complete", eid, pid, i, topic)
                self.log.engaged.append((i, pid, topic, self.clock.day()))
                self.log.counts["accepted"] += 1
                return pid
            if draw(seed, "silent", i, pid) < person.silent_share:
                self.log.counts["unanswered"] += 1  # left to expire
                continue
            with self.velho.session() as s:
                self.velho.engagements.decline(s, engagement_id=eid, actor=ADMIN, actor_id=pid, reason="busy")
            self.log.counts["declined"] += 1
        return None

    def _open(self, session: Any, provider_id: int) -> int:
        loads = self.velho.engagements.repo.open_loads(session, now=self.clock.now, provider_ids=[provider_id])
        return loads.get(provider_id, 0)

    def _measure_load(self) -> None:
        """Highest open load against capacity right now, read from the database."""
        with self.velho.reading() as s:
            loads = self.velho.engagements.repo.open_loads(s, now=self.clock.now)
            worst, over = 0.0, 0
            for pid, n in loads.items():
                capacity = self._capacity(s, pid)
                over += int(n > capacity)
                if capacity > 0:
                    worst = max(worst, n / capacity)
        self.log.max_load.append(worst)
        self.log.over_capacity.append(over)

    def _capacity(self, session: Any, employee_id: int) -> int:
        """A provider's capacity as stored (also while they are away and out of the index)."""
        if employee_id not in self._capacities:
            employee = session.get(Employee, employee_id)
            self._capacities[employee_id] = employee.capacity if employee is not None else 0
        return self._capacities[employee_id]

    def finish(self) -> None:
        """Complete and rate everything still running, so every request has its rating."""
        self._advance(self.clock.day(), everything=True)


def _by_position(n: int, u: float) -> int:
    """The index a requester picks among n results for a uniform draw u: rank r with weight 1/r."""
    bias = np.array([1.0 / (rank + 1) for rank in range(n)])
    cut = np.cumsum(bias / bias.sum())
    return min(int(np.searchsorted(cut, u)), n - 1)


def _label(components: dict[str, float]) -> str:
    if components.get("discovery", 0.0) > 0:
        return "discovery"
    return "exploration" if components.get("exploration", 0.0) > 0 else ""
