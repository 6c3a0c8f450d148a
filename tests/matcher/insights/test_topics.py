"""Topics fitted in the request likeness learnt from outcomes: the transform, its refits, its wiring."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from insights_org import EXCEL, Org, help_with

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.feedback import ranker as ranker_module
from matcher.insights import service as insights_service
from matcher.insights.labels import label_topics
from matcher.insights.store import TopicStore
from matcher.insights.topics import TopicModel, fit_topics, project
from matcher.matching.schemas import MatchCreate

DIM = 12
TOPIC, LANGUAGE = 0, 1  # the axes that tell two topics, and two languages, apart


def _requests(seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Unit requests of two topics × two languages, where the language sets them further apart than
    the topic (as e5 does with a Finnish and a Swedish request), and each topic is mostly asked in
    one language: (vectors, topic of each)."""
    rng = np.random.default_rng(seed)
    rows, topics = [], []
    for topic in (-1.0, 1.0):
        for language in (-1.0, 1.0):
            x = rng.normal(scale=0.08, size=(60 if topic == language else 20, DIM))
            x[:, TOPIC] += 0.25 * topic
            x[:, LANGUAGE] += 0.9 * language
            x[:, 2] += 1.0  # what every request shares
            rows.append(x)
            topics += [topic] * len(x)
    v = np.concatenate(rows).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True), np.array(topics)


def _shrinking_language(by: float = 0.05) -> np.ndarray:
    t = np.eye(DIM, dtype=np.float32)
    t[LANGUAGE, LANGUAGE] = by
    return t


def _purity(labels: np.ndarray, truth: np.ndarray) -> float:
    """The share of requests in a topic whose majority is their own true topic."""
    hits = 0
    for t in np.unique(labels):
        _, counts = np.unique(truth[labels == t], return_counts=True)
        hits += int(counts.max())
    return hits / len(truth)


class TestFitInALearntLikeness:
    def test_plain_topics_split_by_language_and_learnt_ones_by_topic(self) -> None:
        v, truth = _requests()
        plain = fit_topics(v, min_size=5)
        learnt = fit_topics(v, min_size=5, transform=_shrinking_language())
        assert plain.k == 2 and _purity(plain.assign(v), truth) == pytest.approx(0.75, abs=0.05)
        assert learnt.k == 2 and _purity(learnt.assign(v), truth) == 1.0
        assert learnt.transform is not None and plain.transform is None

    def test_labels_read_the_topics_centres_in_the_embedding_itself(self) -> None:
        v, truth = _requests()
        model = fit_topics(v, min_size=5, transform=_shrinking_language())
        topics = model.assign(v)
        for t in range(model.k):
            mean = v[topics == t].mean(axis=0)
            assert float(model.label_centroids[t] @ (mean / np.linalg.norm(mean))) > 0.999
            # The fitted centroid lives in the transformed space, where the language axis is nearly gone.
            assert float(model.centroids[t] @ (mean / np.linalg.norm(mean))) < 0.95

    def test_without_a_transform_nothing_changes(self) -> None:
        v, _ = _requests()
        plain = fit_topics(v, min_size=5)
        assert plain.label_centroids is plain.centroids and project(v, None) is v
        again = fit_topics(v, min_size=5, transform=None)
        assert np.array_equal(plain.centroids, again.centroids)


