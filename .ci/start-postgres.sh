#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster and creates the loopdesk role and test database (idempotent).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then pg_createcluster "$version" main >/dev/null; fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
as_postgres() { su postgres -c "$*"; }
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='loopdesk'\"" | grep -q 1 ||
  as_postgres "psql -qc \"CREATE ROLE loopdesk LOGIN SUPERUSER PASSWORD 'loopdesk'\""
for db in loopdesk_test loopdesk_bench; do
  as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 ||
    as_postgres "createdb -O loopdesk $db"
done
echo "PostgreSQL $version ready on 127.0.0.1:5432"
