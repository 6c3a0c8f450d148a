#!/usr/bin/env bash
# Installs (if needed) and runs the whole test suite on SQLite while a second process runs the
# database-backed tests again on PostgreSQL. Any failure, or a run that collects no tests, fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export HF_HUB_OFFLINE=1
echo "== lint and types (ruff check, ruff format --check, mypy --strict on the packages)"
.venv/bin/ruff check --quiet .
.venv/bin/ruff format --check --quiet .
.venv/bin/mypy --no-error-summary embeddings profiles matcher api
pg_pid=""
pg_log=$(mktemp -t velho-postgres-tests.XXXXXX)
trap 'rm -f "$pg_log"; [ -z "$pg_pid" ] || kill "$pg_pid" 2>/dev/null || true' EXIT
if url=$(bash scripts/postgres.sh); then
  # Alongside the SQLite run, on the other core: one pytest process keeps about one core busy, so
  # the two together take little longer than the SQLite run alone. Its output follows that run's.
  VELHO_TEST_DATABASE_URL="$url" .venv/bin/python -m pytest tests/profiles tests/api tests/matcher \
    -m "not no_postgres" -p no:cacheprovider "$@" >"$pg_log" 2>&1 &
  pg_pid=$!
  echo "== database tests on PostgreSQL: started alongside (output below when done)"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL could not be started: CI must run both databases" >&2
  exit 1
else
  echo "== PostgreSQL not available here: skipped the PostgreSQL run"
fi
echo "== tests on SQLite (and the multi-process system tests on a private PostgreSQL)"
sqlite_rc=0
.venv/bin/python -m pytest "$@" || sqlite_rc=$?
pg_rc=0
if [ -n "$pg_pid" ]; then
  wait "$pg_pid" || pg_rc=$?
  pg_pid=""
  echo "== database tests on PostgreSQL"
  cat "$pg_log"
fi
[ "$sqlite_rc" -eq 0 ] || { echo "the SQLite run failed (exit $sqlite_rc)" >&2; exit "$sqlite_rc"; }
[ "$pg_rc" -eq 0 ] || { echo "the PostgreSQL run failed (exit $pg_rc)" >&2; exit "$pg_rc"; }
