#!/usr/bin/env bash
# Starts Debian's PostgreSQL cluster and creates the loopdesk role and test database (idempotent).
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then pg_createcluster "$version" main >/dev/null; fi
# Shared buffers sized for the insights bench (1M customers: about 1 GB of tables and indexes)
# instead of Debian's 128 MB, so lookups find their pages in PostgreSQL's own cache rather than
# copying them from the OS cache. Only where the memory is there (at least 4 GiB).
conf_dir="/etc/postgresql/$version/main/conf.d"
memory_kib=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo)
if [ -d "$conf_dir" ] && [ "$memory_kib" -ge 4194304 ]; then
  printf '%s\n' '# Written by .ci/start-postgres.sh' 'shared_buffers = 1GB' >"$conf_dir/loopdesk.conf"
fi
pg_ctlcluster "$version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
as_postgres() { su postgres -c "$*"; }
# Debian's package starts the cluster with its defaults when installed, so a setting above may
# wait for a restart: done here only while nobody is connected (a fresh CI machine), never
# under someone's running tests.
as_postgres "psql -qtAc 'SELECT pg_reload_conf()'" >/dev/null
pending=$(as_postgres "psql -qtAc \"SELECT count(*) FROM pg_settings WHERE pending_restart\"")
if [ "$pending" != 0 ]; then
  clients=$(as_postgres "psql -qtAc \"SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()\"")
  if [ "$clients" = 0 ]; then
    pg_ctlcluster "$version" main restart
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  else
    echo "PostgreSQL settings wait for a restart ($clients clients connected): pg_ctlcluster $version main restart" >&2
  fi
fi
as_postgres "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='loopdesk'\"" | grep -q 1 ||
  as_postgres "psql -qc \"CREATE ROLE loopdesk LOGIN SUPERUSER PASSWORD 'loopdesk'\""
for db in loopdesk_test loopdesk_bench; do
  as_postgres "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='$db'\"" | grep -q 1 ||
    as_postgres "createdb -O loopdesk $db"
done
echo "PostgreSQL $version ready on 127.0.0.1:5432"
