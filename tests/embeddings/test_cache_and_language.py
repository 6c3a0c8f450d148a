"""The embedding cache never re-encodes unchanged text; language detection and centering."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.encoder import EncoderInfo, Vectors
from embeddings.language import LanguageCentering, detect_language


class CountingEncoder:
    """Wraps the real encoder and counts the texts it was asked to encode."""

    def __init__(self, inner) -> None:  # type: ignore[no-untyped-def]
        self.inner = inner
        self.encoded: list[str] = []

    @property
    def info(self) -> EncoderInfo:
        return self.inner.info

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        self.encoded += list(texts)
        return self.inner.encode_queries(texts)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        self.encoded += list(texts)
        return self.inner.encode_documents(texts)


class TestCachedEncoder:
    def test_unchanged_text_is_never_re_encoded(self, e5_raw, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        counting = CountingEncoder(e5_raw)
        cached = CachedEncoder(counting, EmbeddingCache(tmp_path / "c.sqlite"))
        first = cached.encode_documents(["haavanhoito", "Excel-makrot", "haavanhoito"])
        assert counting.encoded == ["haavanhoito", "Excel-makrot"]
        # A new cache object on the same file (a fresh store, `velho eval`) re-uses the vectors.
        again = CachedEncoder(counting, EmbeddingCache(tmp_path / "c.sqlite"))
        second = again.encode_documents(["Excel-makrot", "haavanhoito"])
        assert counting.encoded == ["haavanhoito", "Excel-makrot"]
        np.testing.assert_allclose(second[1], first[0])
        assert first.dtype == np.float32 and np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)

    def test_queries_and_documents_are_separate_spaces(self, e5_raw, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        cached = CachedEncoder(e5_raw, EmbeddingCache(tmp_path / "c.sqlite"), cache_queries=True)
        q = cached.encode_queries(["Excel"])
        d = cached.encode_documents(["Excel"])
        assert not np.allclose(q, d)

    def test_model_id_keys_the_cache(self, tmp_path: Path) -> None:
        cache = EmbeddingCache(tmp_path / "c.sqlite")
        cache.put_many("model-a", "document", [("h1", np.ones(4, dtype=np.float32))])
        assert cache.get_many("model-b", "document", ["h1"]) == {}
        assert list(cache.get_many("model-a", "document", ["h1"])) == ["h1"]


class TestDetectLanguage:
    @pytest.mark.parametrize(
        ("text", "lang"),
        [
            ("tarvitsen apua Excelin pivot-taulukoiden kanssa", "fi"),
            ("help with Excel macros", "en"),
            ("barnskydd och familjearbete", "sv"),
            ("   ", "fi"),
        ],
    )
    def test_detects(self, text: str, lang: str) -> None:
        assert detect_language(text) == lang


class TestLanguageCentering:
    def test_subtracts_each_language_mean_and_renormalises(self) -> None:
        rng = np.random.default_rng(0)
        fi = rng.normal(size=(30, 8)) + 5.0
        en = rng.normal(size=(30, 8)) - 5.0
        vecs = np.concatenate([fi, en]).astype(np.float32)
        langs = ["fi"] * 30 + ["en"] * 30
        c = LanguageCentering.fit(vecs, langs, strength=1.0, min_count=20)
        out = c.apply(vecs, langs)
        np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
        # After correction the two languages no longer sit in opposite corners.
        assert abs(float(out[:30].mean(axis=0) @ out[30:].mean(axis=0))) < 0.2
        expected = (vecs[0] - vecs[:30].mean(axis=0)) / np.linalg.norm(vecs[0] - vecs[:30].mean(axis=0))
        np.testing.assert_allclose(out[0], expected, atol=1e-5)

    def test_rare_language_uses_global_mean_and_round_trips(self, tmp_path: Path) -> None:
        vecs = np.eye(4, dtype=np.float32).repeat(10, axis=0)
        c = LanguageCentering.fit(vecs, ["fi"] * 40, strength=0.5, min_count=20)
        assert set(c.means) == {"*", "fi"}
        c.save(tmp_path / "c.npz")
        back = LanguageCentering.load(tmp_path / "c.npz")
        np.testing.assert_allclose(back.apply(vecs[:2], ["sv", "sv"]), c.apply(vecs[:2], ["sv", "sv"]))
        assert back.strength == 0.5
