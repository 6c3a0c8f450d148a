"""A large organisation whose statement vectors have real structure, for the scale benchmarks.

    .venv/bin/python benchmarks/structured_org.py --people 100000 --store ESCO_STORE/velho.db --out DIR

Base vectors are the real e5 vectors (the default, adapted model) of the ESCO organisation's
distinct statements (3,132 fi/en texts), read from a store that imported it. Each of the people's
statements is one base vector plus a small
Gaussian perturbation (cosine about 0.95 to its base, a paraphrase's distance), renormalised: many
near neighbours of varied density, as real statements have. Random unit vectors have none (every
vector is about equally far from every other, so no approximate index can tell neighbours apart).
The people are written straight into a SQLite store (with the change log), as an import leaves it.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Per-dimension noise: a perturbation of norm ~0.33, so cosine to the base vector ~0.95.
NOISE = 0.017
UNITS = 40


def base_vectors(store: Path) -> tuple[npt.NDArray[np.float32], list[tuple[str, str]]]:
    """The stored e5 vectors (default, adapted model) of every distinct statement of an ESCO store."""
    import sqlite3

    from embeddings.adaptation.adapter import load_adapter

    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    rows = conn.execute(
        "SELECT text, language, embedding FROM strength_statement WHERE model_id = ? GROUP BY text_hash",
        (load_adapter().model_id,),
    ).fetchall()
    conn.close()
    if not rows:
        raise RuntimeError(f"no statements of the default model in {store}: import the ESCO organisation first")
    vecs = np.stack([np.frombuffer(blob, dtype=np.float32) for _, _, blob in rows])
    return vecs, [(text, lang) for text, lang, _ in rows]


def statement_vectors(base: npt.NDArray[np.float32], n: int, seed: int) -> tuple[npt.NDArray[np.float32], np.ndarray]:
    """n perturbed copies of random base vectors, and which base each came from."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(base), size=n)
    vecs = base[which] + rng.normal(0, NOISE, size=(n, base.shape[1])).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs.astype(np.float32), which


def write_store(db: Path, people: int, per: int, base: npt.NDArray[np.float32], texts: list[tuple[str, str]],
                model_id: str, seed: int = 0) -> None:  # fmt: skip
    """people × per statements into a fresh SQLite store at `db`, as an import would leave it."""
    from sqlalchemy import insert

    from matcher.app.migrate import upgrade_database
    from profiles.db import make_engine
    from profiles.models import Employee, ProfileChange, StrengthStatement

    engine = make_engine(f"sqlite:///{db}")
    upgrade_database(engine)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    rng = np.random.default_rng(seed + 1)
    with engine.begin() as conn:
        for start in range(0, people, 5000):
            ids = list(range(start + 1, min(start + 5000, people) + 1))
            vecs, which = statement_vectors(base, len(ids) * per, seed + start)
            langs = rng.choice(["fi", "sv", "en"], size=len(ids), p=[0.8, 0.05, 0.15])
            conn.execute(insert(Employee), [
                {"id": i, "external_id": f"S{i:06d}", "name": f"Person {i}", "unit": f"Unit {i % UNITS}",
                 "title": None, "supervisor": False, "languages": sorted({"fi", str(lang)}),
                 "availability": "available", "capacity": 3, "visible": True, "version": 1,
                 "created_at": now, "updated_at": now}
                for i, lang in zip(ids, langs, strict=True)
            ])  # fmt: skip
            rows = []
            for row, i in enumerate(ids):
                for j in range(per):
                    text, lang = texts[int(which[row * per + j])]
                    rows.append({
                        "employee_id": i, "position": j, "text": text, "level": None, "language": lang,
                        "kind": "declared", "text_hash": f"s{i}-{j}", "model_id": model_id,
                        "embedding": vecs[row * per + j].tobytes(), "created_at": now,
                    })  # fmt: skip
            conn.execute(insert(StrengthStatement), rows)
        conn.execute(insert(ProfileChange), [{"employee_id": 0, "at": now}])
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--per", type=int, default=5)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--store", type=Path, required=True, help="velho.db of a store holding the ESCO organisation")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    base, texts = base_vectors(args.store)
    from embeddings.adaptation.adapter import load_adapter

    db = args.out / "velho.db"
    db.unlink(missing_ok=True)
    started = time.perf_counter()
    write_store(db, args.people, args.per, base, texts, load_adapter().model_id)
    print(f"{args.people:,} people x {args.per} statements written in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
