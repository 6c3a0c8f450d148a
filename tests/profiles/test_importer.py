"""Bulk import: formats, bad rows reported by index, valid rows kept."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from matcher.app.wiring import Velho
from profiles.errors import InvalidProfile
from profiles.importer import decode_payload, import_rows, load_records, validate_records
from profiles.models import Employee


class TestParse:
    def test_json_array_ndjson_and_csv_give_the_same_rows(self) -> None:
        rows = [{"external_id": "a1", "name": "Anna", "strengths": [{"text": "Excel"}], "languages": ["fi", "en"]}]
        csv_text = "external_id,name,languages,strengths,capacity,visible\na1,Anna,fi|en,Excel,2,true\n"
        for text in (json.dumps(rows), json.dumps(rows[0]) + "\n"):
            parsed = validate_records(load_records(text))
            assert [(i, e, p.name, [s.text for s in p.strengths]) for i, e, p in parsed.rows] == [
                (0, "a1", "Anna", ["Excel"])
            ]
        parsed = validate_records(load_records(csv_text, fmt="csv"))
        ((_, ext, data),) = parsed.rows
        assert ext == "a1" and data.languages == ["fi", "en"] and data.capacity == 2 and data.visible is True

    def test_bad_rows_are_reported_with_their_index(self) -> None:
        text = "\n".join(
            [
                json.dumps({"external_id": "ok1", "name": "A"}),
                json.dumps({"name": "no id"}),
                "{not json",
                json.dumps({"external_id": "bad cap", "name": "B", "capacity": "many"}),
                json.dumps({"external_id": "ok2", "name": "C"}),
            ]
        )
        parsed = validate_records(load_records(text))
        assert [r[1] for r in parsed.rows] == ["ok1", "ok2"]
        failed = {f.index: f.error for f in parsed.failed}
        assert sorted(failed) == [1, 2, 3]
        assert "external_id" in failed[1] and "JSON" in failed[2] and "capacity" in failed[3]

    def test_an_external_id_given_twice_refuses_the_whole_import(self) -> None:
        text = "\n".join(json.dumps({"external_id": e, "name": n}) for e, n in [("a", "A"), ("b", "B"), ("a", "A2")])
        with pytest.raises(InvalidProfile) as caught:
            validate_records(load_records(text))
        assert caught.value.extra["errors"] == [{"field": "[2].external_id", "message": "a is also in row(s) 0"}]

    def test_invalid_utf8_is_rejected(self) -> None:
        with pytest.raises(InvalidProfile):
            decode_payload(b'[{"external_id": "a", "name": "\xff"}]')


def test_import_keeps_valid_rows(velho: Velho) -> None:
    text = "\n".join(
        [
            json.dumps({"external_id": "a1", "name": "Anna", "strengths": [{"text": "haavanhoito"}]}),
            json.dumps({"external_id": "a2", "name": "", "strengths": []}),
            json.dumps({"external_id": "a3", "name": "Cecilia", "strengths": [{"text": "barnskydd"}]}),
        ]
    )
    parsed = validate_records(load_records(text))
    with velho.session() as s:
        result = import_rows(velho.profiles, s, parsed)
    assert (result.created, result.updated, [f.index for f in result.failed]) == (2, 0, [1])
    with velho.session() as s:
        assert s.scalar(select(func.count(Employee.id))) == 2
    assert {e.external_id for e in velho.sync.roster.employees.values()} == {"a1", "a3"}
