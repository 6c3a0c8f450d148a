"""Language detection (fi/sv/en) and the per-language mean correction of embeddings.

e5 vectors carry a strong language component: a Finnish request lands near Finnish
statements whatever they say. Subtracting each language's mean vector (estimated from the
organisation's own statements) removes most of that pull and lets meaning decide.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

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
    """Per-language mean vectors, subtracted (scaled by `strength`) before similarity."""

    means: dict[str, Vectors] = field(default_factory=dict)
    strength: float = 1.0

    @classmethod
    def fit(
        cls, vectors: Vectors, languages: Sequence[str], *, strength: float = 1.0, min_count: int = 20
    ) -> "LanguageCentering":
        """Estimate the mean of each language with at least `min_count` vectors, plus a global `*`."""
        langs = np.asarray(languages)
        means: dict[str, Vectors] = {}
        if len(vectors):
            means["*"] = vectors.mean(axis=0).astype(np.float32)
        for lang in sorted(set(languages)):
            mask = langs == lang
            if int(mask.sum()) >= min_count:
                means[lang] = vectors[mask].mean(axis=0).astype(np.float32)
        return cls(means=means, strength=strength)

    @property
    def active(self) -> bool:
        """False when nothing was fitted or the strength is zero."""
        return bool(self.means) and self.strength != 0.0

    def apply(self, vectors: Vectors, languages: Sequence[str]) -> Vectors:
        """Subtract each row's language mean (global mean for unseen languages) and renormalise."""
        if not self.active or len(vectors) == 0:
            return vectors
        shift = np.stack([self.means.get(lang, self.means["*"]) for lang in languages])
        return l2_normalise(vectors - self.strength * shift)

    def save(self, path: Path) -> None:
        """Store the means beside the index (npz)."""
        arrays = {f"mean_{k}": v for k, v in self.means.items()}
        np.savez(path, strength=np.float32(self.strength), **arrays)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path) -> "LanguageCentering":
        """Read means written by `save`."""
        with np.load(path) as data:
            means = {k[len("mean_") :]: data[k].astype(np.float32) for k in data.files if k.startswith("mean_")}
            return cls(means=means, strength=float(data["strength"]))
