"""Insights: demand by topic, supply per offer, and suggestions, under the privacy rules.

Rules kept here: groups (topics, ratings behind a mean) smaller than the minimum are hidden;
hidden employees never appear (their offers are not read, they are in no list or spread); no
request text is read at all, labels come from offers (`labels`).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from embeddings.language import LanguageCentering
from matcher.insights.distribution import gini, top_share
from matcher.insights.labels import Label, label_topics
from matcher.insights.period import Period
from matcher.insights.repository import InsightsRepository
from matcher.insights.schemas import (
    DemandRead,
    ExpertRead,
    LabelRead,
    OfferRead,
    PeriodRead,
    SpreadRead,
    SuggestionRead,
    SuggestionsRead,
    SupplyRead,
    TopicRead,
    UnitExpertsRead,
)
from matcher.insights.store import TopicStore, TopicView
from profiles.models import as_utc

METHOD = (
    "spherical k-means over stored request vectors (k by silhouette), cached per process and extended "
    "incrementally; labels are the nearest declared offers of visible employees"
)


@dataclass(frozen=True)
class InsightsRules:
    """Thresholds of insights (from `Settings`)."""

    min_group_size: int = 5
    well_rated: int = 4
    expert_min_engagements: int = 2
    unmet_share_to_suggest: float = 0.5
    revise_below_rating: float = 3.0
    revise_decline_share: float = 0.5


class InsightsService:
    """Aggregates over stored requests, engagements and offers, for the `insights` scope."""

    def __init__(self, store: TopicStore, centering: Callable[[], LanguageCentering], rules: InsightsRules) -> None:
        self.store = store
        self.centering = centering
        self.rules = rules
        self.repo = InsightsRepository()

    # -- demand -------------------------------------------------------------------------------
    def demand(self, session: Session, *, period: Period, unit: str | None = None) -> DemandRead:
        """Topics of the period's requests with volume, trend, strength, unmet demand and outcomes."""
        view = self.store.view(session, self.centering())
        labels = label_topics(view.model.centroids, view.offers, view.offer_vectors, view.offer_rows)
        current = self.repo.requests(session, period=period, unit=unit)
        previous = self.repo.requests(session, period=period.previous, unit=unit)
        before = Counter(t for t in (_topic(view, r.id) for r in previous) if t is not None)
        engagements: dict[str, list[Any]] = defaultdict(list)
        for e in self.repo.engagements(session, period=period, unit=unit):
            engagements[e.request_id].append(e)
        groups: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
        unclustered = 0
        for r in current:
            t = _topic(view, r.id)
            if t is None:
                unclustered += 1
            else:
                groups[t].append((r.id, r.best_strength))
        shown, hidden, hidden_requests = [], 0, 0
        for t, members in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            if len(members) < self.rules.min_group_size:
                hidden += 1
                hidden_requests += len(members)
                continue
            shown.append(self._topic_read(t, members, before[t], labels[t], engagements))
        return DemandRead(
            period=_period(period),
            previous_period=_period(period.previous),
            unit=unit,
            requests=len(current),
            unclustered=unclustered,
            topics=shown,
            hidden_topics=hidden,
            hidden_requests=hidden_requests,
            min_group_size=self.rules.min_group_size,
            method=METHOD,
        )

    def _topic_read(
        self,
        topic: int,
        members: list[tuple[str, str | None]],
        previous: int,
        label: Label,
        engagements: dict[str, list[Any]],
    ) -> TopicRead:
        known = [s for _, s in members if s is not None]
        rows = [e for rid, _ in members for e in engagements.get(rid, [])]
        accepted = [e for e in rows if e.accepted_at is not None]
        ratings = [int(e.score) for e in rows if e.score is not None]
        hours = [(as_utc(e.accepted_at) - as_utc(e.proposed_at)).total_seconds() / 3600 for e in accepted]
        unmet = sum(
            1
            for rid, s in members
            if s == "weak" or not any(e.accepted_at is not None for e in engagements.get(rid, []))
        )
        volume = len(members)
        return TopicRead(
            id=topic,
            label=LabelRead(fi=label.fi, en=label.en),
            offer_ids=list(label.offer_ids),
            volume=volume,
            previous_volume=previous,
            trend=(volume - previous) / previous if previous else None,
            strength_known=len(known),
            strong_share=sum(1 for s in known if s == "strong") / len(known) if known else None,
            unmet=unmet,
            unmet_share=unmet / volume,
            engagements=len(rows),
            acceptance_rate=len(accepted) / len(rows) if rows else None,
            ratings=len(ratings),
            mean_rating=statistics.fmean(ratings) if len(ratings) >= self.rules.min_group_size else None,
            median_hours_to_accept=statistics.median(hours) if hours else None,
        )

    # -- supply -------------------------------------------------------------------------------
    def supply(self, session: Session, *, period: Period, unit: str | None = None, limit: int = 50) -> SupplyRead:
        """How each offer fared in the period, unused offers, the spread of exposure and load, hidden experts."""
        view = self.store.view(session, self.centering())
        people = {e.id: e for e in self.repo.visible_employees(session)}
        results = [
            (r.request_id, r.employee_id) for r in self.repo.top_results(session, period=period, unit=unit, max_rank=3)
        ]
        results = [(rid, eid) for rid, eid in results if eid in people]
        engagements = [e for e in self.repo.engagements(session, period=period, unit=unit) if e.provider_id in people]
        best = _attribute(view, set(results) | {(e.request_id, int(e.provider_id)) for e in engagements})
        matched, chosen, declined = Counter[int](), Counter[int](), Counter[int]()
        scores: dict[int, list[int]] = defaultdict(list)
        for pair in results:
            if pair in best:
                matched[best[pair]] += 1
        for e in engagements:
            sid = best.get((e.request_id, int(e.provider_id)))
            if sid is None:
                continue
            chosen[sid] += 1
            declined[sid] += e.declined_at is not None
            if e.score is not None:
                scores[sid].append(int(e.score))
        reads = []
        for o in view.offers:
            p = people.get(o.employee_id)
            if p is None:
                continue
            rated = scores.get(o.id, [])
            reads.append(
                OfferRead(
                    statement_id=o.id,
                    external_id=p.external_id,
                    name=p.name,
                    unit=p.unit,
                    text=o.text,
                    matched_top3=matched[o.id],
                    chosen=chosen[o.id],
                    declined=declined[o.id],
                    rated=len(rated),
                    mean_rating=statistics.fmean(rated) if len(rated) >= self.rules.min_group_size else None,
                )
            )
        reads.sort(key=lambda r: (-r.matched_top3, -r.chosen, r.statement_id))
        unused = [r for r in reads if r.matched_top3 == 0]
        exposure = Counter(eid for _, eid in results)
        load = Counter(int(e.provider_id) for e in engagements if e.accepted_at is not None)
        spread = SpreadRead(
            providers=len(people),
            exposure_gini=gini([exposure[i] for i in people]),
            exposure_top10_share=top_share([exposure[i] for i in people]),
            load_gini=gini([load[i] for i in people]),
            load_top10_share=top_share([load[i] for i in people]),
        )
        return SupplyRead(
            period=_period(period),
            unit=unit,
            offers=reads[:limit],
            offers_total=len(reads),
            unused=unused[:limit],
            unused_total=len(unused),
            spread=spread,
            hidden_experts=self._experts(people, engagements),
            min_group_size=self.rules.min_group_size,
        )

    def _experts(self, people: dict[int, Any], engagements: Sequence[Any]) -> list[UnitExpertsRead]:
        good = Counter(
            int(e.provider_id)
            for e in engagements
            if e.status == "completed" and e.score is not None and e.score >= self.rules.well_rated
        )
        by_unit: dict[str, list[ExpertRead]] = defaultdict(list)
        for eid, n in good.items():
            p = people[eid]
            if n >= self.rules.expert_min_engagements and not p.supervisor:
                by_unit[p.unit].append(ExpertRead(external_id=p.external_id, name=p.name, well_rated=n))
        return [
            UnitExpertsRead(unit=u, experts=sorted(xs, key=lambda x: (-x.well_rated, x.external_id)))
            for u, xs in sorted(by_unit.items())
        ]

    # -- suggestions --------------------------------------------------------------------------
    def suggestions(
        self, session: Session, *, period: Period, unit: str | None = None, limit: int = 20
    ) -> SuggestionsRead:
        """Recruit or train for unmet topics, revise offers matched but declined or rated low, retire unused ones."""
        r = self.rules
        demand = self.demand(session, period=period, unit=unit)
        supply = self.supply(session, period=period, unit=unit, limit=10**9)
        out: list[SuggestionRead] = []
        for t in demand.topics:
            no_strong = not t.strong_share
            if t.unmet_share >= r.unmet_share_to_suggest and no_strong:
                out.append(
                    SuggestionRead(
                        kind="recruit_or_train",
                        label=t.label,
                        topic_id=t.id,
                        reason=LabelRead(
                            fi=f"{t.unmet}/{t.volume} pyyntöä jäi ilman vahvaa tai hyväksyttyä apua: "
                            "rekrytoi tai kouluta",
                            en=f"{t.unmet} of {t.volume} requests got no strong or accepted help: recruit or train",
                        ),
                    )
                )
        for o in supply.offers:
            if o.matched_top3 < r.min_group_size:
                continue
            declines = o.chosen >= r.min_group_size and o.declined / o.chosen >= r.revise_decline_share
            low = o.mean_rating is not None and o.mean_rating < r.revise_below_rating
            if declines or low:
                why_en = (
                    f"declined {o.declined} of {o.chosen} times"
                    if declines
                    else f"rated {o.mean_rating:.1f} on average"
                )
                why_fi = f"hylätty {o.declined}/{o.chosen} kertaa" if declines else f"keskiarvo {o.mean_rating:.1f}"
                out.append(
                    SuggestionRead(
                        kind="revise",
                        label=LabelRead(fi=o.text, en=o.text),
                        statement_id=o.statement_id,
                        reason=LabelRead(
                            fi=f"Löytyy usein ({o.matched_top3}), mutta {why_fi}: tarkenna tarjousta",
                            en=f"Often matched ({o.matched_top3}) but {why_en}: revise the offer",
                        ),
                    )
                )
        for o in supply.unused[:limit]:
            out.append(
                SuggestionRead(
                    kind="retire_or_reword",
                    label=LabelRead(fi=o.text, en=o.text),
                    statement_id=o.statement_id,
                    reason=LabelRead(
                        fi="Ei yhdessäkään kolmen parhaan joukossa jaksolla: poista tai muotoile uudelleen",
                        en="Never in a top 3 in the period: retire or reword",
                    ),
                )
            )
        return SuggestionsRead(period=demand.period, unit=unit, suggestions=out, min_group_size=r.min_group_size)


def _topic(view: TopicView, request_id: str) -> int | None:
    i = view.index.get(request_id)
    return None if i is None else int(view.topics[i])


def _attribute(view: TopicView, pairs: set[tuple[str, int]]) -> dict[tuple[str, int], int]:
    """For each (request, provider): the provider's offer nearest the request (the one it matched on)."""
    rows_of: dict[int, list[int]] = defaultdict(list)
    for j, row in enumerate(view.offer_rows):
        rows_of[view.offers[row].employee_id].append(j)
    wanted: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for rid, eid in pairs:
        i = view.index.get(rid)
        if i is not None and eid in rows_of:
            wanted[eid].append((rid, i))
    out: dict[tuple[str, int], int] = {}
    for eid, items in wanted.items():
        cols = rows_of[eid]
        sims = view.vectors[[i for _, i in items]] @ view.offer_vectors[cols].T
        picks = np.argmax(sims, axis=1)
        for (rid, _), p in zip(items, picks, strict=True):
            out[(rid, eid)] = view.offers[view.offer_rows[cols[int(p)]]].id
    return out


def _period(p: Period) -> PeriodRead:
    return PeriodRead(since=p.since, until=p.until)
