"""Topics fitted in the request likeness learnt from outcomes: the transform, its refits, its wiring."""

from __future__ import annotations

import numpy as np
import pytest
from insights_org import EXCEL, Org, help_with

from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.feedback import ranker as ranker_module
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
    def test_topics_are_refitted_when_the_likeness_was_learnt_from_enough_more_ratings(self, own_org: Org) -> None:
        v = own_org.velho
        d = v.encoder.info.dimension
        learnt: list[tuple[int, np.ndarray | None]] = [(-1, None)]
        store = TopicStore(
            model_id=v.insights.store.model_id, dimension=d, min_size=3, refit_growth=0.25, likeness=lambda: learnt[0]
        )

        def model() -> TopicModel:
            with v.reading() as s:
                return store.view(s, v.sync.index).model

        plain = model()
        assert plain.transform is None
        first = np.eye(d, dtype=np.float32)
        learnt[0] = (40, first)
        fitted = model()
        assert fitted is not plain and fitted.transform is first
        learnt[0] = (50, np.eye(d, dtype=np.float32))  # 25 % more ratings is the bar: 50 is below it
        assert model() is fitted
        second = np.eye(d, dtype=np.float32)
        learnt[0] = (51, second)
        refitted = model()
        assert refitted is not fitted and refitted.transform is second
        learnt[0] = (-1, None)  # a reset ranker: the topics keep the likeness they have
        assert model() is refitted


class TestWiring:
    def test_the_insights_topics_use_the_likeness_the_ranking_learnt(
        self, own_org: Org, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Through the real services: once enough ratings arrive, a match fits the learnt likeness,
        and the insights topics are fitted in that same transform, with labels still from offers."""
        monkeypatch.setattr(ranker_module, "ORG_TOTALS_SECONDS", 0)  # read the rating count at every match
        v = own_org.velho
        ranker = v.matching.effects
        assert ranker is not None
        with v.reading() as s:
            assert v.insights.store.view(s, v.sync.index).model.transform is None  # 7 ratings: none learnt yet
        for i, text in enumerate(EXCEL[:4]):  # the fourth match sees 10 ratings: enough to learn from
            with v.session() as s:
                rid = v.matching.match(s, MatchCreate(text=f"{text} ({i + 2}. kerta)", k=3, requester_id="asker"))
            help_with(v, rid.request_id, "excel", score=5)
        ratings, transform = ranker.learnt_likeness()
        assert ratings >= 10 and transform is not None
        with v.reading() as s:
            view = v.insights.store.view(s, v.sync.index)
            labels = v.insights.labels(s, view)
        assert view.model.transform is transform
        excel_topic = int(view.topics[view.index[own_org.requests["excel"][0]]])
        assert "Excel" in labels[excel_topic].fi

    def test_the_setting_turns_it_off(self, settings: Settings, encoder: Encoder, velho: Velho) -> None:
        assert velho.insights.store.likeness == velho.matching.effects.learnt_likeness  # type: ignore[union-attr]
        off = build(settings.model_copy(update={"insights_learnt_topics": False}), encoder=encoder, engine=velho.engine)
        assert off.insights.store.likeness is None
