"""Fills in each statement's language, text hash and vector before it is stored."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from embeddings.cache import text_hash
from embeddings.encoder import Encoder
from embeddings.language import detect_language
from profiles.models import StrengthStatement


def statement_hash(text: str) -> str:
    """Hash stored with a statement; unchanged text keeps its vector."""
    return text_hash(text)


def embed_statements(encoder: Encoder, statements: Sequence[StrengthStatement], *, progress: bool = False) -> int:
    """Encode statements lacking a vector of the encoder's model; returns how many were encoded."""
    model_id = encoder.info.model_id
    todo = [s for s in statements if s.embedding is None or s.model_id != model_id]
    if not todo:
        return 0
    vectors = encoder.encode_documents([s.text for s in todo], progress=progress)
    for stmt, vec in zip(todo, vectors, strict=True):
        stmt.embedding = np.asarray(vec, dtype=np.float32).tobytes()
        stmt.model_id = model_id
    return len(todo)


def new_statement(
    *, text: str, level: int | None, language: str | None, position: int, kind: str = "declared"
) -> StrengthStatement:
    """A statement with its hash and language set (vector comes from `embed_statements`)."""
    return StrengthStatement(
        text=text,
        level=level,
        language=language or detect_language(text),
        position=position,
        kind=kind,
        text_hash=statement_hash(text),
    )
