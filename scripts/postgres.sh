#!/usr/bin/env bash
# Starts the machine's PostgreSQL 15 on loopback and creates the test role and database.
# Prints the URL for VELHO_TEST_DATABASE_URL; exits non-zero when PostgreSQL is not available.
set -euo pipefail
command -v pg_ctlcluster >/dev/null || { echo "postgres.sh: PostgreSQL is not installed" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "postgres.sh: run as root to start the cluster" >&2; exit 1; }
if ! pg_lsclusters 2>/dev/null | grep -q "15 *main .*online"; then
  pg_ctlcluster 15 main start -- -o "-c listen_addresses=127.0.0.1" >&2
fi
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAt" >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'velho') THEN
    CREATE ROLE velho LOGIN PASSWORD 'velho';
  END IF;
END $$;
SQL
if ! su postgres -c "psql -qAtc \"select 1 from pg_database where datname='velho_test'\"" | grep -q 1; then
  su postgres -c "createdb -O velho velho_test"
fi
echo "postgresql+psycopg://velho:velho@127.0.0.1:5432/velho_test"
