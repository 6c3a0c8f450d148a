"""Language detection (fi/sv/en) and the per-language mean correction of embeddings.

e5 vectors carry a strong language component: a Finnish request lands near Finnish
statements whatever they say. Subtracting each language's mean vector (estimated from the
organisation's own statements) removes most of that pull and lets meaning decide.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from embeddings.encoder import Vectors, l2_normalise

SUPPORTED_LANGUAGES = ("fi", "sv", "en")
DEFAULT_LANGUAGE = "fi"  # most of the organisation writes Finnish


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(SUPPORTED_LANGUAGES))
    return ident


def detect_language(text: str, *, min_confidence: float = 0.5, default: str = DEFAULT_LANGUAGE) -> str:
    """Best guess among fi/sv/en; `default` for text too short or unclear to tell."""
    if not text.strip():
        return default
    lang, prob = _identifier().classify(text)
    return str(lang) if prob >= min_confidence else default


@dataclass
class LanguageCentering:
    """Per-language mean vectors, subtracted (scaled by `strength`) before similarity.

    Documents use `means`; queries use `query_means` where known (e5's `query: ` prefix moves
    requests away from statements, so they need their own means), else `means`.
    """

    means: dict[str, Vectors] = field(default_factory=dict)
    strength: float = 1.0
    query_means: dict[str, Vectors] = field(default_factory=dict)

    @classmethod
    def fit(
        cls,
        vectors: Vectors,
        languages: Sequence[str],
        *,
        strength: float = 1.0,
        min_count: int = 20,
        calibration: Calibration | None = None,
    ) -> LanguageCentering:
        """Means of each language with at least `min_count` vectors (calibration means fill the gaps).

        Query means come from the calibration sentences encoded as queries: on the ESCO dev set
        that beat re-using the statements' means for requests (nDCG@10 .376 vs .333).
        """
        means: dict[str, Vectors] = {}
        if calibration is not None:
            means.update(calibration.document_means())
        if len(vectors):
            means["*"] = vectors.mean(axis=0).astype(np.float32)
        langs = np.asarray(languages)
        for lang in sorted(set(languages)):
            mask = langs == lang
            if int(mask.sum()) >= min_count:
                means[lang] = vectors[mask].mean(axis=0).astype(np.float32)
        query_means: dict[str, Vectors] = {}
        if calibration is not None:
            # Requests sit apart from statements (e5's "query: " prefix): shift each document
            # mean by the query-minus-document offset of the same calibration sentences.
            shifts = calibration.query_shifts()
            for lang, mean in means.items():
                shift = shifts.get(lang, shifts["*"])
                query_means[lang] = (mean + shift).astype(np.float32)
        return cls(means=means, strength=strength, query_means=query_means)

    @property
    def active(self) -> bool:
        """False when nothing was fitted or the strength is zero."""
        return bool(self.means) and self.strength != 0.0

    def apply(self, vectors: Vectors, languages: Sequence[str], *, queries: bool = False) -> Vectors:
        """Subtract each row's language mean (global mean for unseen languages) and renormalise."""
        if not self.active or len(vectors) == 0:
            return vectors
        table = self.query_means if queries and self.query_means else self.means
        fallback = table.get("*", next(iter(table.values())))
        shift = np.stack([table.get(lang, fallback) for lang in languages])
        return l2_normalise(vectors - self.strength * shift)

    def save(self, path: Path) -> None:
        """Store the means beside the index (npz)."""
        arrays = {f"mean_{k}": v for k, v in self.means.items()}
        arrays |= {f"qmean_{k}": v for k, v in self.query_means.items()}
        np.savez(path, strength=np.float32(self.strength), **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> LanguageCentering:
        """Read means written by `save`."""
        with np.load(path) as data:
            means = {k[len("mean_") :]: data[k].astype(np.float32) for k in data.files if k.startswith("mean_")}
            qmeans = {k[len("qmean_") :]: data[k].astype(np.float32) for k in data.files if k.startswith("qmean_")}
            return cls(means=means, strength=float(data["strength"]), query_means=qmeans)


@dataclass(frozen=True)
class Calibration:
    """Parallel calibration sentences encoded both as documents and as queries."""

    documents: Vectors
    queries: Vectors
    languages: tuple[str, ...]

    def document_means(self) -> dict[str, Vectors]:
        """Mean document vector per language, plus `*` over all."""
        return self._means(self.documents)

    def query_shifts(self) -> dict[str, Vectors]:
        """Per language (and `*`): mean query vector minus mean document vector of the same sentences."""
        q, d = self._means(self.queries), self._means(self.documents)
        return {lang: (q[lang] - d[lang]).astype(np.float32) for lang in q}

    def _means(self, vectors: Vectors) -> dict[str, Vectors]:
        langs = np.asarray(self.languages)
        out = {lang: vectors[langs == lang].mean(axis=0).astype(np.float32) for lang in sorted(set(self.languages))}
        out["*"] = vectors.mean(axis=0).astype(np.float32)
        return out
