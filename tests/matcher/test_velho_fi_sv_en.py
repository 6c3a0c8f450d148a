"""The hand-written fi/sv/en regression set through the real engine (SQLite, FAISS, the default
adapted encoder): overall quality above a floor, every language pair reported, and the case of
issue 10 — the English-written de-escalation strength first for a Finnish request."""

from __future__ import annotations

from pathlib import Path

import pytest

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.evaluation.runner import EvalReport, evaluate

SET = Path(__file__).resolve().parents[1] / "data" / "velho_fi_sv_en"
# Measured 2026-12-01 with the shipped adapter: nDCG@10 0.876, cross-lingual 0.843 (unadapted 0.826 / 0.789);
# the floors leave a margin below the adapted model and still sit above the unadapted one.
NDCG_FLOOR = 0.84
CROSS_LINGUAL_FLOOR = 0.80
PAIRS = {"fi>fi", "fi>en", "fi>sv", "en>fi", "en>en", "en>sv", "sv>fi", "sv>en", "sv>sv"}


@pytest.fixture(scope="module")
def report(adapted_e5: Encoder, tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    data_dir = tmp_path_factory.mktemp("fi-sv-en")
    settings = Settings(data_dir=data_dir, _env_file=None)  # type: ignore[call-arg]
    encoder = CachedEncoder(adapted_e5, EmbeddingCache(data_dir / "embeddings.sqlite"))
    return evaluate(SET, settings, encoder=encoder)


def test_overall_quality_above_the_floor(report: EvalReport) -> None:
    assert report.requests == 50 and report.profiles == 42
    assert report.overall["ndcg@10"] >= NDCG_FLOOR, report.overall
    assert report.by_language_pair["cross-lingual"]["n"] == 37
    assert report.by_language_pair["cross-lingual"]["ndcg@10"] >= CROSS_LINGUAL_FLOOR


def test_every_language_pair_is_reported(report: EvalReport) -> None:
    assert PAIRS <= set(report.by_language_pair)
    assert sum(int(report.by_language_pair[p]["n"]) for p in PAIRS) == 50
    assert {"fi", "sv", "en"} == set(report.by_language)


def test_de_escalation_written_in_english_ranks_first_for_finnish_and_swedish(report: EvalReport) -> None:
    # R01 is Finnish and shares "asiakas" with six Finnish statements that are not about it.
    assert report.per_request["R01"]["ranked"][0] == "V03"
    assert report.per_request["R35"]["ranked"][0] == "V03"  # the same need, asked in Swedish


def test_breadth_aware_ranking_loses_no_language_pair(report: EvalReport, adapted_e5: Encoder, tmp_path: Path) -> None:
    """The same set under the rule before issue 10 (best statement + bonus, pool by best statement)."""
    from matcher.matching.weights import RankingWeights

    before_rule = RankingWeights(aggregation="best_bonus", pool_by="best")
    settings = Settings(data_dir=tmp_path, ranking=before_rule, _env_file=None)  # type: ignore[call-arg]
    encoder = CachedEncoder(adapted_e5, EmbeddingCache(tmp_path / "embeddings.sqlite"))
    before = evaluate(SET, settings, encoder=encoder)
    assert before.overall["ndcg@10"] <= report.overall["ndcg@10"]
    for pair in PAIRS:
        assert report.by_language_pair[pair]["ndcg@10"] >= before.by_language_pair[pair]["ndcg@10"] - 1e-9, pair
