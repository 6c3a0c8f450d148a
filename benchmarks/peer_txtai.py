"""The peer for `speed_vs_peer.py`: txtai's API serving the same converted e5 over the same statements.

    python benchmarks/peer_txtai.py build --folder ST_FOLDER --profiles profiles.jsonl --out DIR

`build` embeds every statement with txtai (the same sentence-transformers folder Velho's batch
path runs, with e5's `query: ` / `passage: ` prefixes as txtai instructions), saves the index in
DIR/index and writes DIR/config.yml for `CONFIG=DIR/config.yml uvicorn txtai.api:app`. Statement
ids are `<external_id>#<position>`, so a client groups hits by person. Needs the `bench` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

SEPARATOR = "#"


def embeddings_config(folder: Path) -> dict[str, Any]:
    """txtai settings: the sentence-transformers folder, flat inner-product FAISS, stored text."""
    return {
        "path": str(folder),
        "method": "sentence-transformers",
        "instructions": {"query": "query: ", "data": "passage: "},
        "content": True,
        # A flat index: exact, like Velho's default at this size.
        "backend": "faiss",
        "faiss": {"components": "IDMap,Flat"},
        "batch": 64,
        "encodebatch": 64,
    }


def statements(profiles: Path) -> list[tuple[str, str]]:
    """(statement id, text) for every statement of the organisation, as Velho imports them."""
    out: list[tuple[str, str]] = []
    for line in profiles.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        rec = json.loads(line)
        texts = [t[:1000] for t in rec.get("strengths", []) if t and t.strip()][:50]
        out += [(f"{rec['external_id']}{SEPARATOR}{i}", t) for i, t in enumerate(texts)]
    return out


def build(folder: Path, profiles: Path, out: Path) -> None:
    """Index every statement with txtai and write the API config that loads the saved index."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from txtai import Embeddings

    rows = statements(profiles)
    started = time.perf_counter()
    emb = Embeddings(embeddings_config(folder))
    emb.index((sid, text, None) for sid, text in rows)
    emb.save(str(out / "index"))
    print(f"peer index: {len(rows)} statements in {time.perf_counter() - started:.1f} s")
    # The API loads the saved index read-only; no other pipeline is configured.
    (out / "config.yml").write_text(f"path: {out / 'index'}\nwritable: false\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--folder", type=Path, required=True)
    b.add_argument("--profiles", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    build(args.folder, args.profiles, args.out)


if __name__ == "__main__":
    main()
