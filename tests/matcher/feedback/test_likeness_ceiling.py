"""The likeness-ceiling benchmark's labelled likeness: true topics where known, the metric elsewhere."""

from __future__ import annotations

import numpy as np

from benchmarks.likeness_ceiling import LabelledLikeness
from matcher.feedback.effects import RequestLikeness


def unit(v: list[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_labels_decide_where_known_and_the_metric_elsewhere() -> None:
    LabelledLikeness.topic_of.clear()
    ramps = {"cosine": (0.4, 0.7), "local": (0.6, 0.85), "min_basis": 20}

    def labelled(vector: np.ndarray, topic: str | None) -> LabelledLikeness:
        base = RequestLikeness(vector, None, cosine=ramps["cosine"], local=ramps["local"], min_basis=20)
        return LabelledLikeness(base, topic)

    excel, excel_swedish = unit([1, 0, 0, 1]), unit([0, 1, 0, 1])  # far apart by cosine (0.5)
    printers = unit([1, 0, 0.1, 1])  # nearly the same words as the Excel request
    unknown = unit([1, 0, 0, 0.9])
    labelled(excel_swedish, "excel")
    labelled(printers, "printers")
    now = labelled(excel, "excel")
    sims = now.similarity(np.stack([excel_swedish, printers, unknown]))
    assert sims[0] == 1.0 and sims[1] == -1.0
    assert sims[2] == float(unknown @ excel)  # no label: the configured metric
    assert now.weights(np.stack([excel_swedish, printers])) == [1.0, 0.0]
    # A request without a label is compared by the metric alone, even against labelled ones.
    assert labelled(unit([1, 0, 0, 1.01]), None).similarity(printers[None, :])[0] > 0.99
