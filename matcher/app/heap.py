"""Keep the garbage collector's full passes off the request path of a serving process.

A full (generation 2) collection walks every tracked object. Once a serving process has loaded
its index it holds ~140,000 such objects that live as long as it does (modules, the ORM's and
FastAPI's machinery, the encoder), and a full pass over them held the GIL 50–100 ms at 100,000
people. Background work that allocates many rows (the insights warm-up) set one off every few
reads, and every match waited it out. Frozen objects are left out of collections; they are
still freed by reference counting, and only a cycle among them would never be collected.
"""

from __future__ import annotations

import gc
import logging
import time

logger = logging.getLogger(__name__)


def freeze_long_lived() -> int:
    """Collect once, then freeze everything alive now; returns how many objects are frozen."""
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    frozen = gc.get_freeze_count()
    logger.info("heap_frozen objects=%d seconds=%.2f", frozen, time.perf_counter() - started)
    return frozen