class TestStoreRefits:
    def test_topics_follow_the_likeness_when_its_rating_count_moved_by_a_quarter(self, own_org: Org) -> None:
        v = own_org.velho
        d = v.encoder.info.dimension
        learnt: list[tuple[int, np.ndarray | None]] = [(-1, None)]
        store = TopicStore(
            model_id=v.insights.store.model_id, dimension=d, min_size=3, refit_growth=0.25, likeness=lambda s: learnt[0]
        )

        def model() -> TopicModel:
            with v.reading() as s:
                return store.view(s, v.sync.index).model

        def learns(ratings: int) -> np.ndarray:
            learnt[0] = (ratings, np.eye(d, dtype=np.float32))
            assert learnt[0][1] is not None
            return learnt[0][1]

        plain = model()
        assert plain.transform is None
        first = learns(40)
        fitted = model()
        assert fitted is not plain and fitted.transform is first
        learns(50)  # a quarter more (40 × 1.25) is still the same likeness
        assert model() is fitted
        second = learns(51)
        refitted = model()
        assert refitted is not fitted and refitted.transform is second
        third = learns(30)  # fewer ratings than it was fitted at: some were erased
        assert model().transform is third
        learnt[0] = (-1, None)  # nothing learnt any more: plain topics again
        assert model().transform is None
        plain_again = model()
        learnt[0] = (60, np.eye(d + 1, dtype=np.float32))  # another model's space: not used
        assert model() is plain_again

    def test_a_refit_for_more_requests_takes_the_newest_likeness(self, own_org: Org) -> None:
        v = own_org.velho
        d = v.encoder.info.dimension
        learnt: list[tuple[int, np.ndarray | None]] = [(100, np.eye(d, dtype=np.float32))]
        store = TopicStore(
            model_id=v.insights.store.model_id, dimension=d, min_size=3, refit_growth=0.25, likeness=lambda s: learnt[0]
        )
        with v.reading() as s:
            first = store.view(s, v.sync.index)
        newest = np.eye(d, dtype=np.float32)
        learnt[0] = (110, newest)  # not enough ratings more for a refit of its own
        for i, text in enumerate(EXCEL):  # 9 requests more than the 22 held: over a quarter
            with v.session() as s:
                v.matching.match(s, MatchCreate(text=f"{text} ({i + 2}. kerta)", k=3, requester_id="asker"))
        with v.reading() as s:
            after = store.view(s, v.sync.index)
        assert len(after.index) == len(first.index) + len(EXCEL)
        assert after.model is not first.model and after.model.transform is newest


class TestWiring:
    def test_the_insights_topics_use_the_likeness_the_ranking_learnt(
        self, own_org: Org, settings: Settings, encoder: Encoder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Through the real services: the insights topics are fitted in the likeness the ranking learns
        from the ratings, labelled from each topic's plain centre, and a process that never served a
        match learns the same from the database."""
        monkeypatch.setattr(ranker_module, "ORG_TOTALS_SECONDS", 0)  # read the rating count at every call
        monkeypatch.setattr(ranker_module, "NUISANCE_REFIT_MIN", 1)  # and learn again at every new rating
        v = own_org.velho
        ranker = v.matching.effects
        assert ranker is not None
        for i, text in enumerate(EXCEL[:4]):
            with v.session() as s:
                rid = v.matching.match(s, MatchCreate(text=f"{text} ({i + 2}. kerta)", k=3, requester_id="asker"))
            help_with(v, rid.request_id, "excel", score=5)
        labelled: list[np.ndarray] = []

        def spy(centroids: np.ndarray, *args: Any) -> Any:
            labelled.append(centroids)
            return label_topics(centroids, *args)

        monkeypatch.setattr(insights_service, "label_topics", spy)
        with v.reading() as s:
            view = v.insights.store.view(s, v.sync.index)
            labels = v.insights.labels(s, view)
            ratings, transform = ranker.learnt_likeness(s)
        assert ratings == 11 and transform is not None and view.model.transform is transform
        assert len(labelled) == 1 and labelled[0] is view.model.label_centroids
        assert not np.allclose(view.model.label_centroids, view.model.centroids)
        excel_topic = int(view.topics[view.index[own_org.requests["excel"][0]]])
        assert "Excel" in labels[excel_topic].fi

        other = build(settings, encoder=encoder, engine=v.engine)  # a second process: no match served
        other.start()
        try:
            with other.reading() as s:
                theirs = other.insights.store.view(s, other.sync.index).model.transform
        finally:
            other.close(save=False)
        assert theirs is not None and np.allclose(theirs, transform, atol=1e-6)

    def test_the_setting_turns_it_off(self, settings: Settings, encoder: Encoder, velho: Velho) -> None:
        assert velho.insights.store.likeness == velho.matching.effects.learnt_likeness  # type: ignore[union-attr]
        off = build(settings.model_copy(update={"insights_learnt_topics": False}), encoder=encoder, engine=velho.engine)
        try:
            assert off.insights.store.likeness is None
        finally:
            off.close(save=False)
