"""Switching a store from the unadapted e5 to the adapted default re-embeds every statement under
the adapter's own model id and rebuilds the index; the two vector spaces never mix."""

from __future__ import annotations

from builders import put
from sqlalchemy import Engine, select

from embeddings.cache import CachedEncoder, EmbeddingCache
from embeddings.e5_encoder import E5_MODEL_ID
from embeddings.encoder import Encoder
from matcher.app.settings import Settings
from matcher.app.wiring import Velho, build
from matcher.index.manifest import IndexManifest
from matcher.matching.schemas import MatchCreate
from profiles.models import StrengthStatement


def test_unadapted_store_is_reembedded_for_the_adapted_model(
    velho: Velho, settings: Settings, engine: Engine, adapted_e5: Encoder
) -> None:
    put(velho, "p1", "Priya", ["De-escalating conflicts with aggressive or distressed clients"])
    put(velho, "p2", "Jukka", ["Asiakasmaksujen laskutus ja perintä", "Excel-raportit ja pivot-taulukot"])
    with velho.session() as s:
        assert {m for (m,) in s.execute(select(StrengthStatement.model_id))} == {E5_MODEL_ID}
    velho.close()  # the unadapted process stops; the adapted one starts on the same database

    cache = EmbeddingCache(settings.data_dir / "switch.sqlite")
    adapted = build(settings, encoder=CachedEncoder(adapted_e5, cache), engine=engine)
    assert adapted.start() == "rebuilt"  # the saved index belongs to the other model
    model_id = adapted_e5.info.model_id
    with adapted.session() as s:
        assert {m for (m,) in s.execute(select(StrengthStatement.model_id))} == {model_id}
        out = adapted.matching.match(s, MatchCreate(text="Miten rauhoitan hankalia asiakastilanteita?", k=2))
    assert out.results[0].external_id == "p1"
    manifest = IndexManifest.load(adapted.sync.index_dir)
    assert manifest is not None and manifest.model_id == model_id != E5_MODEL_ID
    assert cache.count(model_id) > 0 and cache.count(E5_MODEL_ID) == 0  # this cache holds the new space only
    adapted.close()
