"""Velho against its peer, side by side in one run: txtai's API with the same e5 weights and statements.

    .venv/bin/pip install -e ".[bench]"            # txtai, py-spy, pyinstrument (never a serving dependency)
    HF_HUB_OFFLINE=1 nice -n 10 .venv/bin/python benchmarks/speed_vs_peer.py [--requests 300] [--work DIR]

Both servers run at once on loopback over the ESCO dev organisation (3,500 people, 17,890
statements), each in its own process; requests go over real HTTP with k=10, and every phase
alternates between the two so they share whatever else loads the machine. Prints, for each
figure, Velho, the peer and Velho/peer: one client p50/p99; 4 concurrent clients throughput,
p50 and p99; serving RSS; Velho's per-request breakdown from its `Server-Timing` header; and the
quality of both on the ESCO dev set (nDCG@10, R@10, MRR@10), so speed is never bought with quality.

The peer gets Velho's statements with ids `<person>#<n>`; the client asks for 40 statements and
keeps each person's best (widening when fewer than k people come back), as Velho's engine does.
`--work DIR` keeps the imported store and the peer's index for the next run. Asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from cluster import ADMIN_TOKEN, ApiProcess, free_port  # noqa: E402
from latency import concurrent, parse_server_timing, pct, sequential  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "esco_org_dev"
CLIENTS = 4
Call = Callable[[httpx.Client, str], list[str]]


# -- the two servers ----------------------------------------------------------------------------
def velho_env(extra: dict[str, str]) -> dict[str, str]:
    """Velho as a deployment would run it: default model and settings, quiet logs."""
    return {"VELHO_MODEL": "e5", "VELHO_LOG_LEVEL": "WARNING", **extra}


def import_velho(work: Path, extra: dict[str, str]) -> float:
    """`velho import` of the ESCO organisation into work/velho (once per work dir); seconds taken."""
    from matcher.evaluation.dataset import load_eval_set

    data_dir = work / "velho"
    if (data_dir / "velho.db").exists():
        return 0.0
    data = load_eval_set(DATA)
    src = work / "esco.jsonl"
    rows = [json.dumps({"external_id": e, **p.model_dump()}, ensure_ascii=False) for e, p in data.profiles]
    src.write_text("\n".join(rows))
    env = os.environ | {"VELHO_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"} | velho_env(extra)
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "velho"), "import", str(src)], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - started


def st_folder(work: Path) -> Path:
    """The converted sentence-transformers folder of the adapted e5 that Velho's import prepared."""
    from embeddings.adaptation.adapter import load_adapter
    from embeddings.e5_convert import variant_name

    folder = work / "velho" / "cache" / f"{variant_name(load_adapter())}-st-v2"
    if not (folder / "model.safetensors").exists():
        raise RuntimeError(f"no converted model at {folder}")
    return folder


def build_peer(work: Path) -> Path:
    """The peer's saved index and API config (once per work dir)."""
    out = work / "txtai"
    if not (out / "config.yml").exists():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "peer_txtai.py"), "build", "--folder", str(st_folder(work)),
             "--profiles", str(DATA / "profiles.jsonl"), "--out", str(out)],
            check=True, env=os.environ | {"HF_HUB_OFFLINE": "1"},
        )  # fmt: skip
        # The API needs an `embeddings` section to publish /search; the saved index's own config wins.
        from peer_txtai import embeddings_config

        (out / "config.yml").write_text(
            f"path: {out / 'index'}\nwritable: false\nembeddings: {json.dumps(embeddings_config(st_folder(work)))}\n"
        )
    return out / "config.yml"


