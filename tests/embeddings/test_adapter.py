"""The shipped encoder adapter: its manifest, its fidelity in the converted folder, its own model
id, ONNX agreeing with torch on it, refusal of altered files, and a seeded training smoke run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from embeddings.adaptation.adapter import (
    ESCO_ATTRIBUTION,
    AdapterError,
    load_adapter,
    write_adapter,
)
from embeddings.adaptation.pairs import Pair, build_pairs, distinct_skill_batches, pairs_sha256, read_skills
from embeddings.e5_convert import FOLDER_NAME, e5_fingerprint, prepare_e5_folder
from embeddings.e5_encoder import E5_MODEL_ID
from embeddings.encoder import Encoder
from embeddings.fast_e5_encoder import FastE5Encoder
from embeddings.model_folder import MANIFEST, sha256_of

SKILLS = Path(__file__).resolve().parents[3] / "shared" / "data" / "esco_parallel" / "skills.jsonl"
TEXTS = [
    "Miten rauhoitan hankalia asiakastilanteita?",
    "De-escalating conflicts with aggressive or distressed clients",
    "Jag kan sköta sår och byta förband.",
    "Excel-makrot ja pivot-taulukot",
]


def folder_tensors(folder: Path, names: list[str]) -> dict[str, np.ndarray]:
    from safetensors import safe_open

    with safe_open(str(folder / "model.safetensors"), framework="np") as fh:
        return {n: fh.get_tensor(n) for n in names}


class TestManifest:
    def test_shipped_manifest_is_complete(self) -> None:
        adapter = load_adapter()  # verifies the weights' sha256
        m = adapter.manifest
        assert m["base_model_id"] == E5_MODEL_ID and adapter.model_id != E5_MODEL_ID
        assert adapter.model_id.endswith(adapter.weights_sha256[:10])  # a retrained adapter is a new space
        assert m["attribution"] == ESCO_ATTRIBUTION
        assert m["base_source_sha256"] == e5_fingerprint()["source_sha256"]
        assert {"seed", "batch_size", "max_seq_length", "first_trainable_layer", "learning_rate"} <= set(m["training"])
        assert len(m["data"]["file_sha256"]) == 64 and m["data"]["pairs"] > 10_000
        # Only the trained layers ship, in fp16: a few MB, not a model.
        first = m["training"]["first_trainable_layer"]
        assert all(n.startswith("encoder.layer.") and int(n.split(".")[2]) >= first for n in m["weights"]["tensors"])
        assert adapter.weights_path.stat().st_size < 16 << 20

    @pytest.mark.skipif(not SKILLS.exists(), reason="shared ESCO training file not present")
    def test_pairs_are_derived_reproducibly_from_the_shared_file(self) -> None:
        m = load_adapter().manifest
        assert sha256_of(SKILLS) == m["data"]["file_sha256"]
        pairs = build_pairs(read_skills(SKILLS), seed=m["training"]["seed"],
                            second_pair_share=m["training"]["second_pair_share"])  # fmt: skip
        assert len(pairs) == m["data"]["pairs"] and pairs_sha256(pairs) == m["data"]["pairs_sha256"]

    def test_altered_weights_are_refused(self, tmp_path: Path) -> None:
        src = load_adapter()
        shutil.copy(src.manifest_path, tmp_path / src.manifest_path.name)
        shutil.copy(src.weights_path, tmp_path / src.weights_path.name)
        assert load_adapter(tmp_path / src.manifest_path.name).model_id == src.model_id
        weights = tmp_path / src.weights_path.name
        data = bytearray(weights.read_bytes())
        data[-3] ^= 0x01  # one bit of one fp16 value
        weights.write_bytes(bytes(data))
        with pytest.raises(AdapterError, match="refusing altered weights"):
            load_adapter(tmp_path / src.manifest_path.name)
        weights.unlink()
        with pytest.raises(AdapterError, match="missing"):
            load_adapter(tmp_path / src.manifest_path.name)

    def test_manifest_without_attribution_is_refused(self, tmp_path: Path) -> None:
        src = load_adapter()
        shutil.copy(src.weights_path, tmp_path / src.weights_path.name)
        m = dict(src.manifest, attribution="")
        (tmp_path / "a.json").write_text(json.dumps(m))
        with pytest.raises(AdapterError, match="ESCO attribution"):
            load_adapter(tmp_path / "a.json")


class TestAdaptedFolder:
    def test_tensors_equal_the_shipped_file(self, adapted_e5: Encoder, e5_cache: Path) -> None:
        assert isinstance(adapted_e5, FastE5Encoder)
        adapter = load_adapter()
        shipped = adapter.tensors()
        built = folder_tensors(adapted_e5.folder, sorted(shipped))
        for name, arr in shipped.items():
            assert built[name].dtype == np.float32
            np.testing.assert_array_equal(built[name], arr, err_msg=name)
        # Everything else is the unadapted conversion, untouched.
        frozen = ["encoder.layer.0.attention.self.query.weight", "embeddings.word_embeddings.weight"]
        a, b = folder_tensors(adapted_e5.folder, frozen), folder_tensors(e5_cache / FOLDER_NAME, frozen)
        for name in frozen:
            np.testing.assert_array_equal(a[name], b[name])
        base_top = folder_tensors(e5_cache / FOLDER_NAME, sorted(shipped)[:1])
        assert not np.array_equal(base_top[sorted(shipped)[0]], shipped[sorted(shipped)[0]])
        fp = json.loads((adapted_e5.folder / MANIFEST).read_text())["fingerprint"]
        assert fp["adapter"]["weights_sha256"] == adapter.weights_sha256

    def test_own_model_id_and_other_vectors(self, adapted_e5: Encoder, e5_cache: Path) -> None:
        from embeddings.factory import build_encoder

        assert adapted_e5.info.model_id == load_adapter().model_id != E5_MODEL_ID
        assert adapted_e5.info.dimension == 384
        base = build_encoder("e5-unadapted", cache_dir=e5_cache)
        assert base.info.model_id == E5_MODEL_ID
        cos = (adapted_e5.encode_documents(TEXTS) * base.encode_documents(TEXTS)).sum(axis=1)
        assert cos.max() < 0.99  # the adapter really changes the space

    def test_onnx_follows_the_adapted_weights(self, adapted_e5: Encoder) -> None:
        assert isinstance(adapted_e5, FastE5Encoder) and adapted_e5.uses_onnx
        for prompt in ("query", "passage"):
            onnx = adapted_e5.encode_with(TEXTS, prompt, "onnx")
            st = adapted_e5.encode_with(TEXTS, prompt, "st")
            assert ((onnx * st).sum(axis=1) >= 0.999).all()
        single = adapted_e5.encode_queries(TEXTS[:1])  # the served single-query path
        assert float(single[0] @ adapted_e5.encode_with(TEXTS[:1], "query", "st")[0]) >= 0.999

    def test_factory_default_is_the_adapted_model(self, adapted_e5: Encoder, e5_cache: Path) -> None:
        from embeddings.factory import build_encoder

        enc = build_encoder("e5", cache_dir=e5_cache)
        assert isinstance(enc, FastE5Encoder) and enc.info == adapted_e5.info and enc.folder == adapted_e5.folder

    def test_a_changed_adapter_rebuilds_the_folder(self, tmp_path: Path, e5_cache: Path) -> None:
        src = load_adapter()
        changed = {k: v * 1.001 for k, v in src.tensors().items()}
        path = write_adapter(tmp_path / "a", src.name, changed, base_model_id=E5_MODEL_ID,
                             base_source_sha256=src.manifest["base_source_sha256"],
                             data=src.manifest["data"], training=src.manifest["training"])  # fmt: skip
        other = load_adapter(path)
        assert other.model_id != src.model_id  # a new space, by construction
        cache = tmp_path / "cache"
        shutil.copytree(e5_cache / FOLDER_NAME, cache / FOLDER_NAME)
        first = prepare_e5_folder(cache, adapter=src)
        stamp = (first / MANIFEST).stat().st_mtime_ns
        assert prepare_e5_folder(cache, adapter=src) == first and (first / MANIFEST).stat().st_mtime_ns == stamp
        second = prepare_e5_folder(cache, adapter=other)
        assert second == first  # same place, rebuilt for the new weights
        name = sorted(changed)[0]
        np.testing.assert_array_equal(folder_tensors(second, [name])[name], other.tensors()[name])
        assert (cache / FOLDER_NAME).exists()  # the unadapted folder is a different variant: kept


class TestFactoryFailure:
    def test_adapted_model_does_not_fall_back_silently(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        import embeddings.fast_e5_encoder as fe
        from embeddings.factory import AdaptedModelUnavailable, build_encoder

        def no_weights(cache_dir: Path, **_: object) -> Path:
            raise FileNotFoundError("e5-small-q4.bin")

        monkeypatch.setattr(fe, "prepare_e5_folder", no_weights)
        with pytest.raises(AdaptedModelUnavailable, match="VELHO_MODEL=e5-unadapted") as err:
            build_encoder("e5", cache_dir=tmp_path)
        assert "e5-small-q4.bin" in str(err.value)


class TestTraining:
    def test_batches_never_repeat_a_skill(self) -> None:
        pairs = [Pair(i % 7, f"q{i}", f"p{i}", "k") for i in range(60)]
        batches = distinct_skill_batches(pairs, 5, seed=1)
        assert all(len({p.skill for p in b}) == len(b) for b in batches)
        assert sorted(p.query for b in batches for p in b) == sorted(p.query for p in pairs)
        assert distinct_skill_batches(pairs, 5, seed=1) == batches

    def test_pair_kinds(self) -> None:
        skills = [{"label_fi": "hoitaa haavoja", "label_en": "treat wounds", "description_fi": "Haavojen hoito.",
                   "description_en": "Care of wounds.", "alt_label_fi": "haavanhoito"}] * 20  # fmt: skip
        pairs = build_pairs(skills, seed=3)
        assert len([p for p in pairs if p.kind == "alt_label_fi>description_fi"]) == 20
        assert {p.kind for p in pairs} - {"alt_label_fi>description_fi"} <= {
            "label_fi>description_en",
            "label_en>description_fi",
            "label_fi>description_fi",
            "label_en>description_en",
        }
        assert build_pairs(skills, seed=3) == pairs and pairs_sha256(pairs) == pairs_sha256(build_pairs(skills, seed=3))

    def test_seeded_smoke_run_is_reproducible(self, e5_cache: Path) -> None:
        from embeddings.adaptation.train import TrainSettings, train

        pairs = [
            Pair(0, "hoitaa haavoja", "Care of wounds and dressings.", "k"),
            Pair(1, "manage budgets", "Talousarvion laatiminen ja seuranta.", "k"),
            Pair(2, "tulkata arabiaa", "Interpreting between Arabic and Finnish.", "k"),
            Pair(3, "first aid", "Ensiavun antaminen hätätilanteessa.", "k"),
            Pair(4, "Excel-makrot", "Automating spreadsheets with macros.", "k"),
            Pair(5, "child protection", "Lastensuojelun tarpeen arviointi.", "k"),
        ]
        s = TrainSettings(batch_size=3, max_steps=2, first_trainable_layer=11, learning_rate=1e-4)
        a = train(pairs, e5_cache / FOLDER_NAME, s)
        b = train(pairs, e5_cache / FOLDER_NAME, s)
        assert sorted(a) == sorted(b) and all(n.startswith("encoder.layer.11.") for n in a)
        for name in a:
            np.testing.assert_array_equal(a[name], b[name])
        base = folder_tensors(e5_cache / FOLDER_NAME, sorted(a))
        assert any(not np.array_equal(base[n], a[n]) for n in a)  # two steps moved the weights
