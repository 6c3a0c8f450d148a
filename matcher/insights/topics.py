"""Topics: spherical k-means over request vectors, with the number of topics chosen by silhouette.

The candidates are fitted (with restarts) and scored by the mean silhouette (cosine distance) on a
seeded sample of at most 2,000 requests, so choosing costs the same at 2,000 requests or 100,000;
the chosen k is then refitted on a larger sample and every request goes to its nearest centroid.

Requests can be clustered through a linear `transform` first: the request likeness the feedback
loop learnt from outcomes (`matcher/feedback/nuisance.py`), which shrinks what does not decide who
can help (language, form). In plain e5 a topic of Arabic and Somali interpreting requests, or of
invoices and Excel, is common; in the learnt likeness they part.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]

CANDIDATES = (2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 40)
FIT_SAMPLE = 20_000
SCORE_SAMPLE = 2_000


@dataclass(frozen=True)
class TopicModel:
    """Unit centroids, one row per topic, and how they were chosen.

    `centroids` live where the topics were fitted (through `transform` when there is one);
    `plain_centroids` are the same topics' centres in the embedding itself, where offers are, for
    labels."""

    centroids: Vectors
    silhouette: float
    fitted_on: int
    transform: Vectors | None = None
    plain_centroids: Vectors | None = None  # None: the same as `centroids` (no transform)

    @property
    def k(self) -> int:
        """Number of topics."""
        return int(self.centroids.shape[0])

    @property
    def label_centroids(self) -> Vectors:
        """The topics' centres in the embedding's own space."""
        return self.centroids if self.plain_centroids is None else self.plain_centroids

    def assign(self, vectors: Vectors) -> npt.NDArray[np.int32]:
        """The nearest centroid (by cosine) of each vector, after the transform."""
        if len(vectors) == 0:
            return np.zeros(0, dtype=np.int32)
        # (v T) c = v (T c), and a row's length never moves its argmax: the same topics as over the
        # projected unit rows, at the cost of plain ones.
        weights = self.centroids.T if self.transform is None else self.transform @ self.centroids.T
        return np.asarray(np.argmax(vectors @ weights, axis=1), dtype=np.int32)


def project(vectors: Vectors, transform: Vectors | None) -> Vectors:
    """Unit rows of `vectors` @ `transform` (the vectors themselves without one)."""
    if transform is None:
        return vectors
    return _unit(np.asarray(vectors, dtype=np.float32) @ transform)


def fit_topics(
    vectors: Vectors, *, min_size: int, max_topics: int = 40, seed: int = 0, transform: Vectors | None = None
) -> TopicModel:
    """Cluster unit vectors into topics; k is the candidate with the best silhouette.

    No candidate may have more topics than `len(vectors) // min_size`: a topic smaller than the
    minimum group would be hidden anyway. With `transform` (d × d) the vectors are
    clustered after it, and each topic's plain centre is the mean of its fitted requests.
    """
    if transform is None:
        return _fit(vectors, min_size=min_size, max_topics=max_topics, seed=seed)
    # Only the rows the fit reads are projected (at 100,000 requests a fifth of them); the topic count
    # is still bounded by all of them.
    rows = _sample(len(vectors), FIT_SAMPLE, np.random.default_rng(seed))
    sample = project(vectors[rows], transform)
    model = _fit(sample, min_size=min_size, max_topics=max_topics, seed=seed, n=len(vectors))
    plain = _centres(vectors[rows], model.assign(sample), model.k)
    empty = ~np.any(plain, axis=1)
    plain[empty] = model.centroids[empty]  # no sampled request joined it: its fitted centre stands in
    return TopicModel(model.centroids, model.silhouette, model.fitted_on, transform, plain)


def _centres(vectors: Vectors, labels: npt.NDArray[np.int32], k: int) -> Vectors:
    member = np.zeros((k, len(labels)), np.float32)
    member[labels, np.arange(len(labels))] = 1.0
    sums = member @ vectors
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.asarray(np.where(norms > 0, sums / np.maximum(norms, 1e-12), 0.0), dtype=np.float32)


def _fit(vectors: Vectors, *, min_size: int, max_topics: int, seed: int, n: int | None = None) -> TopicModel:
    """`n`: how many requests `vectors` were sampled from (all of them by default), which bounds k."""
    rng = np.random.default_rng(seed)
    limit = min(max_topics, (len(vectors) if n is None else n) // max(min_size, 1))
    if limit < 2:
        centroid = (
            _unit(vectors.mean(axis=0, keepdims=True)) if len(vectors) else np.zeros((0, vectors.shape[1]), np.float32)
        )
        return TopicModel(centroid.astype(np.float32), 0.0, len(vectors))
    fit_rows = _sample(len(vectors), FIT_SAMPLE, rng)
    score_rows = fit_rows[:SCORE_SAMPLE]
    scored = vectors[score_rows]
    best: tuple[float, Vectors] | None = None
    for k in (c for c in CANDIDATES if c <= limit):
        centroids = _kmeans(vectors[score_rows], k, seed, redo=10 if len(score_rows) < 500 else 3)
        score = silhouette(scored, np.argmax(scored @ centroids.T, axis=1))
        if best is None or score > best[0]:
            best = (score, centroids)
    assert best is not None
    score, centroids = best
    final = centroids if len(fit_rows) == len(score_rows) else _kmeans(vectors[fit_rows], centroids.shape[0], seed)
    return TopicModel(final, float(score), len(fit_rows))


def silhouette(vectors: Vectors, labels: npt.NDArray[np.integer]) -> float:
    """Mean silhouette with cosine distance (points in singleton clusters count 0)."""
    distance = 1.0 - vectors @ vectors.T
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return 0.0
    # Mean distance from every point to every cluster.
    member = labels[:, None] == clusters[None, :]
    sizes = member.sum(axis=0).astype(np.float64)
    totals = distance @ member.astype(np.float32)
    own = np.searchsorted(clusters, labels)
    own_size = sizes[own]
    rows = np.arange(len(labels))
    a = np.where(own_size > 1, totals[rows, own] / np.maximum(own_size - 1, 1), 0.0)
    others = totals / sizes[None, :]
    others[rows, own] = np.inf
    b = others.min(axis=1)
    s = np.where(own_size > 1, (b - a) / np.maximum(np.maximum(a, b), 1e-9), 0.0)
    return float(s.mean())


def _kmeans(vectors: Vectors, k: int, seed: int, redo: int = 1) -> Vectors:
    import faiss

    # Restarts matter on few points (a poor start splits a topic and merges two others).
    km = faiss.Kmeans(
        vectors.shape[1], k, niter=20, nredo=redo, spherical=True, seed=seed, verbose=False, min_points_per_centroid=1
    )
    # One thread: on shared cores FAISS's OpenMP threads wait on each other (6x slower measured).
    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        km.train(np.ascontiguousarray(vectors, dtype=np.float32))
    finally:
        faiss.omp_set_num_threads(threads)
    return _unit(np.asarray(km.centroids, dtype=np.float32))


def _sample(n: int, size: int, rng: np.random.Generator) -> npt.NDArray[np.int64]:
    return rng.permutation(n)[:size] if n > size else rng.permutation(n)


def _unit(matrix: Vectors) -> Vectors:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.asarray(matrix / np.maximum(norms, 1e-12), dtype=np.float32)
