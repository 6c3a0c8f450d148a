"""One BLAS thread in a serving process: a request's small matrix products run best on the thread
that asked for them.

numpy's OpenBLAS splits every product over a team of threads (one per core) that spin and meet at
a barrier. The feedback pass multiplies a request's neighbourhood of statements by the candidates'
past requests (`effects.RequestLikeness`: 30 × 384 by 1,500 × 384 at most) on every match, and
with requests in several server threads, or any other load on the two cores, each product waited
for descheduled team members. Measured on that product (`benchmarks/blas_threads.py --busy 1`,
1,500 past requests, one other core busy as a server's encoder keeps it): one client p99 8.0 →
0.8 ms and 796 → 1,475 calls/s, four clients p99 48.6 → 16.4 ms and 545 → 1,781 calls/s. Idle and
alone, one thread is 0.2 ms slower (0.47 → 0.66 ms). FAISS searches are limited the same way
(`faiss_index.one_thread_per_search`).
CLI jobs and tests keep every core: only a serving process (`Velho.start(serving=True)`) calls this.
"""

from __future__ import annotations

import functools

from threadpoolctl import threadpool_limits


@functools.cache
def one_blas_thread() -> threadpool_limits:
    """Limit numpy's BLAS to one thread in this process (once: later calls return the same limit)."""
    return threadpool_limits(limits=1, user_api="blas")
