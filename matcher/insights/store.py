"""The per-process store of request vectors and their topics, kept up to date incrementally.

An insights call must answer in well under 2 s over 100,000 stored requests, and decoding that
many vectors from the database alone takes longer. So each process keeps the vectors it has read
and, on each call, reads only requests filed since the newest one it holds. Topics are refitted
when the number of vectors has grown by `refit_growth` since the last fit; new requests in
between are assigned to the nearest existing topic. Offers (declared statements) are re-read
when any profile changed. When vectors disappear from the database (the retention purge, an
erasure) the store starts over, so a purged vector never outlives its row here for long.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from embeddings.language import LanguageCentering
from matcher.insights.repository import InsightsRepository, Offer
from matcher.insights.topics import TopicModel, Vectors, fit_topics
from profiles.models import as_utc

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicView:
    """What one call reads: request ids with their topics and vectors, the model, and the offers."""

    index: dict[str, int]
    topics: npt.NDArray[np.int32]
    vectors: Vectors
    model: TopicModel
    offers: list[Offer]
    offer_vectors: Vectors
    offer_rows: list[int]


class TopicStore:
    """Request vectors, topic assignments and offer vectors of one model, cached in this process."""

    def __init__(self, *, model_id: str, dimension: int, min_size: int, refit_growth: float = 0.25) -> None:
        self.model_id = model_id
        self.dimension = dimension
        self.min_size = min_size
        self.refit_growth = refit_growth
        self.repo = InsightsRepository()
        self._lock = threading.Lock()
        self._reset()
        self._offers: list[Offer] = []
        self._offer_vectors: Vectors = np.zeros((0, dimension), np.float32)
        self._offer_rows: list[int] = []
        self._offer_marker: tuple[int, datetime | None] | None = None

    def _reset(self) -> None:
        self._ids: list[str] = []
        self._index: dict[str, int] = {}
        self._buffer: Vectors = np.zeros((0, self.dimension), np.float32)
        self._vectors: Vectors = np.zeros((0, self.dimension), np.float32)
        self._topics: npt.NDArray[np.int32] = np.zeros(0, np.int32)
        self._newest: datetime | None = None
        self._model: TopicModel | None = None
        self._fitted_at = 0

    def view(self, session: Session, centering: LanguageCentering) -> TopicView:
        """The store brought up to date with the database, as an unchanging view."""
        with self._lock:
            self._refresh_requests(session)
            self._refresh_offers(session, centering)
            assert self._model is not None
            return TopicView(
                dict(self._index),
                self._topics,
                self._vectors,
                self._model,
                self._offers,
                self._offer_vectors,
                self._offer_rows,
            )

    def _refresh_requests(self, session: Session) -> None:
        started = time.perf_counter()
        if self.repo.vector_count(session, model_id=self.model_id) < len(self._ids):
            self._reset()
        # Rows filed in the same instant as the newest one held are read again and skipped by id.
        since = self._newest - timedelta(seconds=1) if self._newest is not None else None
        new_ids: list[str] = []
        new_vecs: list[Vectors] = []
        for row in self.repo.vectors_from(session, model_id=self.model_id, since=since):
            rid, created, blob = row.id, row.created_at, row.embedding
            if rid in self._index or len(blob) != 4 * self.dimension:
                continue
            self._index[rid] = len(self._ids) + len(new_ids)
            new_ids.append(rid)
            new_vecs.append(np.frombuffer(blob, dtype=np.float32))
            moment = as_utc(created)
            self._newest = moment if self._newest is None or moment > self._newest else self._newest
        if new_ids:
            self._append(np.stack(new_vecs))
            self._ids.extend(new_ids)
        n = len(self._ids)
        if self._model is None or n > self._fitted_at * (1 + self.refit_growth):
            self._model = fit_topics(self._vectors, min_size=self.min_size)
            self._topics = self._model.assign(self._vectors)
            self._fitted_at = n
            logger.info(
                "insights_topics_fitted requests=%d topics=%d silhouette=%.3f seconds=%.2f",
                n, self._model.k, self._model.silhouette, time.perf_counter() - started,
            )  # fmt: skip
        elif new_ids:
            self._topics = np.concatenate([self._topics, self._model.assign(self._vectors[-len(new_ids) :])])

    def _append(self, rows: Vectors) -> None:
        # Grown by doubling, so a call that brings a few new requests copies nothing.
        n = len(self._ids)
        if n + len(rows) > len(self._buffer):
            bigger = np.zeros((max(2 * len(self._buffer), n + len(rows), 1024), self.dimension), np.float32)
            bigger[:n] = self._buffer[:n]
            self._buffer = bigger
        self._buffer[n : n + len(rows)] = rows
        self._vectors = self._buffer[: n + len(rows)]

    def _refresh_offers(self, session: Session, centering: LanguageCentering) -> None:
        marker = self.repo.change_marker(session)
        if marker == self._offer_marker:
            return
        offers = self.repo.offers(session, model_id=self.model_id)
        rows = [i for i, o in enumerate(offers) if o.embedding is not None and len(o.embedding) == 4 * self.dimension]
        if rows:
            raw = np.stack([np.frombuffer(offers[i].embedding or b"", dtype=np.float32) for i in rows])
            # The same language correction the index applies, so offers and requests share one space.
            vectors = np.asarray(centering.apply(raw, [offers[i].language for i in rows]), dtype=np.float32)
        else:
            vectors = np.zeros((0, self.dimension), np.float32)
        self._offers, self._offer_vectors, self._offer_rows, self._offer_marker = offers, vectors, rows, marker
