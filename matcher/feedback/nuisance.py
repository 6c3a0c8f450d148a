"""Request likeness learnt from outcomes: the directions in which requests one person helped well with differ.

When someone was rated well on a Finnish and on a Swedish shift-roster request, on a "who could
help me with …" and a "my … does not work" one, whatever separates those requests in the
embedding is, for this organisation, not what decides who can help: the language, the form, the
wording. Within-class covariance normalisation (WCCN, as speaker verification uses it to remove
the channel and keep the speaker) measures those directions as the spread of each provider's
well-rated requests around that provider's mean, and shrinks them before requests are compared
(`effects.RequestLikeness`). What the spread does not contain, such as the word that tells an
Arabic request from a Somali one of the same form, then counts for more.

It needs no labels and no text: only the vectors of requests already rated, grouped by who helped.
One person with two unrelated skills adds their skills' difference to the spread; every
provider's covariance counts once, so one such person among many shrinks it little.
"""

from __future__ import annotations

import numpy as np


def nuisance_transform(vectors: np.ndarray, providers: np.ndarray, *, shrink: float) -> np.ndarray | None:
    """(S + λI)^(-1/2) × √λ: S the mean over providers of the covariance of their requests, λ = `shrink` × its average.

    `vectors` (n × d) are requests a provider helped well with and `providers` (n) who. The result
    is symmetric; a direction no provider's requests vary in keeps its length, one in which they
    vary with variance v is scaled by √(λ / (λ + v)). None when no provider has two such requests,
    or theirs do not vary at all (nothing to learn from yet), or `shrink` is 0 (off).
    """
    if shrink <= 0 or len(vectors) < 2:
        return None
    x = np.asarray(vectors, dtype=np.float64)
    _, group, counts = np.unique(np.asarray(providers), return_inverse=True, return_counts=True)
    several = counts[group] >= 2  # one request alone says nothing about what varies
    if not several.any():
        return None
    x, group = x[several], group[several]
    sizes = np.bincount(group).astype(np.float64)
    means = np.zeros((len(sizes), x.shape[1]))
    np.add.at(means, group, x)
    means /= sizes.clip(min=1)[:, None]
    # Each provider's own covariance, averaged with equal weight (WCCN's usual form), so that a
    # prolific helper with two unrelated skills is one voice among many, not a tenth of the data.
    spread = (x - means[group]) / np.sqrt(sizes[group])[:, None]
    scatter = spread.T @ spread / np.count_nonzero(sizes)
    lam = shrink * float(np.trace(scatter)) / scatter.shape[0]
    if lam <= 0:
        return None
    values, directions = np.linalg.eigh(scatter)
    scale = np.sqrt(lam / (lam + np.maximum(values, 0.0)))
    return np.asarray((directions * scale) @ directions.T, dtype=np.float32)
