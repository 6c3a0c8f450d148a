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

Outcomes also show what *does* decide: when one person was rated well on Arabic requests and
poorly on a Somali one of the same form, the difference between them is what told good help from
poor. With `contrast`, those directions (each poorly rated request against the mean of what the
same person was rated well on, after the shrinking; the between-class scatter of linear
discriminant analysis) are lengthened, the strongest by √(1 + `contrast`).
"""

from __future__ import annotations

import numpy as np


def nuisance_transform(
    vectors: np.ndarray,
    providers: np.ndarray,
    *,
    shrink: float,
    poor: np.ndarray | None = None,
    poor_providers: np.ndarray | None = None,
    contrast: float = 0.0,
) -> np.ndarray | None:
    """(S + λI)^(-1/2) × √λ: S the mean over providers of the covariance of their requests, λ = `shrink` × its average.

    `vectors` (n × d) are requests a provider helped well with and `providers` (n) who. The result
    is symmetric; a direction no provider's requests vary in keeps its length, one in which they
    vary with variance v is scaled by √(λ / (λ + v)). None when no provider has two such requests,
    or theirs do not vary at all (nothing to learn from yet), or `shrink` is 0 (off).

    With `poor` requests (m × d, rated poorly) and `poor_providers` (m), and `contrast` above 0,
    the metric T² becomes T (I + contrast × B / ‖B‖) T, returned as its symmetric square root: B the
    mean over providers of the scatter of T (their good requests' mean − each poor request).
    """
    if shrink <= 0 or len(vectors) < 2:
        return None
    x = np.asarray(vectors, dtype=np.float64)
    ids, group, counts = np.unique(np.asarray(providers), return_inverse=True, return_counts=True)
    means = np.zeros((len(ids), x.shape[1]))
    np.add.at(means, group, x)
    means /= counts[:, None]
    several = counts[group] >= 2  # one request alone says nothing about what varies
    if not several.any():
        return None
    # Each provider's own covariance, averaged with equal weight (WCCN's usual form), so that a
    # prolific helper with two unrelated skills is one voice among many, not a tenth of the data.
    spread = (x[several] - means[group[several]]) / np.sqrt(counts[group[several]])[:, None]
    scatter = spread.T @ spread / np.count_nonzero(counts >= 2)
    lam = shrink * float(np.trace(scatter)) / scatter.shape[0]
    if lam <= 0:
        return None
    values, directions = np.linalg.eigh(scatter)
    scale = np.sqrt(lam / (lam + np.maximum(values, 0.0)))
    transform = (directions * scale) @ directions.T
    if contrast > 0 and poor is not None and poor_providers is not None and len(poor):
        transform = _with_contrast(transform, means, ids, poor, poor_providers, contrast)
    return np.asarray(transform, dtype=np.float32)


def _with_contrast(
    transform: np.ndarray,
    means: np.ndarray,
    ids: np.ndarray,
    poor: np.ndarray,
    poor_providers: np.ndarray,
    contrast: float,
) -> np.ndarray:
    """The transform with the directions that told a provider's good help from their poor help lengthened."""
    at = np.searchsorted(ids, np.asarray(poor_providers))
    known = (at < len(ids)) & (ids[np.minimum(at, len(ids) - 1)] == np.asarray(poor_providers))
    if not known.any():
        return transform  # nobody rated poorly was also rated well: no contrast to learn from
    at = at[known]
    gaps = (means[at] - np.asarray(poor, dtype=np.float64)[known]) @ transform
    # Equal weight per provider again: a person tried on many wrong requests is one voice.
    _, per, n = np.unique(at, return_inverse=True, return_counts=True)
    gaps /= np.sqrt(n[per])[:, None]
    between = gaps.T @ gaps / len(n)
    top = float(np.linalg.eigvalsh(between)[-1])
    if top <= 0:
        return transform
    metric = transform @ (np.eye(len(transform)) + contrast * between / top) @ transform
    values, directions = np.linalg.eigh(metric)
    return np.asarray((directions * np.sqrt(np.maximum(values, 0.0))) @ directions.T)
