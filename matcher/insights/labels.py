"""Readable topic labels in Finnish and English, taken from employees' public offers.

Requests may hold personal data, so a label is never a request's text: it is the declared
strength statement (of a visible employee) nearest the topic's centroid, in Finnish for the
Finnish label and in English for the English one. Where the organisation has no offer in that
language near the topic, the nearest offer in any language stands in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from matcher.insights.offers import OfferTable, VectorSource
from matcher.insights.topics import Vectors

MAX_CHARS = 90
LANGUAGES = ("fi", "en")
# Reads the texts of offers by statement id (InsightsRepository.offer_texts, within a session).
TextsOf = Callable[[Iterable[int]], dict[int, str]]


@dataclass(frozen=True)
class Label:
    """A topic's name per language, and the offers it was drawn from (their statement ids)."""

    fi: str
    en: str
    offer_ids: tuple[int, ...]


def label_topics(centroids: Vectors, offers: OfferTable, source: VectorSource, texts_of: TextsOf) -> list[Label]:
    """One label per centroid row (offers' vectors from `source`, their texts from `texts_of`)."""
    sims, held = offers.similarities(np.asarray(centroids, dtype=np.float32), source)
    if not held.any():
        return [Label(f"Aihe {i + 1}", f"Topic {i + 1}", ()) for i in range(len(centroids))]
    # Best offer per topic in each language (any language where the organisation has none in it).
    best_any = np.argmax(sims, axis=1)
    best: dict[str, npt.NDArray[np.intp]] = {}
    for lang in LANGUAGES:
        mask = (offers.languages == lang) & held
        best[lang] = np.where(mask, sims, -np.inf).argmax(axis=1) if mask.any() else best_any
    picks = [[int(offers.ids[best[lang][t]]) for lang in LANGUAGES] for t in range(len(centroids))]
    text = texts_of(sid for pick in picks for sid in pick)
    return [
        Label(_short(text.get(fi, "")), _short(text.get(en, "")), tuple(dict.fromkeys((fi, en)))) for fi, en in picks
    ]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_CHARS else text[: MAX_CHARS - 1].rsplit(" ", 1)[0] + "…"