class PeerProcess:
    """txtai's API (uvicorn txtai.api:app) on a loopback port."""

    def __init__(self, config: Path, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.config = config

    def start(self) -> PeerProcess:
        env = os.environ | {"CONFIG": str(self.config), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
        out = open(self.log, "ab")  # noqa: SIM115 - owned by the child
        self.process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "txtai.api:app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "warning"], env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        return self

    def wait_ready(self, timeout: float = 300.0) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"txtai exited: {self.log.read_text()[-3000:]}")
            try:
                r = httpx.get(f"{self.base_url}/search", params={"query": "x", "limit": 1}, timeout=30)
                if r.status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise TimeoutError("txtai not ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


# -- one request each -----------------------------------------------------------------------------
def velho_call(timings: list[dict[str, float]] | None = None) -> Call:
    """POST /v1/match with k=10; collects the Server-Timing parts when asked."""

    def call(client: httpx.Client, text: str) -> list[str]:
        r = client.post("/v1/match", json={"text": text, "k": 10})
        r.raise_for_status()
        if timings is not None:
            timings.append(parse_server_timing(r.headers.get("server-timing", "")))
        return [item["external_id"] for item in r.json()["results"]]

    return call


def peer_call(client: httpx.Client, text: str, k: int = 10) -> list[str]:
    """GET /search, then each person's best statement, widening until k people (as Velho does)."""
    limit = 40
    while True:
        r = client.get("/search", params={"query": text, "limit": limit})
        r.raise_for_status()
        hits = r.json()
        people: list[str] = []
        for hit in hits:
            person = str(hit["id"]).split("#", 1)[0]
            if person not in people:
                people.append(person)
        if len(people) >= k or len(hits) < limit:
            return people[:k]
        limit *= 4


# -- memory --------------------------------------------------------------------------------------
def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident set of a process in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = value
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


# -- quality -------------------------------------------------------------------------------------
def quality(base_url: str, call: Call, headers: dict[str, str]) -> dict[str, float]:
    """nDCG@10, R@10 and MRR@10 over the ESCO dev requests, through the server's own API."""
    from matcher.evaluation.dataset import load_eval_set
    from matcher.evaluation.metrics import average, request_metrics

    data = load_eval_set(DATA)
    rows = []
    with httpx.Client(base_url=base_url, headers=headers, timeout=120) as client:
        for req in data.requests:
            rows.append(request_metrics(call(client, req.text), data.qrels.get(req.id, {})))
    return average(rows)


def request_texts(n: int) -> list[str]:
    """n distinct requests: the 200 ESCO dev requests, then statements phrased as requests."""
    texts = [json.loads(line)["text"][:2000] for line in (DATA / "requests.jsonl").read_text().splitlines()]
    extra: list[str] = []
    for line in (DATA / "profiles.jsonl").read_text().splitlines():
        for s in json.loads(line)["strengths"]:
            if len(s.split()) >= 4:
                extra.append(f"I need help with: {s}")
    extra = list(dict.fromkeys(extra))
    return (texts + extra[:: max(1, len(extra) // max(1, n - len(texts)))])[:n]


def row(name: str, velho: float, peer: float | None, unit: str, better: str) -> str:
    """One table line with the ratio Velho/peer (`better` says which way is good)."""
    if peer is None:
        return f"| {name} | {velho:.1f} {unit} | - | - |"
    ratio = velho / peer if peer else float("nan")
    return f"| {name} | {velho:.1f} {unit} | {peer:.1f} {unit} | {ratio:.2f} ({better} is better) |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds per concurrent phase")
    parser.add_argument("--work", type=Path, default=None, help="keep the stores here between runs")
    parser.add_argument("--no-peer", action="store_true", help="Velho alone (e.g. before/after a change)")
    parser.add_argument("--no-quality", action="store_true")
    parser.add_argument(
        "--gap", type=float, default=0.0,
        help="idle seconds before each one-client request (neither server's busy-waiting threads meet the other's)",
    )  # fmt: skip
    parser.add_argument("--env", action="append", default=[], help="extra VELHO_* setting for the server, K=V")
    args = parser.parse_args()
    extra = dict(kv.split("=", 1) for kv in args.env)
    work = args.work or Path(tempfile.mkdtemp(prefix="velho-speed-"))
    work.mkdir(parents=True, exist_ok=True)
    texts = request_texts(args.requests)
    print(f"work dir {work}; {len(texts)} distinct requests; load average {os.getloadavg()[0]:.1f}", flush=True)
    took = import_velho(work, extra)
    if took:
        print(f"velho import of the ESCO organisation: {took:.1f} s", flush=True)
    peer: PeerProcess | None = None
    if not args.no_peer:
        config = build_peer(work)
        peer = PeerProcess(config, work / "txtai.log").start()
    velho = ApiProcess(
        database_url=f"sqlite:///{work / 'velho' / 'velho.db'}", data_dir=work / "velho", env=velho_env(extra)
    ).start()
    try:
        start_v = velho.wait_ready(600)
        start_p = peer.wait_ready() if peer else None
        print(f"ready: velho {start_v:.1f} s" + (f", peer {start_p:.1f} s" if start_p else ""), flush=True)
        vh = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
        timings: list[dict[str, float]] = []
        sides: list[tuple[str, str, Call, dict[str, str]]] = [("velho", velho.base_url, velho_call(timings), vh)]
        if peer:
            sides.append(("peer", peer.base_url, peer_call, {}))
        for _, url, call, h in sides:  # warm-up
            sequential(url, h, texts[:10], call)
        timings.clear()
        single: dict[str, list[float]] = {name: [] for name, *_ in sides}
        for text in texts:  # one client: the two servers take turns request by request
            for name, url, call, h in sides:
                time.sleep(args.gap)
                single[name] += sequential(url, h, [text], call).latencies_ms
        single_timings = list(timings)
        multi: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name, *_ in sides}
        for _ in range(args.rounds):
            for name, url, call, h in sides:
                run = concurrent(url, h, texts, call, clients=CLIENTS)
                multi[name][0].extend(run.latencies_ms)
                multi[name][1].append(run.per_second)
        multi_timings = timings[len(single_timings) :]
        rss = {"velho": rss_mb(velho.process.pid)}  # type: ignore[union-attr]
        if peer:
            rss["peer"] = rss_mb(peer.process.pid)  # type: ignore[union-attr]
        qual = {}
        if not args.no_quality:
            for name, url, call, h in sides:
                qual[name] = quality(url, velho_call() if name == "velho" else call, h)
    finally:
        velho.stop()
        if peer:
            peer.stop()

    def fig(name: str) -> dict[str, float]:
        lat1 = single[name]
        latn, qps = multi[name]
        return {
            "p50": pct(lat1, 0.5), "p99": pct(lat1, 0.99), "qps": statistics.mean(qps),
            "c_p50": pct(latn, 0.5), "c_p99": pct(latn, 0.99), "rss": rss[name][0], "hwm": rss[name][1],
        }  # fmt: skip

    v = fig("velho")
    p = fig("peer") if peer else None
    print(f"\n{len(texts)} requests over HTTP, k=10, one client, then {CLIENTS} clients at once x {args.rounds} rounds")
    print("| figure | Velho | peer (txtai) | Velho/peer |\n|---|---|---|---|")
    for key, label, unit, better in [
        ("p50", "one client: p50", "ms", "lower"), ("p99", "one client: p99", "ms", "lower"),
        ("qps", f"{CLIENTS} clients: throughput", "q/s", "higher"), ("c_p50", f"{CLIENTS} clients: p50", "ms", "lower"),
        ("c_p99", f"{CLIENTS} clients: p99", "ms", "lower"), ("rss", "serving RSS after the run", "MB", "lower"),
        ("hwm", "serving peak RSS", "MB", "lower"),
    ]:  # fmt: skip
        print(row(label, v[key], p[key] if p else None, unit, better))
    if start_p:
        print(row("start, saved index to ready", start_v, start_p, "s", "lower"))
    for label, parts in (("one client", single_timings), (f"{CLIENTS} clients at once", multi_timings)):
        print(f"\nVelho per request, {label} (Server-Timing, ms): part p50 / p99 / mean")
        for part in ("encode", "search", "rank", "db", "total"):
            vals = [t.get(part, 0.0) for t in parts]
            print(f"  {part:7s} {pct(vals, 0.5):7.2f} {pct(vals, 0.99):7.2f} {statistics.mean(vals):7.2f}")
    if qual:
        print("\nquality on the ESCO dev set (200 requests, through each API)")
        print("| metric | Velho | peer | Velho − peer |\n|---|---|---|---|")
        for metric in ("ndcg@10", "recall@10", "mrr@10"):
            vq = qual["velho"].get(metric, float("nan"))
            pq = qual.get("peer", {}).get(metric, float("nan"))
            print(f"| {metric} | {vq:.3f} | {pq:.3f} | {vq - pq:+.3f} |")


if __name__ == "__main__":
    main()
