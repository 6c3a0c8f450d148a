"""Small builders that go through the real services."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from embeddings.encoder import Encoder, EncoderInfo, Vectors
from matcher.app.wiring import Velho
from profiles.actor import Actor
from profiles.schemas import ProfileCreate


def profile(name: str = "Test Person", strengths: list[str] | None = None, **fields: Any) -> ProfileCreate:
    """A valid profile body."""
    return ProfileCreate(name=name, strengths=[{"text": s} for s in (strengths or [])], **fields)  # type: ignore[misc]


def put(
    velho: Velho, external_id: str, name: str = "Test Person", strengths: list[str] | None = None, **fields: Any
) -> None:
    """Create or replace a profile through the service, committed."""
    with velho.session() as session:
        velho.profiles.upsert(
            session, external_id=external_id, data=profile(name, strengths, **fields), actor=Actor.admin()
        )


def body(name: str = "Test Person", strengths: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    """A JSON body for PUT /v1/employees/{id}."""
    return {"name": name, "strengths": [{"text": s} for s in (strengths or [])], **fields}


class LetsAnotherWriterIn:
    """The real encoder; the first time it is asked to encode, another writer commits first.

    Encoding is where a profile write spends its time between reading the stored row and writing
    it back, so this places a competing write exactly in that window, every time.
    """

    def __init__(self, inner: Encoder, competitor: Callable[[], None]) -> None:
        self.inner, self.competitor = inner, competitor

    @property
    def info(self) -> EncoderInfo:
        return self.inner.info

    def encode_queries(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        return self.inner.encode_queries(texts, progress=progress)

    def encode_documents(self, texts: Sequence[str], *, progress: bool = False) -> Vectors:
        competitor, self.competitor = self.competitor, lambda: None
        competitor()
        return self.inner.encode_documents(texts, progress=progress)
