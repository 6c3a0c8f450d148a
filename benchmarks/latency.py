"""The latency loops of the HTTP benchmarks: texts sent one after another, or shared by clients sending
at once, each request timed on the client; plus the quantile and `Server-Timing` parsing they report with."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx

T = TypeVar("T")
# Sends one text and returns what the benchmark keeps of the answer (raises on a failed request).
Send = Callable[[httpx.Client, str], T]


@dataclass(frozen=True)
class Run(Generic[T]):
    """Client-side latencies (ms), each request's kept answer in the same order, and throughput."""

    latencies_ms: list[float]
    answers: list[T]
    per_second: float


def sequential(base_url: str, headers: dict[str, str], texts: list[str], send: Send[T]) -> Run[T]:
    """`texts` sent one after another by one client."""
    return concurrent(base_url, headers, texts, send, clients=1)


def concurrent(base_url: str, headers: dict[str, str], texts: list[str], send: Send[T], *, clients: int) -> Run[T]:
    """`texts` shared by `clients` clients sending at once (each takes the next text when it is free)."""
    latencies: list[float] = []
    answers: list[T] = []
    lock = threading.Lock()
    queue = list(reversed(texts))
    errors: list[BaseException] = []

    def worker() -> None:
        with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
            while True:
                with lock:
                    if not queue or errors:
                        return
                    text = queue.pop()
                started = time.perf_counter()
                try:
                    answer = send(client, text)
                except BaseException as exc:  # re-raised after the run, in the caller's thread
                    errors.append(exc)
                    return
                ms = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(ms)
                    answers.append(answer)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wall = time.perf_counter() - started
    if errors:
        raise errors[0]
    return Run(latencies, answers, len(latencies) / wall if wall > 0 else 0.0)


def pct(values: list[float], q: float) -> float:
    """The q-quantile (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(round(q * len(s) + 0.5)) - 1))]


def parse_server_timing(value: str) -> dict[str, float]:
    """{"encode": ms, ...} from a Server-Timing header."""
    out: dict[str, float] = {}
    for part in value.split(","):
        name, _, rest = part.strip().partition(";dur=")
        if rest:
            out[name] = float(rest)
    return out
