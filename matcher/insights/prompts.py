"""Demand prompts: recent demand near an employee's own strengths that found no good help.

Ranking alone cannot find a competent person whose profile says little: on the demo
organisation most hidden experts have dozens of equally related colleagues above them, and
nothing in the text tells them apart (`benchmarks/hidden_depth.py`). Only the person knows. So
Velho tells each employee, in their own view, where recent requests by others went without
well-rated help although one of their statements is related to them (at least
`insights_prompt_share`, 0.3, of the request's best relevance, and never below the ranking's
`related_share`), they were not among its top results, and their profile as it stands would
still not put them there; and the topic's requests relate to their statements more than their
average recent request does. If they can help, they say so in their profile; ranking finds them
from then on, and the prompt is gone.

A request counts as well served when a rating reached `well_rated`, or when someone accepted
it, its help is not rated yet and its best match was not weak; every other request counts. As
in the preview only counts per topic leave, labelled from employees' public offers, and a topic
below the minimum group is hidden: a prompt never shows a request's text or who filed it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder
from matcher.insights.outcomes import Outcomes
from matcher.insights.period import Period
from matcher.insights.recent import kth_best, score_recent
from matcher.insights.schemas import LabelRead, PeriodRead, PromptRead, PromptsRead
from matcher.insights.service import InsightsService
from matcher.insights.store import STRENGTHS, TOP
from matcher.matching.weights import RankingWeights
from profiles.errors import ProfileNotFound
from profiles.models import StatementKind
from profiles.repository import ProfileRepository

METHOD = (
    "the employee's declared statements scored against the last 30 days' requests by others with the "
    "ranking's relevance aggregation; a request counts when it was not well served (no rating at the "
    "well-rated score, and rated low, not accepted, or accepted on a weak best match), the employee was "
    "not in its stored top 3 and would still not enter it (their relevance at most the third-best other "
    "result's), and their relevance is at least the prompt share of the request's best relevance; a topic "
    "counts only when its requests relate to the statements more than the employee's average request"
)
MAX_PROMPTS = 3


def related_but_unshown(
    relevance: npt.NDArray[np.float64],
    best: npt.NDArray[np.float64],
    kth: npt.NDArray[np.float64],
    shown: npt.NDArray[np.bool_],
    *,
    share: float,
) -> npt.NDArray[np.bool_]:
    """Requests where a person is related (≥ `share` × the best relevance) but was not shown and
    would still not be: their relevance is at most `kth`, the k-th best other result's.

    NaN in `best` or `kth` (a request that returned fewer than k others) never counts: the
    profile as it stands would be shown there.
    """
    with np.errstate(invalid="ignore"):
        out: npt.NDArray[np.bool_] = (relevance >= share * best) & (relevance <= kth) & (relevance > 0) & ~shown
    return out


def not_well_served(
    strength: npt.NDArray[np.int8], outcomes: Outcomes, n: int, well_rated: int
) -> npt.NDArray[np.bool_]:
    """Per stored request: not well served, i.e. no rating reached `well_rated`, and it was either
    rated low, never accepted, or accepted while its best match was weak."""
    rows = outcomes.request_row
    held = rows >= 0
    accepted = np.zeros(n, bool)
    accepted[rows[held & outcomes.accepted]] = True
    rated = np.zeros(n, bool)
    rated[rows[held & (outcomes.score > 0)]] = True
    good = np.zeros(n, bool)
    good[rows[held & (outcomes.score >= well_rated)]] = True
    served = good | (accepted & ~rated & (strength != STRENGTHS["weak"]))
    out: npt.NDArray[np.bool_] = ~served
    return out


class DemandPrompts:
    """Where an employee's saved strengths sit near demand that went without good help."""

    def __init__(
        self,
        encoder: Encoder,
        insights: InsightsService,
        weights: Callable[[], RankingWeights],
        share: Callable[[], float],
    ) -> None:
        self.encoder = encoder
        self.insights = insights
        self.weights = weights
        self.share = share  # of a request's best relevance, from which a statement relates to it
        self.profiles = ProfileRepository()

    def for_employee(self, session: Session, *, employee_id: str, k: int = TOP) -> PromptsRead:
        """The topics of recent unserved demand the employee's declared statements relate to.

        Args:
            employee_id: the signed-in employee (their own requests are left out).
            k: a request where the employee was within its top `k` does not count: they were shown.

        Returns:
            At most `MAX_PROMPTS` topics at or above the minimum group, most requests first, each
            naming the employee's own statement closest to them; none for a hidden profile.
        """
        employee = self.profiles.get_by_external_id(session, external_id=employee_id)
        if employee is None:
            raise ProfileNotFound(f"no employee {employee_id}")
        min_group = self.insights.rules.min_group_size
        declared = sorted(
            (s for s in employee.statements if s.kind == StatementKind.declared), key=lambda s: s.position
        )

        def answer(period: Period, prompts: list[PromptRead], hidden: int = 0, more: int = 0) -> PromptsRead:
            return PromptsRead(
                period=PeriodRead(since=period.since, until=period.until),
                prompts=prompts,
                hidden_topics=hidden,
                more_topics=more,
                min_group_size=min_group,
                method=METHOD,
            )

        if not declared or not employee.visible:
            return answer(Period.of(None, None), [])  # a hidden profile is found by nobody, whatever it says
        scored = score_recent(
            session, self.insights, self.encoder, self.weights(),
            external_id=employee_id, employee_id=employee.id, statements=declared,
        )  # fmt: skip
        view, rows, sims, relevance, others = scored.view, scored.rows, scored.sims, scored.relevance, scored.others
        if len(rows) == 0:
            return answer(scored.period, [])
        best = np.where(np.isnan(others).all(axis=1), np.nan, np.nanmax(np.nan_to_num(others, nan=-np.inf), axis=1))
        shown = (view.ranked[rows, :k] == employee.id).any(axis=1)
        unserved = not_well_served(view.strength, view.outcomes, len(view.topics), self.insights.rules.well_rated)
        kth = kth_best(others, k)
        hit = related_but_unshown(relevance, best, kth, shown, share=self.share()) & unserved[rows]

        labels = self.insights.labels(session, view)
        topics = view.topics[rows]
        # Topics that share a label (two clusters nearest the same offers) read as one to a person.
        named: dict[tuple[str, str], list[int]] = {}
        for t in np.unique(topics[hit]):
            named.setdefault((labels[int(t)].fi, labels[int(t)].en), []).append(int(t))
        # A topic whose requests relate to the statements no more than the employee's average request
        # does is not theirs: on e5 an Excel line sits at 0.30-0.38 on wound requests, as high as a
        # vague skin-care line, but far below its 0.66-0.90 on Excel requests.
        average = float(relevance.mean())
        groups = [
            (int(np.isin(topics[hit], ids).sum()), ids, name)
            for name, ids in named.items()
            if float(relevance[np.isin(topics, ids)].mean()) > average
        ]
        prompts: list[PromptRead] = []
        hidden = more = 0
        for n, ids, (fi, en) in sorted(groups, key=lambda g: (-g[0], g[1][0])):
            if n < min_group:
                hidden += 1
                continue
            if len(prompts) == MAX_PROMPTS:
                more += 1
                continue
            closest = declared[int(np.argmax(sims[hit & np.isin(topics, ids)].mean(axis=0)))]
            prompts.append(
                PromptRead(
                    topic_ids=ids,
                    label=LabelRead(fi=fi, en=en),
                    requests=n,
                    statement_id=closest.id,
                    statement=closest.text,
                    reason=LabelRead(
                        fi=f"{n} viimeaikaista pyyntöä tästä aiheesta jäi ilman hyvin arvioitua apua, ja "
                        f"vahvuutesi ”{closest.text}” liittyy niihin. Jos osaat auttaa tässä, kerro se "
                        "profiilissasi suoraan omin sanoin: silloin Velho löytää sinut.",
                        en=f"{n} recent requests on this topic got no well-rated help, and your strength "
                        f"“{closest.text}” is related to them. If you can help with this, say so plainly "
                        "in your profile, in your own words: then Velho can find you.",
                    ),
                )
            )
        return answer(scored.period, prompts, hidden, more)
