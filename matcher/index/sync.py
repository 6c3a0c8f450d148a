"""Keeps the vector index and roster in step with the database (the source of truth).

Every profile write appends to the change log in the same transaction; after the commit
(and before every search) `catch_up` re-reads the changed employees. Several API replicas
sharing PostgreSQL each follow the same log, and a rolled-back write leaves no entry.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sqlalchemy.orm import Session

from embeddings.encoder import Encoder, Vectors
from embeddings.calibration import encode_calibration
from embeddings.language import Calibration, LanguageCentering
from matcher.index import VectorIndex, make_index
from matcher.index.manifest import IndexManifest
from matcher.index.roster import Roster, RosterStatement
from profiles.embedding import embed_statements
from profiles.models import Availability, Employee, StatementKind, StrengthStatement
from profiles.repository import ProfileRepository

logger = logging.getLogger(__name__)

CENTERING_FILE = "centering.npz"
# Rebuild (and refit the language means) when this share of the roster changed at once.
BULK_CHANGE_SHARE = 0.2


def is_indexable(employee: Employee) -> bool:
    """Hidden and unavailable employees never enter the index, so no search can return them."""
    return bool(employee.visible) and employee.availability != Availability.unavailable


class IndexSync:
    """The index, the roster, the language centering and the change-log position, guarded together."""

    def __init__(
        self,
        encoder: Encoder,
        *,
        backend: str = "faiss",
        index_dir: Path | None = None,
        centering_strength: float = 1.0,
        centering_min_statements: int = 20,
        repository: ProfileRepository | None = None,
    ) -> None:
        self.encoder = encoder
        self.backend = backend
        self.index_dir = index_dir
        self.repo = repository or ProfileRepository()
        self.centering_strength = centering_strength
        self.centering_min = centering_min_statements
        self.index: VectorIndex = make_index(backend, encoder.info.dimension)
        self.roster = Roster()
        self.centering = LanguageCentering()
        self.change_seq = 0
        self.loaded = False
        self._fitted_count = 0
        self._calibration: Calibration | None = None
        self._lock = threading.RLock()

    # -- start-up -------------------------------------------------------------------------
    def start(self, session: Session, *, progress: bool = False) -> str:
        """Load the saved index if it fits this encoder and the database, else rebuild; returns which."""
        with self._lock:
            if self._try_load(session):
                self.catch_up(session)
                if set(self.index.ids().tolist()) == set(self.roster.statements):
                    self.loaded = True
                    return "loaded"
                logger.warning("index_stale reason=ids_mismatch")
            self.rebuild(session, progress=progress)
            return "rebuilt"

    def _try_load(self, session: Session) -> bool:
        if self.index_dir is None:
            return False
        manifest = IndexManifest.load(self.index_dir)
        info = self.encoder.info
        if manifest is None or not manifest.matches(model_id=info.model_id, dimension=info.dimension, backend=self.backend):
            return False
        if manifest.change_seq > self.repo.latest_change_seq(session):
            return False  # saved from another database
        try:
            self.index.load(self.index_dir)
            centering_path = self.index_dir / CENTERING_FILE
            self.centering = LanguageCentering.load(centering_path) if centering_path.exists() else LanguageCentering()
        except (OSError, RuntimeError, ValueError) as exc:
            logger.warning("index_load_failed error=%s", type(exc).__name__)
            return False
        self.centering.strength = self.centering_strength
        self.roster.clear()
        for batch in self.repo.iter_indexable(session):
            for emp in batch:
                self.roster.put(emp, _roster_statements(emp))
        self.change_seq = manifest.change_seq
        self._fitted_count = len(self.roster.statements)
        logger.info("index_loaded count=%d change_seq=%d", len(self.index), self.change_seq)
        return True

    # -- full rebuild ---------------------------------------------------------------------
    def reembed(self, session: Session, *, progress: bool = False, batch: int = 512) -> int:
        """Encode every statement that has no vector of the current model (a model change)."""
        model_id = self.encoder.info.model_id
        total = self.repo.count_needing_embedding(session, model_id=model_id)
        done = 0
        bar = _bar(total, "re-embedding", progress)
        while True:
            todo = self.repo.statements_needing_embedding(session, model_id=model_id, limit=batch)
            if not todo:
                break
            embed_statements(self.encoder, todo)
            session.flush()
            done += len(todo)
            bar(len(todo))
        bar(None)
        if done:
            logger.info("statements_reembedded count=%d model=%s", done, model_id)
        return done

    def rebuild(self, session: Session, *, progress: bool = False) -> int:
        """Rebuild index and roster from stored vectors (re-embedding only what the model lacks)."""
        started = time.perf_counter()
        with self._lock:
            self.reembed(session, progress=progress)
            seq = self.repo.latest_change_seq(session)
            ids: list[int] = []
            vectors: list[Vectors] = []
            langs: list[str] = []
            roster = Roster(self.roster.lexical_keys())  # the same lexical indexes, rebuilt alongside
            for batch in self.repo.iter_indexable(session):
                for emp in batch:
                    stmts = _roster_statements(emp)
                    roster.put(emp, stmts)
                    for s in emp.statements:
                        ids.append(s.id)
                        vectors.append(self._raw_vector(s))
                        langs.append(s.language)
            raw = np.stack(vectors) if vectors else np.zeros((0, self.encoder.info.dimension), dtype=np.float32)
            self.centering = self._fit_centering(raw, langs)
            index = make_index(self.backend, self.encoder.info.dimension)
            if len(ids):
                index.add(np.asarray(ids, dtype=np.int64), self.centering.apply(raw, langs))
            self.index, self.roster, self.change_seq = index, roster, seq
            self._fitted_count = len(ids)
            self.loaded = True
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
            return self.encoder.encode_documents([stmt.text])[0]
        return np.frombuffer(stmt.embedding, dtype=np.float32)

    def save(self) -> None:
        """Write index, centering and manifest atomically (temp dir, then rename)."""
        if self.index_dir is None:
            return
        with self._lock:
            self.index_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".index-", dir=self.index_dir.parent))
            try:
                self.index.save(tmp)
                if self.centering.means:
                    self.centering.save(tmp / CENTERING_FILE)
                info = self.encoder.info
                IndexManifest.now(
                    model_id=info.model_id,
                    dimension=info.dimension,
                    backend=self.backend,
                    count=len(self.index),
                    change_seq=self.change_seq,
                    centering=self.centering.active,
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
        latest = self.repo.latest_change_seq(session)
        if latest <= self.change_seq:
            return 0
        with self._lock:
            seq, changed = self.repo.changed_since(session, seq=self.change_seq)
            if not changed:
                self.change_seq = max(self.change_seq, seq)
                return 0
            if self._should_refit(len(changed)):
                self.rebuild(session)
                return len(changed)
            self._refresh(session, changed)
            self.change_seq = seq
        return len(changed)

    def _should_refit(self, n_changed: int) -> bool:
        if self.centering_strength == 0:
            return n_changed > max(1000, BULK_CHANGE_SHARE * len(self.roster))
        return n_changed > max(50, BULK_CHANGE_SHARE * len(self.roster))

    def _refresh(self, session: Session, employee_ids: list[int]) -> None:
        present = {e.id: e for e in self.repo.get_many_by_ids(session, ids=employee_ids)}
        remove: list[int] = []
        for eid in employee_ids:
            remove.extend(self.roster.drop(eid))
        self.index.remove(np.asarray(remove, dtype=np.int64))
        ids: list[int] = []
        raw: list[Vectors] = []
        langs: list[str] = []
        for eid in employee_ids:
            emp = present.get(eid)
            if emp is None or not is_indexable(emp):
                continue
            self.roster.put(emp, _roster_statements(emp))
            for s in emp.statements:
                ids.append(s.id)
                raw.append(self._raw_vector(s))
                langs.append(s.language)
        if ids:
            self.index.add(np.asarray(ids, dtype=np.int64), self.centering.apply(np.stack(raw), langs))
        logger.info("index_refreshed employees=%d added=%d removed=%d", len(employee_ids), len(ids), len(remove))

    def in_step(self, session: Session) -> bool:
        """True when loaded and no logged change is pending (for /readyz)."""
        return self.loaded and self.repo.latest_change_seq(session) <= self.change_seq

    def lock(self) -> threading.RLock:
        """The lock searches hold so a refresh never runs halfway through one."""
        return self._lock


def _roster_statements(emp: Employee) -> list[RosterStatement]:
    return [
        RosterStatement(
            id=s.id,
            employee_id=emp.id,
            text=s.text,
            level=s.level,
            language=s.language,
            kind=str(s.kind),
            rating=s.rating,
        )
        for s in emp.statements
    ]


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


__all__ = ["IndexSync", "is_indexable", "StatementKind"]
