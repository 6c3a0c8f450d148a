"""This process's index and how it follows the database, the source of truth.

Every profile write appends to the change log in the same transaction (see
`matcher.app.unit_of_work`); one owner per process, the `IndexFollower`, calls `catch_up` to apply
what it has not seen. Readers never change anything: they take `snapshot`, an immutable view of
roster, language centering and change-log position (with the vector and lexical indexes it
searches), and keep it for the whole request. A change builds a new roster and swaps the snapshot
whole; a rebuild swaps every part at once.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from embeddings.calibration import encode_calibration
from embeddings.encoder import Encoder, Vectors
from embeddings.language import Calibration, LanguageCentering
from matcher.index import VectorIndex, choose_backend, make_index
from matcher.index.lexical import LexicalIndex, LexicalIndexes, LexicalKey, lexical_key
from matcher.index.manifest import IndexManifest
from matcher.index.roster import Entry, Roster, RosterBuilder, column_rows, entry_rows, roster_entry
from profiles.embedding import embed_statements
from profiles.models import Availability, Employee, StrengthStatement
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)

CENTERING_FILE = "centering.npz"
# Rebuild (and refit the language means) when this share of the roster changed at once.
BULK_CHANGE_SHARE = 0.2

SessionFactory = Callable[[], AbstractContextManager[Session]]


def is_indexable(employee: Employee) -> bool:
    """Hidden and unavailable employees never enter the index, so no search can return them."""
    return bool(employee.visible) and employee.availability != Availability.unavailable


@dataclass(frozen=True)
class IndexSnapshot:
    """What one request reads: never changed once published (the indexes change only by additions
    and removals the roster already accounts for, so a hit outside the roster is skipped)."""

    vectors: VectorIndex
    lexical: LexicalIndexes
    roster: Roster
    centering: LanguageCentering
    change_seq: int
    loaded: bool = False

    def lexical_index(self, mode: str, prefix: int) -> LexicalIndex:
        """The BM25 index of one normalisation (built from the roster on first use)."""
        return self.lexical.get(lexical_key(mode, prefix), self.roster.texts())


class IndexSync:
    """The current `snapshot` for readers, and the writer methods only the follower calls."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        backend: str = "faiss",
        index_dir: Path | None = None,
        centering_strength: float = 1.0,
        centering_min_statements: int = 20,
        lexical_keys: Iterable[LexicalKey] = (),
        repository: ProfileRepository | None = None,
    ) -> None:
        self.encoder = encoder
        # "auto" is resolved by size at each load and rebuild; `backend` is the one in use.
        self.requested_backend = backend
        self.backend = choose_backend(backend, 0)
        self.index_dir = index_dir
        self.repo = repository or ProfileRepository()
        self.centering_strength = centering_strength
        self.centering_min = centering_min_statements
        self.snapshot = IndexSnapshot(
            vectors=make_index(self.backend, encoder.info.dimension),
            lexical=LexicalIndexes(lexical_keys),
            roster=Roster(),
            centering=LanguageCentering(),
            change_seq=0,
        )
        self._fitted_count = 0
        self._calibration: Calibration | None = None
        # Writers are serialised; readers never take this lock.
        self._write_lock = threading.RLock()

    # -- read-only views of the current snapshot (tools and tests; requests take `snapshot` once) --
    @property
    def index(self) -> VectorIndex:
        """The vector index of the current snapshot."""
        return self.snapshot.vectors

    @property
    def roster(self) -> Roster:
        """The roster of the current snapshot."""
        return self.snapshot.roster

    @property
    def centering(self) -> LanguageCentering:
        """The language centering of the current snapshot."""
        return self.snapshot.centering

    @property
    def change_seq(self) -> int:
        """The change-log position the current snapshot reflects."""
        return self.snapshot.change_seq

    @property
    def loaded(self) -> bool:
        """True once the index was loaded or built at start."""
        return self.snapshot.loaded

    # -- start-up -------------------------------------------------------------------------
    def start(self, session: Session, *, progress: bool = False) -> str:
        """Load the saved index if it fits this encoder and the database, else rebuild; returns which."""
        with self._write_lock:
            if self._try_load(session):
                self.catch_up(session)
                snap = self.snapshot
                if np.array_equal(np.sort(snap.vectors.ids()), snap.roster.all_statement_ids()):
                    self.snapshot = replace(snap, loaded=True)
                    return "loaded"
                logger.warning("index_stale reason=ids_mismatch")
            self.rebuild(session, progress=progress)
            return "rebuilt"

    def _try_load(self, session: Session) -> bool:
        if self.index_dir is None:
            return False
        manifest = IndexManifest.load(self.index_dir)
        info = self.encoder.info
        backend = choose_backend(self.requested_backend, manifest.count) if manifest else self.backend
        if manifest is None or not manifest.matches(model_id=info.model_id, dimension=info.dimension, backend=backend):
            if (self.index_dir / "manifest.json").exists():
                logger.warning("index_not_loaded reason=manifest_mismatch")
            return False
        if manifest.change_seq > self.repo.latest_change_seq(session):
            logger.warning("index_not_loaded reason=from_another_database")
            return False
        broken = manifest.damaged_files(self.index_dir)
        if broken:
            logger.warning("index_corrupt files=%s action=rebuild_from_stored_vectors", ",".join(broken))
            return False
        vectors = make_index(backend, info.dimension)
        try:
            vectors.load(self.index_dir)
            path = self.index_dir / CENTERING_FILE
            centering = LanguageCentering.load(path) if path.exists() else LanguageCentering()
        except (OSError, RuntimeError, ValueError, KeyError) as exc:
            logger.warning("index_load_failed error=%s action=rebuild_from_stored_vectors", type(exc).__name__)
            return False
        centering.strength = self.centering_strength
        self.backend = backend
        builder = RosterBuilder()
        for emps, stmts in self.repo.iter_roster_rows(session):
            builder.add(column_rows(emps, stmts))
        roster = builder.build()
        lexical = LexicalIndexes(self.snapshot.lexical.keys())
        lexical.apply(remove=(), add=roster.texts())
        self.snapshot = IndexSnapshot(vectors, lexical, roster, centering, manifest.change_seq)
        self._fitted_count = len(roster.statements)
        logger.info("index_loaded count=%d change_seq=%d", len(vectors), manifest.change_seq)
        return True

    # -- full rebuild ---------------------------------------------------------------------
    def reembed(self, sessions: SessionFactory, *, progress: bool = False, batch: int = 512) -> int:
        """Store a vector of the current model for every statement lacking one (a model change).

        Each batch is its own unit of work, so an interrupted re-embed keeps what it finished.
        """
        model_id = self.encoder.info.model_id
        with sessions() as session:
            total = self.repo.count_needing_embedding(session, model_id=model_id)
        done = 0
        bar = _bar(total, "re-embedding", progress)
        while True:
            with sessions() as session:
                todo = self.repo.statements_needing_embedding(session, model_id=model_id, limit=batch)
                if todo:
                    embed_statements(self.encoder, todo)
            if not todo:
                break
            done += len(todo)
            bar(len(todo))
        bar(None)
        if done:
            logger.info("statements_reembedded count=%d model=%s", done, model_id)
        return done

    def rebuild(self, session: Session, *, progress: bool = False) -> int:
        """Build index, roster and centering from stored vectors and swap them in at once."""
        started = time.perf_counter()
        with self._write_lock:
            seq = self.repo.latest_change_seq(session)
            builder = RosterBuilder()
            ids: list[int] = []
            vectors: list[Vectors] = []
            langs: list[str] = []
            for batch in self.repo.iter_indexable(session):
                builder.add(entry_rows(roster_entry(emp) for emp in batch))
                for emp in batch:
                    for s in emp.statements:
                        ids.append(s.id)
                        vectors.append(self._raw_vector(s))
                        langs.append(s.language)
            dim = self.encoder.info.dimension
            raw = np.stack(vectors) if vectors else np.zeros((0, dim), dtype=np.float32)
            centering = self._fit_centering(raw, langs)
            self.backend = choose_backend(self.requested_backend, len(ids))
            index = make_index(self.backend, dim)
            if ids:
                index.add(np.asarray(ids, dtype=np.int64), centering.apply(raw, langs))
            roster = builder.build()
            lexical = LexicalIndexes(self.snapshot.lexical.keys())
            lexical.apply(remove=(), add=roster.texts())
            self.snapshot = IndexSnapshot(index, lexical, roster, centering, seq, loaded=True)
            self._fitted_count = len(ids)
            self.save()
        logger.info("index_rebuilt count=%d seconds=%.2f", len(ids), time.perf_counter() - started)
        return len(ids)

    def _fit_centering(self, raw: Vectors, langs: list[str]) -> LanguageCentering:
        if self.centering_strength == 0:
            return LanguageCentering()
        if self._calibration is None:
            self._calibration = encode_calibration(self.encoder)
        return LanguageCentering.fit(
            raw, langs, strength=self.centering_strength, min_count=self.centering_min, calibration=self._calibration
        )

    def _raw_vector(self, stmt: StrengthStatement) -> Vectors:
        if stmt.embedding is None or stmt.model_id != self.encoder.info.model_id:
            # Written by a replica with another model: encode here rather than mix spaces.
            encoded: Vectors = self.encoder.encode_documents([stmt.text])[0]
            return encoded
        return np.frombuffer(stmt.embedding, dtype=np.float32)

    def save(self) -> None:
        """Write index, centering and manifest atomically (temp dir, then rename)."""
        if self.index_dir is None:
            return
        with self._write_lock:
            snap = self.snapshot
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=self.index_dir.parent))
            try:
                snap.vectors.save(tmp)
                if snap.centering.means:
                    snap.centering.save(tmp / CENTERING_FILE)
                info = self.encoder.info
                IndexManifest.now(
                    model_id=info.model_id,
                    dimension=info.dimension,
                    backend=self.backend,
                    count=len(snap.vectors),
                    change_seq=snap.change_seq,
                    centering=snap.centering.active,
                    files=IndexManifest.checksums(tmp),
                ).save(tmp)
                old = self.index_dir.with_name(self.index_dir.name + ".old")
                shutil.rmtree(old, ignore_errors=True)
                if self.index_dir.exists():
                    self.index_dir.rename(old)
                tmp.rename(self.index_dir)
                shutil.rmtree(old, ignore_errors=True)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)

    # -- incremental ----------------------------------------------------------------------
    def catch_up(self, session: Session) -> int:
        """Apply every logged change not yet seen; returns how many employees were refreshed."""
        with self._write_lock:
            snap = self.snapshot
            if self.repo.latest_change_seq(session) <= snap.change_seq:
                return 0
            seq, changed = self.repo.changed_since(session, seq=snap.change_seq)
            if not changed:
                self.snapshot = replace(snap, change_seq=max(snap.change_seq, seq))
                return 0
            if self._should_refit(len(changed)):
                self.rebuild(session)
                return len(changed)
            self._refresh(session, changed, seq)
        return len(changed)

    def _should_refit(self, n_changed: int) -> bool:
        if self.centering_strength == 0:
            return n_changed > max(1000, BULK_CHANGE_SHARE * len(self.snapshot.roster))
        return n_changed > max(50, BULK_CHANGE_SHARE * len(self.snapshot.roster))

    def _refresh(self, session: Session, employee_ids: list[int], seq: int) -> None:
        snap = self.snapshot
        present = {e.id: e for e in self.repo.get_many_by_ids(session, ids=employee_ids)}
        puts: list[Entry] = []
        ids: list[int] = []
        raw: list[Vectors] = []
        langs: list[str] = []
        for eid in employee_ids:
            emp = present.get(eid)
            if emp is None or not is_indexable(emp):
                continue
            puts.append(roster_entry(emp))
            for s in emp.statements:
                ids.append(s.id)
                raw.append(self._raw_vector(s))
                langs.append(s.language)
        # Everything is computed before anything changes, so the window in which the indexes
        # are ahead of the published roster is as short as it can be.
        centered = snap.centering.apply(np.stack(raw), langs) if ids else None
        old = snap.roster.statement_ids_of(employee_ids)
        stale = np.asarray(sorted(old - set(ids)), dtype=np.int64)
        snap.vectors.remove(stale)
        if centered is not None:
            snap.vectors.add(np.asarray(ids, dtype=np.int64), centered)
        snap.lexical.apply(remove=old, add=((s.id, s.text, s.language) for _, stmts in puts for s in stmts))
        roster = snap.roster.with_changes(put=puts, drop=employee_ids)
        self.snapshot = replace(snap, roster=roster, change_seq=seq)
        logger.info("index_refreshed employees=%d added=%d removed=%d", len(employee_ids), len(ids), len(stale))

    def in_step(self, latest_seq: int) -> bool:
        """True when loaded and no logged change up to `latest_seq` is pending."""
        snap = self.snapshot
        return snap.loaded and latest_seq <= snap.change_seq


def _bar(total: int, desc: str, enabled: bool) -> Callable[[int | None], None]:
    """A tqdm bar as a callback: n advances it, None closes it."""
    if not enabled or total == 0:
        return lambda _n: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc=desc, unit="statement")

    def update(n: int | None) -> None:
        if n is None:
            bar.close()
        else:
            bar.update(n)

    return update


__all__ = ["IndexSnapshot", "IndexSync", "is_indexable"]
