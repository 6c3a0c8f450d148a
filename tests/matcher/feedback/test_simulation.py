"""Small runs of the feedback simulation on seeds the weights were not tuned on (tuning used 1–3).

They fail if hidden experts stop being discovered, if feedback stops beating the static ranking,
if anyone is ever offered work beyond their capacity, or if a seeded run does not repeat.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.evaluation.sim_metrics import (
    Summary,
    gini,
    hidden_discovery_curve,
    lorenz,
    paired_difference,
    paired_table,
    summarise,
    topic_purity,
    window_metrics,
)
from matcher.evaluation.simulation import (
    RequestRecord,
    RunLog,
    SimConfig,
    compare,
    run_simulation,
    scenario_for,
    simulation_settings,
)

SMALL = SimConfig(scenario="grid", requests=300, window=100, seed=21)


@pytest.mark.slow
def test_feedback_discovers_hidden_experts_and_beats_the_static_ranking(tmp_path: Path) -> None:
    on, off = compare(SMALL, tmp_path)
    a, b = summarise(on), summarise(off)
    assert a.hidden_engaged >= 0.25 and a.hidden_discovered > 0.15, a  # zero discovery fails here
    assert b.hidden_engaged < a.hidden_engaged
    assert a.hidden_rating >= 3.5, a  # aimed: mostly tried on what they know
    assert a.precision_at_1 >= b.precision_at_1 + 0.2, (a, b)
    assert a.found_share > b.found_share
    assert a.over_capacity == b.over_capacity == 0 and a.max_load <= 1.0
    windows = window_metrics(on)
    assert windows[-1].precision_at_1 > windows[0].precision_at_1  # it learns
    curve = hidden_discovery_curve(on)
    assert curve == sorted(curve) and curve[-1] == a.hidden_engaged
    # Every request was asked, every accepted engagement rated.
    assert len(on.requests) == len(off.requests) == SMALL.requests
    assert len(on.ratings) == on.counts["accepted"]


def test_seeded_runs_are_reproducible(tmp_path: Path) -> None:
    config = replace(SMALL, requests=20, window=10, seed=22)
    first = run_simulation(config, tmp_path / "a")
    again = run_simulation(config, tmp_path / "b")
    assert first.requests == again.requests and first.ratings == again.ratings
    assert dict(first.counts) == dict(again.counts)
    other = run_simulation(replace(config, seed=23), tmp_path / "c")
    assert other.requests != first.requests


def test_gini_and_lorenz() -> None:
    assert gini([1, 1, 1, 1]) == pytest.approx(0.0)
    assert gini([0, 0, 0, 4]) == pytest.approx(0.75)
    assert gini([0, 0]) == 0.0
    x, y = lorenz([0, 0, 0, 4])
    assert x == [0.0, 0.25, 0.5, 0.75, 1.0] and y == [0.0, 0.0, 0.0, 0.0, 1.0]


def test_paired_differences_by_seed() -> None:
    diff, se, n = paired_difference([0.5, 0.6, float("nan"), 0.4], [0.6, 0.6, 0.9, 0.6])
    assert n == 3 and diff == pytest.approx(0.1) and se == pytest.approx(0.1 / 3**0.5)
    assert paired_difference([float("nan")], [1.0])[2] == 0

    def run(engaged: float) -> Summary:
        nan = float("nan")
        return Summary(0.9, 0.7, 0.6, 4.0, 0.5, engaged, nan, nan, 0.3, 0, 1.0, 2.0, 0)

    table = paired_table({1: run(0.5), 2: run(0.6), 3: run(0.7)}, {1: run(0.6), 2: run(0.8), 4: run(0.1)})
    assert "| measure (2 seeds) |" in table  # only the seeds both sides ran
    assert "| hidden experts engaged | 0.550 | 0.700 | +0.150 ± 0.050 (n=2) |" in table
    assert "| their mean rating | – | – | – |" in table  # no rating on either side


def test_people_who_know_their_skills_decline_what_they_cannot_help_with(tmp_path: Path) -> None:
    config = replace(SMALL, requests=60, window=30, seed=25)
    knowing = run_simulation(replace(config, knows_own_skills=1.0), tmp_path / "knowing")
    people = knowing.scenario.by_id()
    assert knowing.counts["declined_outside_skills"] > 0
    # Only over-claimers still take on what they cannot do; everyone else said so instead.
    outside = {people[pid].kind for _, pid, topic, _ in knowing.engaged if not people[pid].competent(topic)}
    assert outside <= {"overclaimer"}
    plain = run_simulation(config, tmp_path / "plain")  # the model: nobody declines for that
    assert plain.counts["declined_outside_skills"] == 0
    assert any(people[pid].kind != "overclaimer" and not people[pid].competent(t) for _, pid, t, _ in plain.engaged)


def test_the_hidden_experts_rating_is_given_for_the_whole_run_and_the_last_window() -> None:
    config = replace(SMALL, requests=4, window=2)
    scenario = scenario_for(config)
    hidden = next(p for p in scenario.people if p.kind == "hidden")
    expert = next(p for p in scenario.people if p.kind == "expert")
    log = RunLog(config=config, scenario=scenario)
    for i in range(4):
        log.requests.append(RequestRecord(i, float(i), scenario.topics[0], (hidden.external_id,), hidden.external_id))
        log.max_load.append(0.0)
        log.over_capacity.append(0)
    # Their help: a 1 and a 2 early, a 5 in the last window; an expert's 1 there is not theirs.
    log.ratings += [(0, hidden.external_id, "t", 1), (1, hidden.external_id, "t", 2), (2, hidden.external_id, "t", 5)]
    log.ratings.append((3, expert.external_id, "t", 1))
    s = summarise(log)
    assert s.hidden_rating == pytest.approx(8 / 3) and s.hidden_rating_last == 5.0


@pytest.mark.slow
def test_demand_prompts_reach_competent_people_and_reading_them_changes_nothing(tmp_path: Path) -> None:
    config = replace(SMALL, seed=24, prompt_days=3.0)
    honest = run_simulation(replace(config, prompt_uptake=1.0, prompt_false_claim=0.0), tmp_path / "honest")
    people = honest.scenario.by_id()
    assert honest.counts["prompted"] > 0 and honest.claims
    # With no false claims, everyone who stated a prompted skill is truly competent in it.
    assert all(people[who].competent(topic) and competent for _, who, topic, competent in honest.claims)
    # Prompts only read: when nobody acts on them, the run is the run without prompts.
    ignored = run_simulation(replace(config, prompt_uptake=0.0, prompt_false_claim=0.0), tmp_path / "ignored")
    off = run_simulation(replace(config, prompts=False), tmp_path / "off")
    assert ignored.counts["prompted"] > 0 and not ignored.claims and off.counts["prompted"] == 0
    assert ignored.requests == off.requests and ignored.ratings == off.ratings
    # Each prompt round also measures how pure the demand topics it names are; no rounds, no figure.
    rounds = [day for day, _ in honest.topic_votes]
    assert rounds == [config.prompt_days * n for n in range(1, len(rounds) + 1)] and len(rounds) >= 2
    assert all(0.0 < topic_purity(votes) <= 1.0 for _, votes in honest.topic_votes[1:])
    assert summarise(honest).topic_purity == topic_purity(honest.topic_votes[-1][1])
    assert not off.topic_votes and math.isnan(summarise(off).topic_purity)


@pytest.mark.slow
def test_requesters_who_always_take_the_first_result_still_meet_hidden_experts(tmp_path: Path) -> None:
    # The issue's own check: each request offered to the best result, moving down on a decline.
    # The discovery slot (position 3) is then rarely reached, so hidden experts must win #1 itself.
    config = replace(SMALL, seed=25, choice="first", prompts=False)
    on, off = compare(config, tmp_path)
    a, b = summarise(on), summarise(off)
    assert a.hidden_engaged >= 0.25 and a.hidden_discovered > 0.15, a
    assert b.hidden_engaged < a.hidden_engaged
    # Learning through #1 alone is slower: 300 requests give about +0.15 (900 give +0.3).
    assert a.precision_at_1 >= b.precision_at_1 + 0.1, (a, b)
    assert a.over_capacity == 0
    by_position = run_simulation(replace(config, choice="position"), tmp_path / "position")

    def took_first(log: RunLog) -> float:
        taken = [r for r in log.requests if r.accepted is not None]
        return sum(r.accepted == r.shown[0] for r in taken) / len(taken)

    assert took_first(on) > took_first(by_position) + 0.15  # 0.58 against 0.39 (declines, capacity)


@pytest.mark.slow
def test_on_e5_the_loop_meets_hidden_experts_the_static_ranking_never_tries(
    tmp_path: Path, adapted_e5: Encoder, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # The grid in Finnish, Swedish and English on the real model, requesters taking the first result.
    # 300 requests are too few for precision@1 to pull ahead on e5 (it does over 600: README), but
    # meeting hidden experts and finding competent help must already show.
    config = replace(SMALL, scenario="grid-e5", seed=27, choice="first")
    scenario = scenario_for(config)
    cache = EmbeddingCache(tmp_path_factory.getbasetemp() / "grid-e5-sim.sqlite")
    scenario.make_encoder = lambda: CachedEncoder(adapted_e5, cache, cache_queries=True)
    on = run_simulation(config, tmp_path / "on", scenario=scenario)
    off = run_simulation(replace(config, feedback=False), tmp_path / "off", scenario=scenario)
    a, b = summarise(on), summarise(off)
    assert a.hidden_engaged >= b.hidden_engaged + 0.15 and a.hidden_discovered > 0.1, (a, b)  # 0.43 against 0.13
    assert a.found_share > b.found_share, (a, b)  # 0.60 against 0.48
    assert a.over_capacity == b.over_capacity == 0


def test_help_on_a_topic_not_theirs_is_counted_and_split_at_the_first_good_rating() -> None:
    config = replace(SMALL, requests=3, window=3)
    scenario = scenario_for(config)
    hidden = next(p for p in scenario.people if p.kind == "hidden")
    own = next(t for t in scenario.topics if hidden.competent(t))
    other = next(t for t in scenario.topics if not hidden.competent(t))
    log = RunLog(config=config, scenario=scenario)
    # Tried on another topic on day 0 (rated 1 on day 2), found on their own (5 on day 3), tried
    # elsewhere again on day 4: two off-topic tries, one of them before they were found.
    for i, (topic, day, rated, score) in enumerate([(other, 0.0, 2.0, 1), (own, 1.0, 3.0, 5), (other, 4.0, 6.0, 1)]):
        log.requests.append(RequestRecord(i, day, topic, (hidden.external_id,), hidden.external_id))
        log.engaged.append((i, hidden.external_id, topic, day))
        log.ratings.append((i, hidden.external_id, topic, score))
        log.rated_days.append(rated)
        log.max_load.append(0.0)
        log.over_capacity.append(0)
    s = summarise(log)
    assert (s.hidden_off_topic, s.hidden_off_topic_unfound) == (2.0, 1.0)
    # Found only when the 5 is given (day 3), not when that help began: a try begun on day 2.5 is before.
    log.engaged[2] = (2, hidden.external_id, other, 2.5)
    assert summarise(log).hidden_off_topic_unfound == 2.0
    log.rated_days.clear()  # a log without rating days says how many, not when
    s = summarise(log)
    assert s.hidden_off_topic == 2.0 and math.isnan(s.hidden_off_topic_unfound)


def test_topic_purity_is_the_share_of_requests_in_a_topic_mostly_about_their_own() -> None:
    # Topic 0: three Excel requests and one printer request; topic 1: two printer requests.
    assert topic_purity({0: {"excel": 3, "printers": 1}, 1: {"printers": 2}}) == pytest.approx(5 / 6)
    assert topic_purity({0: {"excel": 2}}) == 1.0 and math.isnan(topic_purity({}))


def test_a_run_sets_the_insights_options_it_names(tmp_path: Path) -> None:
    config = replace(SMALL, prompt_share=0.25, learnt_topics=False)
    settings = simulation_settings(config, scenario_for(config), tmp_path)
    assert settings.insights_prompt_share == 0.25 and settings.insights_learnt_topics is False
    default = simulation_settings(SMALL, scenario_for(SMALL), tmp_path)
    fields = Settings.model_fields
    assert default.insights_prompt_share == fields["insights_prompt_share"].default
    assert default.insights_learnt_topics is fields["insights_learnt_topics"].default is True
