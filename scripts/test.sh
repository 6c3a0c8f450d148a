#!/usr/bin/env bash
# Installs (if needed) and runs the whole test suite on SQLite, then the database-backed
# tests again on PostgreSQL. Any failure, or a run that collects no tests, fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
echo "== lint and types (ruff check, ruff format --check, mypy --strict on the packages)"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy --no-error-summary embeddings profiles matcher api
echo "== tests on SQLite (and the multi-process system tests on a private PostgreSQL)"
.venv/bin/python -m pytest "$@"
if url=$(bash scripts/postgres.sh); then
  echo "== database tests on PostgreSQL"
  VELHO_TEST_DATABASE_URL="$url" .venv/bin/python -m pytest tests/profiles tests/api tests/matcher -m "not no_postgres" "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started: CI must run both databases" >&2
  exit 1
else
  echo "== PostgreSQL not available here: skipped the PostgreSQL run"
fi
