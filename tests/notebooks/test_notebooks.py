"""Execute the notebooks on a small configuration so they cannot rot."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from matcher.demo import organisation_path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def execute(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, extra: str | None = None) -> Any:
    """Run a notebook in the small configuration (plus `extra`, a last cell the test adds)."""
    monkeypatch.setenv("VELHO_NOTEBOOK_SMALL", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    if extra is not None:
        nb.cells.append(nbformat.v4.new_code_cell(extra))
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def outputs(cells: list[Any]) -> list[Any]:
    return [o for cell in cells if cell.cell_type == "code" for o in cell.get("outputs", [])]


def shown_text(outs: list[Any]) -> str:
    """Everything a reader sees: printed streams, plain-text and HTML results, tracebacks."""
    parts = []
    for o in outs:
        parts.append(o.get("text", ""))
        data = o.get("data", {})
        parts += [data.get("text/plain", ""), data.get("text/html", "")]
        parts += o.get("traceback", [])
    return "\n".join(parts)


@pytest.mark.slow
def test_feedback_loop_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nb = execute("feedback_loop.ipynb", tmp_path, monkeypatch, extra="print(WORK.exists())")
    assert nb.cells[-1].outputs[0]["text"].strip() == "False"  # its temporary work directory is gone
    outs = outputs(nb.cells[:-1])
    assert not [o for o in outs if o.get("output_type") == "error"]
    text = "".join(o.get("text", "") for o in outs if o.get("output_type") == "stream")
    assert "Helped with a similar request, rated 5" in text
    assert "precision@1, last window" in text
    assert "hidden experts engaged at least once" in text and "| measure | target |" in text
    assert sum(1 for o in outs if "image/png" in o.get("data", {})) >= 2


@pytest.mark.slow
def test_insights_runs_and_never_shows_a_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A last cell hands the test the texts the simulation filed, and whether the work directory is
    # still there (that cell's output is not the notebook's).
    last = "import json; print(json.dumps([WORK.exists(), FILED]))"
    nb = execute("insights.ipynb", tmp_path, monkeypatch, extra=last)
    left, filed = json.loads(nb.cells[-1].outputs[0]["text"])
    assert left is False  # its temporary work directory (half a gigabyte of cache and index) is gone
    outs = outputs(nb.cells[:-1])
    assert not [o for o in outs if o.get("output_type") == "error"]
    text = shown_text(outs)
    assert len(filed) == 40 + 80 and len(set(filed)) > 60  # varied wording, not one text repeated
    # No request text in any output, not even a long piece of one.
    assert not [t for t in filed if t in text]
    assert not [t for t in filed if len(t) > 40 and t[5:35] in text]
    # Topics are named after offers: every label of the demand table is (the start of) a declared
    # strength of the organisation, in English and in Finnish.
    offers = [s["text"] for line in organisation_path().read_text(encoding="utf-8").splitlines()
              for s in json.loads(line)["strengths"]]  # fmt: skip
    rows = re.findall(r"^ +\d+ +\d+ +\S+ +\d+% +\d+ +\d+% +\S+ +(.+) \| (.+)$", text, re.MULTILINE)
    assert rows
    for label in (part.rstrip("…") for row in rows for part in row):
        assert any(offer.startswith(label) for offer in offers), label
    # Unmet demand: the legal questions nobody offers are unmet and get "recruit or train".
    unmet_rows = [m for m in re.finditer(r"^\s*unmet +(\d+)/(\d+) ", text, re.MULTILINE)]
    assert unmet_rows and any(int(m[1]) > 0 for m in unmet_rows)
    assert "[recruit_or_train]" in text
    experts = re.search(r"hidden experts surfaced: (\d+) in (\d+) units", text)
    assert experts and int(experts[1]) > 0
    assert sum(1 for o in outs if "image/png" in o.get("data", {})) >= 2
