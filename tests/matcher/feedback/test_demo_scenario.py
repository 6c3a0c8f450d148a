"""The demo simulation's organisation: who is in it, and the smaller organisation of the issue's size."""

from __future__ import annotations

from collections import Counter

from matcher.evaluation.demo_scenario import PHRASINGS, build_demo


def kinds(people: list) -> Counter[str]:  # type: ignore[type-arg]
    return Counter(p.kind for p in people)


def test_every_topic_gets_its_hidden_experts_over_claimer_and_newcomer() -> None:
    scenario = build_demo(11, run_days=30.0)
    count = kinds(scenario.people)
    assert count["hidden"] == 2 * len(PHRASINGS) and count["overclaimer"] == count["newcomer"] == len(PHRASINGS)
    assert count["other"] > 200
    for topic in PHRASINGS:
        assert sum(p.kind == "hidden" and p.competent(topic) for p in scenario.people) == 2


def test_bystanders_keeps_everyone_involved_and_that_many_others() -> None:
    full = build_demo(11, run_days=30.0)
    small = build_demo(11, run_days=30.0, bystanders=50)
    involved = {p.external_id: p.kind for p in full.people if p.kind != "other"}
    assert {p.external_id: p.kind for p in small.people if p.kind != "other"} == involved
    assert kinds(small.people)["other"] == 50
    again = build_demo(11, run_days=30.0, bystanders=50)
    assert [p.external_id for p in again.people] == [p.external_id for p in small.people]
    other_seed = build_demo(12, run_days=30.0, bystanders=50)
    assert {p.external_id for p in other_seed.people} != {p.external_id for p in small.people}
