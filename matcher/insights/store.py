"""The per-process store of request facts, vectors and topics, kept up to date incrementally.

An insights call must answer in well under 2 s over 100,000 stored requests, and reading that
many rows (and their top-3 results) from the database alone takes longer. So each process keeps
what never changes once a request is stored — when it was filed, by whom, its best-match band,
its vector, its top-3 providers and the offer each of them matched on — and each call reads only
requests filed since the newest one it holds. Topics are refitted when the number of vectors has
grown by `refit_growth` since the last fit; requests in between join the nearest topic. The offer
a provider matched on is decided when the request enters the store, against the offers of that
moment. When vectors disappear from the database (the retention purge, an erasure) the store
starts over, so a purged vector never outlives its row here for long.

Topics are fitted in the request likeness the feedback loop learnt from outcomes, when `likeness`
offers one (`topics.py`): refitted when the rating count it was learnt at has grown by
`refit_growth` (or fell: ratings were erased), and at every refit for growth in the requests, which
takes the newest. Each process learns it from the database as its ranking does, so processes agree
up to the ratings filed between their fits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from matcher.insights.offers import OfferTable, VectorSource, build_offer_table
from matcher.insights.outcomes import Outcomes, OutcomeStore
from matcher.insights.repository import InsightsRepository
from matcher.insights.topics import TopicModel, Vectors, fit_topics
from profiles.models import as_utc

logger = logging.getLogger(__name__)

Ints = npt.NDArray[np.int32]
# best_strength as a small code: 0 unknown (NULL), then the bands.
STRENGTHS = {"strong": 1, "fair": 2, "weak": 3}
TOP = 3
# The profile preview compares a draft with the third-best other person: one rank beyond the top 3
# is kept, so the employee's own result can be left out and three others still remain.
RANKS = TOP + 1
Floats = npt.NDArray[np.float32]
# Offers are re-read for employees updated this long before the newest update last seen.
CHANGE_SLACK = timedelta(seconds=60)
# More changed employees than this share of all: read every offer again instead.
FULL_READ_SHARE = 0.2
# Providers whose offer vectors are fetched from the index in one call (about 20,000 vectors).
PROVIDERS_PER_FETCH = 4_000
# The learnt request likeness: (the rating count it was fitted at, its transform or None).
Likeness = Callable[[Session], tuple[int, npt.NDArray[np.floating[Any]] | None]]


@dataclass(frozen=True)
class TopicView:
    """What one call reads (never changed after it is handed out)."""

    index: dict[str, int]
    created: npt.NDArray[np.float64]
    requester: Ints
    requesters: list[str]
    strength: npt.NDArray[np.int8]
    top_employee: Ints
    top_offer: Ints
    ranked: Ints  # (n, RANKS) employees at ranks 1..RANKS, -1 where none
    relevance: Floats  # (n, RANKS) their relevance components, NaN where none
    vectors: Floats
    topics: Ints
    model: TopicModel
    offers: OfferTable
    outcomes: Outcomes

    def rows_between(self, since: datetime, until: datetime) -> npt.NDArray[np.bool_]:
        """A mask of the requests filed in [since, until)."""
        return (self.created >= since.timestamp()) & (self.created < until.timestamp())


class TopicStore:
    """Request facts, vectors and topic assignments of one model, and the offers, cached in this process."""

    def __init__(
        self,
        *,
        model_id: str,
        dimension: int,
        min_size: int,
        refit_growth: float = 0.25,
        recount_seconds: float = 300.0,
        likeness: Likeness | None = None,
    ) -> None:
        self.model_id = model_id
        self.likeness = likeness
        self.recount_seconds = recount_seconds
        self.dimension = dimension
        self.min_size = min_size
        self.refit_growth = refit_growth
        self.repo = InsightsRepository()
        self._lock = threading.Lock()
        self._offers = OfferTable.empty()
        self._offer_marker: tuple[int, datetime | None] | None = None
        self._employee_ids = np.zeros(0, np.int64)  # every employee when the offers were read
        self._outcomes = OutcomeStore()
        self._reset()

    def _reset(self) -> None:
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._requesters: list[str] = []
        self._requester_codes: dict[str, int] = {}
        self._created = np.zeros(0, np.float64)
        self._requester = np.zeros(0, np.int32)
        self._strength = np.zeros(0, np.int8)
        self._top_employee = np.zeros((0, TOP), np.int32)
        self._top_offer = np.zeros((0, TOP), np.int32)
        self._ranked = np.zeros((0, RANKS), np.int32)
        self._relevance = np.zeros((0, RANKS), np.float32)
        self._buffer: Vectors = np.zeros((0, self.dimension), np.float32)
        self._vectors: Vectors = self._buffer
        self._topics: Ints = np.zeros(0, np.int32)
        self._newest: datetime | None = None
        self._model: TopicModel | None = None
        self._fitted_at = 0
        self._likeness_at = -1  # the rating count of the transform the topics were fitted in (-1: none)
        self._counted_at = time.monotonic()
        self._outcomes.reset()

    def view(self, session: Session, source: VectorSource) -> TopicView:
        """The store brought up to date with the database, as an unchanging view; `source` holds
        the offers' vectors (the vector index of the current snapshot)."""
        with self._lock:
            self._refresh_offers(session)
            self._refresh_requests(session, source)
            outcomes = self._outcomes.refresh(session, self._index)
            assert self._model is not None
            return TopicView(
                index=self._index.copy(),
                created=self._created,
                requester=self._requester,
                requesters=list(self._requesters),
                strength=self._strength,
                top_employee=self._top_employee,
                top_offer=self._top_offer,
                ranked=self._ranked,
                relevance=self._relevance,
                vectors=self._vectors,
                topics=self._topics,
                model=self._model,
                offers=self._offers,
                outcomes=outcomes,
            )

    def _refresh_requests(self, session: Session, source: VectorSource) -> None:
        started = time.perf_counter()
        if self._vectors_purged(session):
            self._reset()
        # Rows filed in the same instant as the newest one held are read again and skipped by id.
        since = self._newest - timedelta(seconds=1) if self._newest is not None else None
        rows = [
            r
            for r in self.repo.vectors_from(session, model_id=self.model_id, since=since)
            if r.id not in self._index and len(r.embedding) == 4 * self.dimension
        ]
        if rows:
            results = self.repo.results_from(session, model_id=self.model_id, since=since, max_rank=RANKS)
            self._add(rows, results, source)
        n = len(self._ids)
        ratings, transform = self._learnt(session)
        if self._model is None or n > self._fitted_at * (1 + self.refit_growth) or self._relearnt(ratings, transform):
            self._model = fit_topics(self._vectors, min_size=self.min_size, transform=transform)
            self._topics = self._model.assign(self._vectors)
            self._fitted_at = n
            self._likeness_at = ratings if transform is not None else -1
            logger.info(
                "insights_topics_fitted requests=%d topics=%d silhouette=%.3f learnt=%s seconds=%.2f",
                n, self._model.k, self._model.silhouette, transform is not None, time.perf_counter() - started,
            )  # fmt: skip
        elif rows:
            self._topics = np.concatenate([self._topics, self._model.assign(self._vectors[-len(rows) :])])

    def _learnt(self, session: Session) -> tuple[int, Floats | None]:
        """The learnt likeness, if there is one in this store's space."""
        if self.likeness is None:
            return -1, None
        ratings, transform = self.likeness(session)
        if transform is None or transform.shape != (self.dimension, self.dimension):
            return -1, None  # nothing learnt, or learnt in another model's space
        return ratings, np.asarray(transform, dtype=np.float32)

    def _relearnt(self, ratings: int, transform: Floats | None) -> bool:
        """Whether the likeness changed enough since the topics were fitted to fit them again."""
        held = self._model.transform if self._model is not None else None
        if (transform is None) != (held is None):
            return True
        at = self._likeness_at
        return transform is not None and not at <= ratings <= at * (1 + self.refit_growth)

    def _vectors_purged(self, session: Session) -> bool:
        """True when vectors the store holds are gone from the database.

        The retention purge removes the oldest first: a point lookup of the oldest held request
        sees it at once. Other removals (a requester's erasure) are found by a full count, which
        reads every row, so it runs at most every `recount_seconds`.
        """
        if not self._ids:
            return False
        if not self.repo.has_vector(session, request_id=self._ids[0]):
            return True
        if time.monotonic() - self._counted_at < self.recount_seconds:
            return False
        self._counted_at = time.monotonic()
        return self.repo.vector_count(session, model_id=self.model_id) < len(self._ids)

    def _add(self, rows: Sequence[Any], results: Sequence[Any], source: VectorSource) -> None:
        start = len(self._ids)
        for i, r in enumerate(rows):
            self._index[r.id] = start + i
            self._ids.append(r.id)
        vectors = np.stack([np.frombuffer(r.embedding, dtype=np.float32) for r in rows])
        self._append_vectors(vectors)
        created = np.array([as_utc(r.created_at).timestamp() for r in rows])
        self._newest = max(self._newest or as_utc(rows[-1].created_at), as_utc(rows[-1].created_at))
        self._created = np.concatenate([self._created, created])
        codes = np.array([self._code(r.requester_id) for r in rows], dtype=np.int32)
        self._requester = np.concatenate([self._requester, codes])
        bands = np.array([STRENGTHS.get(r.best_strength or "", 0) for r in rows], dtype=np.int8)
        self._strength = np.concatenate([self._strength, bands])
        ranked = np.full((len(rows), RANKS), -1, np.int32)
        relevance = np.full((len(rows), RANKS), np.nan, np.float32)
        for res in results:
            i = self._index.get(res.request_id, -1)
            if i >= start:
                ranked[i - start, res.rank - 1] = res.employee_id
                if res.relevance is not None:
                    relevance[i - start, res.rank - 1] = res.relevance
        top = ranked[:, :TOP]
        self._ranked = np.concatenate([self._ranked, ranked])
        self._relevance = np.concatenate([self._relevance, relevance])
        self._top_employee = np.concatenate([self._top_employee, top])
        self._top_offer = np.concatenate([self._top_offer, self._matched_offers(vectors, top, source)])

    def _code(self, requester: str | None) -> int:
        if requester is None:
            return -1
        code = self._requester_codes.get(requester)
        if code is None:
            code = self._requester_codes[requester] = len(self._requesters)
            self._requesters.append(requester)
        return code

    def _append_vectors(self, rows: Vectors) -> None:
        # Grown by doubling, so a call that brings a few new requests copies little.
        n = len(self._vectors)
        if n + len(rows) > len(self._buffer):
            bigger = np.zeros((max(2 * len(self._buffer), n + len(rows), 1024), self.dimension), np.float32)
            bigger[:n] = self._buffer[:n]
            self._buffer = bigger
        self._buffer[n : n + len(rows)] = rows
        self._vectors = self._buffer[: n + len(rows)]

    def _matched_offers(self, vectors: Vectors, top: Ints, source: VectorSource) -> Ints:
        """For each (request, top-3 provider): the provider's offer nearest the request, or -1.

        The providers' offer vectors come from the index a group of providers at a time (one
        call each, a few MB), not one call per provider.
        """
        out = np.full(top.shape, -1, np.int32)
        offers = self._offers
        if len(offers) == 0:
            return out
        order = np.argsort(offers.employees, kind="stable")
        emp_sorted = offers.employees[order]
        req, col = np.nonzero(top >= 0)
        emps = top[req, col].astype(np.int64)
        pair_order = np.argsort(emps, kind="stable")
        req, col, emps = req[pair_order], col[pair_order], emps[pair_order]
        providers = np.unique(emps)
        for g in range(0, len(providers), PROVIDERS_PER_FETCH):
            group = providers[g : g + PROVIDERS_PER_FETCH]
            # The group's offers (by owner: `emp_sorted` is sorted) and their vectors.
            cols = order[np.isin(emp_sorted, group)]
            held, rows = source.vectors(offers.ids[cols])
            cols, owner = cols[held], offers.employees[cols[held]]
            p_lo, p_hi = np.searchsorted(emps, group[0]), np.searchsorted(emps, group[-1], side="right")
            for block in np.split(np.arange(p_lo, p_hi), np.flatnonzero(np.diff(emps[p_lo:p_hi])) + 1):
                if len(block) == 0:
                    continue
                e = emps[block[0]]
                m_lo, m_hi = np.searchsorted(owner, e), np.searchsorted(owner, e, side="right")  # owner is sorted
                if m_lo == m_hi:
                    continue
                sims = vectors[req[block]] @ rows[m_lo:m_hi].T
                out[req[block], col[block]] = offers.ids[cols[m_lo + np.argmax(sims, axis=1)]].astype(np.int32)
        return out

    def _refresh_offers(self, session: Session) -> None:
        """Re-read the offers of the employees changed since the last read, or all of them.

        A profile edit at 100,000 people would otherwise re-read 500,000 offers (4–7 s here).
        Employees updated from `CHANGE_SLACK` before the newest update seen are re-read (a change
        committed a little late, or stamped by another process's clock, is not missed); the ids
        gone since then were erased and leave the table; a change this broad reads everything.
        """
        marker = self.repo.change_marker(session)
        if marker == self._offer_marker:
            return
        seen, self._offer_marker = self._offer_marker, marker
        newest = seen[1] if seen is not None else None
        before, self._employee_ids = self._employee_ids, self.repo.employee_ids(session)
        if newest is not None and len(self._offers):
            changed = self.repo.employees_updated_since(session, newest - CHANGE_SLACK)
            gone = np.setdiff1d(before, self._employee_ids, assume_unique=True)
            if len(changed) + len(gone) <= FULL_READ_SHARE * len(self._employee_ids):
                fresh = build_offer_table(self.repo.offer_rows(session, employees=changed))
                moved = np.concatenate([np.asarray(changed, np.int64), gone])
                self._offers = self._offers.replacing(moved, fresh)
                return
        self._offers = build_offer_table(self.repo.offer_rows(session))
