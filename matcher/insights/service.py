"""Insights: demand by topic, supply per offer, and suggestions, under the privacy rules.

Rules kept here: groups (topics, ratings behind a mean) smaller than the minimum are hidden;
hidden employees never appear (their offers are not read, they are in no list or spread); no
request text is read at all, labels come from offers (`labels`).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from embeddings.language import LanguageCentering
from matcher.insights.distribution import gini, lorenz, top_share
from matcher.insights.labels import Label, label_topics
from matcher.insights.offers import OfferTable, VectorSource
from matcher.insights.outcomes import STATUS
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
from matcher.insights.topics import TopicModel

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

    def __init__(
        self,
        store: TopicStore,
        centering: Callable[[], LanguageCentering],
        index: Callable[[], VectorSource],
        rules: InsightsRules,
    ) -> None:
        self.store = store
        self.centering = centering
        self.index = index  # the current snapshot's vector index: the offers' vectors
        self._labels_lock = threading.Lock()
        self._labels: tuple[TopicModel, OfferTable, list[Label]] | None = None
        self.rules = rules
        self.repo = InsightsRepository()

    def _facts(self, session: Session, period: Period, unit: str | None) -> _Facts:
        """What one call reads once: the store's view, the visible people, and the period's masks."""
        view = self.store.view(session, self.index())
        people = {e.id: e for e in self.repo.visible_employees(session)}
        if unit is None:
            scope = np.ones(len(view.topics), bool)
        else:
            units = self.repo.units(session)
            in_unit = np.array([units.get(r) == unit for r in view.requesters] + [False], dtype=bool)
            scope = in_unit[view.requester]  # code -1 (no requester) reads the trailing False
        now = view.rows_between(period.since, period.until) & scope
        before = view.rows_between(period.previous.since, period.previous.until) & scope
        o = view.outcomes
        held = o.request_row >= 0
        # Engagements of the period's requests whose provider is visible (hidden ones never count).
        visible = np.zeros(max(max(people, default=0), int(o.provider.max(initial=0))) + 1, bool)
        visible[list(people)] = True
        in_period = held & now[np.where(held, o.request_row, 0)]
        return _Facts(view, people, now, before, in_period, in_period & (o.provider >= 0) & visible[o.provider])

    def warm(self, session: Session) -> int:
        """Bring the store up to date (read new requests, fit or refit topics when due), so the
        next call only aggregates. Returns how many requests the store holds."""
        view = self.store.view(session, self.index())
        self.labels(session, view)
        return len(view.index)

    def labels(self, session: Session, view: TopicView) -> list[Label]:
        """The topics' labels, computed once per topic fit and offer table: at 100,000 people
        they compare the centroids with 500,000 offer vectors (about 2.5 s here)."""
        with self._labels_lock:
            held = self._labels
        if held is not None and held[0] is view.model and held[1] is view.offers:
            return held[2]
        texts = partial(self.repo.offer_texts, session)
        labels = label_topics(view.model.label_centroids, view.offers, self.index(), texts)
        with self._labels_lock:
            self._labels = (view.model, view.offers, labels)
        return labels

    # -- demand -------------------------------------------------------------------------------
    def demand(self, session: Session, *, period: Period, unit: str | None = None) -> DemandRead:
        """Topics of the period's requests with volume, trend, strength, unmet demand and outcomes."""
        return self._demand(session, self._facts(session, period, unit), period, unit)

    def _demand(self, session: Session, f: _Facts, period: Period, unit: str | None) -> DemandRead:
        view, o = f.view, f.view.outcomes
        labels = self.labels(session, view)
        k = max(view.model.k, 1)
        topics = view.topics
        volume = np.bincount(topics[f.now], minlength=k)
        previous = np.bincount(topics[f.before], minlength=k)
        bands = view.strength
        known = np.bincount(topics[f.now & (bands > 0)], minlength=k)
        strong = np.bincount(topics[f.now & (bands == 1)], minlength=k)
        # Demand counts every engagement (a provider hidden since is in no list, only in these sums).
        rows = o.request_row[f.in_period]
        accepted = o.accepted[f.in_period]
        helped = np.zeros(len(topics), bool)
        helped[rows[accepted]] = True
        unmet = np.bincount(topics[f.now & ((bands == 3) | ~helped)], minlength=k)
        eng_topic = topics[rows]
        engagements = np.bincount(eng_topic, minlength=k)
        accepts = np.bincount(eng_topic, weights=accepted, minlength=k)
        scores = o.score[f.in_period].astype(np.float64)
        rated = scores > 0
        ratings = np.bincount(eng_topic[rated], minlength=k)
        rating_sum = np.bincount(eng_topic[rated], weights=scores[rated], minlength=k)
        hours = o.hours[f.in_period]
        total = self.repo.request_count(session, period=period) if unit is None else int(f.now.sum())
        shown, hidden, hidden_requests = [], 0, 0
        for t in (int(t) for t in np.argsort(-volume, kind="stable")):
            v, p = int(volume[t]), int(previous[t])
            if v == 0:
                continue
            if v < self.rules.min_group_size:
                hidden += 1
                hidden_requests += v
                continue
            waited = hours[(eng_topic == t) & accepted]
            n_eng, n_rated = int(engagements[t]), int(ratings[t])
            shown.append(
                TopicRead(
                    id=t,
                    label=LabelRead(fi=labels[t].fi, en=labels[t].en),
                    offer_ids=list(labels[t].offer_ids),
                    volume=v,
                    previous_volume=p,
                    trend=(v - p) / p if p else None,
                    strength_known=int(known[t]),
                    strong_share=float(strong[t] / known[t]) if known[t] else None,
                    unmet=int(unmet[t]),
                    unmet_share=float(unmet[t] / v),
                    engagements=n_eng,
                    acceptance_rate=float(accepts[t] / n_eng) if n_eng else None,
                    ratings=n_rated,
                    mean_rating=float(rating_sum[t] / n_rated) if n_rated >= self.rules.min_group_size else None,
                    median_hours_to_accept=float(np.median(waited)) if len(waited) else None,
                )
            )
        return DemandRead(
            period=_period(period),
            previous_period=_period(period.previous),
            unit=unit,
            requests=total,
            unclustered=max(total - int(f.now.sum()), 0),
            topics=shown,
            hidden_topics=hidden,
            hidden_requests=hidden_requests,
            min_group_size=self.rules.min_group_size,
            method=METHOD,
        )

    # -- supply -------------------------------------------------------------------------------
    def supply(self, session: Session, *, period: Period, unit: str | None = None, limit: int = 50) -> SupplyRead:
        """How each offer fared in the period, unused offers, the spread of exposure and load, hidden experts."""
        return self._supply(session, self._facts(session, period, unit), period, unit, limit, limit)

    def _supply(
        self, session: Session, f: _Facts, period: Period, unit: str | None, limit: int | None, unused_limit: int
    ) -> SupplyRead:
        """`limit` None: only the offers a revise suggestion would name (for suggestions)."""
        view, people, o = f.view, f.people, f.view.outcomes
        offers = view.top_offer[f.now].ravel()
        top = view.top_employee[f.now].ravel()
        table = view.offers
        size = int(table.ids.max(initial=0)) + 1
        # Counted with bincount over ids: 100,000 requests hold 300,000 (request, provider) pairs.
        matched = np.bincount(offers[offers >= 0], minlength=size)
        # The offer each engagement's provider matched on (when they were in the request's top 3).
        rows, providers = o.request_row[f.engaged], o.provider[f.engaged]
        hit = view.top_employee[rows] == providers[:, None]
        picked = view.top_offer[rows, hit.argmax(axis=1)]
        on_offer = hit.any(axis=1) & (picked >= 0)
        sid = picked[on_offer]
        chosen = np.bincount(sid, minlength=size)
        declined = np.bincount(sid, weights=o.declined[f.engaged][on_offer], minlength=size)
        scores = o.score[f.engaged][on_offer].astype(np.float64)
        rated = np.bincount(sid[scores > 0], minlength=size)
        rating_sum = np.bincount(sid[scores > 0], weights=scores[scores > 0], minlength=size)

        # Offers of the people visible now, best matched first (then most chosen, then by id).
        ids = table.ids[np.isin(table.employees, np.fromiter(people, np.int64, len(people)))]
        ranked = ids[np.lexsort((ids, -chosen[ids], -matched[ids]))]
        if limit is None:
            # Only the offers a "revise" suggestion can name: matched often, then declined or rated low.
            r = self.rules
            often = matched >= r.min_group_size
            declines = (chosen >= r.min_group_size) & (declined >= r.revise_decline_share * np.maximum(chosen, 1))
            low = (rated >= r.min_group_size) & (rating_sum < r.revise_below_rating * np.maximum(rated, 1))
            revisable = often & (declines | low)
            ranked = ranked[revisable[ranked]]
        else:
            ranked = ranked[:limit]
        unused = ids[matched[ids] == 0]
        shown_unused = unused[:unused_limit]
        text = self.repo.offer_texts(session, np.concatenate([ranked, shown_unused]).tolist())

        def read(sid: int) -> OfferRead:
            owner = int(table.employees[np.searchsorted(table.ids, sid)])  # ids are ascending
            p, n = people[owner], int(rated[sid])
            return OfferRead(
                statement_id=sid,
                external_id=p.external_id,
                name=p.name,
                unit=p.unit,
                text=text.get(sid, ""),
                matched_top3=int(matched[sid]),
                chosen=int(chosen[sid]),
                declined=int(declined[sid]),
                rated=n,
                mean_rating=float(rating_sum[sid] / n) if n >= self.rules.min_group_size else None,
            )

        ids_people = np.array(sorted(people), dtype=np.int64)
        span = int(max(ids_people.max(initial=0), providers.max(initial=0), top.max(initial=0))) + 1
        exposure = np.bincount(top[top >= 0], minlength=span)[ids_people]
        load = np.bincount(providers[o.accepted[f.engaged]], minlength=span)[ids_people]
        good = (o.status[f.engaged] == STATUS["completed"]) & (o.score[f.engaged] >= self.rules.well_rated)
        well_rated = np.bincount(providers[good], minlength=span)
        spread = SpreadRead(
            providers=len(people),
            exposure_gini=gini(exposure.tolist()),
            exposure_top10_share=top_share(exposure.tolist()),
            load_gini=gini(load.tolist()),
            load_top10_share=top_share(load.tolist()),
            load_lorenz=lorenz(load.tolist()) if len(people) >= self.rules.min_group_size else None,
        )
        return SupplyRead(
            period=_period(period),
            unit=unit,
            offers=[read(sid) for sid in ranked.tolist()],
            offers_total=len(ids),
            unused=[read(sid) for sid in shown_unused.tolist()],
            unused_total=len(unused),
            spread=spread,
            hidden_experts=self._experts(people, well_rated),
            min_group_size=self.rules.min_group_size,
        )

    def _experts(self, people: dict[int, Any], well_rated: npt.NDArray[np.int64]) -> list[UnitExpertsRead]:
        by_unit: dict[str, list[ExpertRead]] = defaultdict(list)
        for eid in np.flatnonzero(well_rated >= self.rules.expert_min_engagements).tolist():
            p = people.get(eid)
            if p is not None and not p.supervisor:
                n = int(well_rated[eid])
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
        facts = self._facts(session, period, unit)
        demand = self._demand(session, facts, period, unit)
        supply = self._supply(session, facts, period, unit, None, limit)
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


@dataclass(frozen=True)
class _Facts:
    view: TopicView
    people: dict[int, Any]
    now: npt.NDArray[np.bool_]  # requests of the period (and unit)
    before: npt.NDArray[np.bool_]  # requests of the previous period
    in_period: npt.NDArray[np.bool_]  # engagements of the period's requests
    engaged: npt.NDArray[np.bool_]  # ... whose provider is visible


def _period(p: Period) -> PeriodRead:
    return PeriodRead(since=p.since, until=p.until)
