"""Matches while a serving process's insights warm-up runs: the pauses it causes them, in one process.

    HF_HUB_OFFLINE=1 OMP_NUM_THREADS=1 .venv/bin/python benchmarks/warmup_pauses.py --data COPY --cache ESCO/cache \\
        [--backend ivf] [--code OTHER_CHECKOUT]

COPY is a copy of a store (a `structured_org.py` 100k store with its saved index under `index/`;
the run writes stored requests into it); ESCO/cache the converted model of a `speed_vs_peer.py`
store. Starts Velho as the API does (`serving=True`: the index loads, then the warm-up runs in the
background), and while the warm-up runs it times matches one after another in this thread and,
in another, how late a 2 ms sleep wakes up: a wake-up that late means some thread held the GIL
(the warm-up's row fetches, or a full garbage collection). Prints the warm-up's time, the
matches' p50 and max during it and after it, and the longest GIL pauses with what the warm-up
thread was doing then. `--code` runs another checkout's packages (a baseline). Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from footprint import use_store  # noqa: E402
from latency import pct  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "esco_org_dev"
PAUSE = 0.03  # a wake-up this much later than asked is reported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, required=True, help="a copy of the store (velho.db, index/)")
    parser.add_argument("--cache", type=Path, required=True, help="model and embedding cache dir")
    parser.add_argument("--backend", default="ivf")
    parser.add_argument("--after", type=int, default=50, help="matches timed once the warm-up is done")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose packages to measure")
    args = parser.parse_args()
    use_store(args.code, args.data, args.cache, args.backend)
    from matcher.app.settings import Settings
    from matcher.app.wiring import build
    from matcher.matching.schemas import MatchCreate

    texts = [json.loads(line)["text"] for line in (DATA / "requests.jsonl").read_text().splitlines() if line.strip()]
    velho = build(Settings())
    warmer = velho.insights_warmer
    if warmer is None:
        raise SystemExit("VELHO_INSIGHTS_WARM_SECONDS is 0: there is no warm-up to measure")
    print(f"code from {args.code.resolve()}")
    from embeddings.language import detect_language

    # What a first request loads (the language identifier, ONNX arenas) is not the warm-up's doing.
    detect_language(texts[0])
    velho.matching.encoder.encode_queries([texts[0]])
    started = time.perf_counter()
    velho.start(serving=True)  # blocks until the index is loaded; the warm-up then starts by itself
    print(f"index loaded in {time.perf_counter() - started:.1f} s; warm-up running")

    warm_thread: list[int] = []
    pauses: list[tuple[float, str]] = []
    done = threading.Event()

    def sample() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.002)
            now = time.perf_counter()
            if now - last > PAUSE:
                pauses.append((now - last, where(warm_thread)))
            last = now

    def match(text: str) -> float:
        t = time.perf_counter()
        with velho.session() as s:
            velho.matching.match(s, MatchCreate(text=text, k=10))
        return (time.perf_counter() - t) * 1000

    warm_started = time.perf_counter()
    warm_thread.extend(t.ident for t in threading.enumerate() if t.name == f"velho-{warmer.name}" and t.ident)
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    during: list[float] = []
    i = 0
    while warmer.runs < 1 and time.perf_counter() - warm_started < 600:
        during.append(match(texts[i % len(texts)]))
        i += 1
    warm_seconds = time.perf_counter() - warm_started
    done.set()
    sampler.join()
    after = [match(texts[(i + j) % len(texts)]) for j in range(args.after)]
    velho.close(save=False)

    print(f"warm-up finished within {warm_seconds:.2f} s (matches kept running)")
    for name, lat in (("during the warm-up", during), ("after it", after)):
        if lat:
            print(
                f"  matches {name}: {len(lat)}, p50 {pct(lat, 0.5):.1f} ms, p99 {pct(lat, 0.99):.1f} ms,"
                f" max {max(lat):.1f} ms"
            )
    held = sum(p for p, _ in pauses)
    print(f"GIL pauses over {PAUSE * 1000:.0f} ms during the warm-up: {len(pauses)}, {held:.2f} s in all")
    for p, at in sorted(pauses, reverse=True)[:5]:
        print(f"  {p * 1000:6.0f} ms  warm-up at {at}")


def where(thread_ids: list[int]) -> str:
    """The innermost frames of the warm-up thread now (where it was when the pause ended)."""
    frames = sys._current_frames()
    for tid in thread_ids:
        if tid in frames:
            stack = traceback.extract_stack(frames[tid])[-3:]
            return " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))
    return "?"


if __name__ == "__main__":
    main()
