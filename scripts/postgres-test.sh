#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: start it (or find it running), make sure the
# test role and database exist, and print the SQLAlchemy URL on stdout (messages go to stderr).
#
#   url=$(bash scripts/postgres-test.sh)    # start or reuse; what `make test` does
#   bash scripts/postgres-test.sh stop      # stop the cluster (its data stays for next time)
#
# Idempotent: a running cluster is reused, a stale pid file (after a machine restart) is removed.
# The cluster trades durability for speed (fsync off, in memory when /dev/shm is a tmpfs with
# room: CREATE DATABASE, made for every test, takes ~10 ms there and ~250 ms on ext4): it only
# ever holds test data, and after a restart it is simply made again (~1 s).
# Settings: ADM_PG_DIR (default /dev/shm/adm-pg, else /var/tmp/adm-pg), ADM_PG_PORT (55432),
# ADM_PG_BIN (the folder of pg_ctl; default the newest PostgreSQL under /usr/lib/postgresql).
set -euo pipefail

in_memory() {
  [[ "$(stat -f -c %T /dev/shm 2>/dev/null)" == tmpfs ]] &&
    (($(df --output=avail -B1M /dev/shm | tail -n 1) > 1024))
}
if [[ -n "${ADM_PG_DIR:-}" ]]; then
  ROOT=$ADM_PG_DIR
elif in_memory; then
  ROOT=/dev/shm/adm-pg
else
  ROOT=/var/tmp/adm-pg
fi
PORT=${ADM_PG_PORT:-55432}
ROLE=adm
PASSWORD=adm
DATABASE=adm_test
DATA=$ROOT/data
RUN=$ROOT/run
LOG=$ROOT/server.log
URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$DATABASE"

say() { echo "postgres-test: $*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  if command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p "$PORT"; then
    echo "$URL" # started earlier by root: usable as it is
    exit 0
  fi
  say "the test PostgreSQL on 127.0.0.1:$PORT is not running; start it as root:"
  say "  sudo bash $0"
  say "then run the tests with ADM_TEST_POSTGRES_URL=$URL"
  exit 1
fi

pg_bin=${ADM_PG_BIN:-}
if [[ -z "$pg_bin" ]]; then
  for dir in /usr/lib/postgresql/15/bin $(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V -r); do
    if [[ -x "$dir/pg_ctl" ]]; then
      pg_bin=$dir
      break
    fi
  done
fi
if [[ -z "$pg_bin" || ! -x "$pg_bin/pg_ctl" ]] || ! id postgres >/dev/null 2>&1; then
  say "PostgreSQL server binaries not found: run \`bash scripts/system-deps.sh\` (package postgresql-15)"
  exit 1
fi

as_postgres() { runuser -u postgres -- "$@"; }
answers() { as_postgres "$pg_bin/pg_isready" -q -h "$RUN" -p "$PORT"; }

mkdir -p "$ROOT"
chown postgres:postgres "$ROOT"
chmod 700 "$ROOT"
# One run at a time: two `make test` starting together must not both initdb or start.
exec 9>"$ROOT/.lock"
flock 9

if [[ "${1:-}" == "stop" ]]; then
  if [[ -f "$DATA/postmaster.pid" ]] && answers; then
    as_postgres "$pg_bin/pg_ctl" -D "$DATA" -m fast -w stop >&2
  fi
  exit 0
fi

major=$("$pg_bin/pg_ctl" --version | sed -E 's/.* ([0-9]+)(\.[0-9]+)?.*/\1/')
if [[ -f "$DATA/PG_VERSION" && "$(cat "$DATA/PG_VERSION")" != "$major" ]]; then
  say "cluster in $DATA is of PostgreSQL $(cat "$DATA/PG_VERSION"), binaries are $major: starting anew"
  rm -rf "$DATA"
fi
if [[ ! -f "$DATA/PG_VERSION" ]]; then # never made, or an initdb that was cut short
  say "creating a PostgreSQL $major test cluster in $DATA"
  rm -rf "$DATA"
  install -d -o postgres -g postgres -m 700 "$DATA"
  as_postgres "$pg_bin/initdb" -D "$DATA" -U postgres -E UTF8 --no-locale --no-sync \
    --auth-local=peer --auth-host=scram-sha-256 >/dev/null
fi
install -d -o postgres -g postgres -m 700 "$RUN"

# Our settings live in their own file, rewritten on every run; postgresql.conf includes it.
conf=$DATA/adm-test.conf
cat >"$conf" <<EOF
# Written by scripts/postgres-test.sh on every run: a throwaway cluster for tests only.
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$RUN'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
autovacuum = off
max_wal_size = 256MB
min_wal_size = 32MB
EOF
chown postgres:postgres "$conf"
grep -qxF "include_if_exists = 'adm-test.conf'" "$DATA/postgresql.conf" ||
  echo "include_if_exists = 'adm-test.conf'" >>"$DATA/postgresql.conf"

if ! answers; then
  pid_file=$DATA/postmaster.pid
  if [[ -f "$pid_file" ]]; then
    pid=$(head -n 1 "$pid_file")
    cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
    if [[ "$cmdline" == *postgres*"$DATA"* ]]; then
      say "the cluster (pid $pid) is starting or stopping; waiting for it"
      for _ in $(seq 60); do
        answers && break
        [[ -d "/proc/$pid" ]] || break
        sleep 0.5
      done
    else
      # Left by a machine restart or a killed server; its pid may now be another process's.
      say "removing the stale pid file of pid $pid"
      rm -f "$pid_file" "$RUN/.s.PGSQL.$PORT" "$RUN/.s.PGSQL.$PORT.lock"
    fi
  fi
fi
if ! answers && "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  say "another PostgreSQL already listens on 127.0.0.1:$PORT, not the cluster in $DATA:"
  say "stop it, or choose another port with ADM_PG_PORT"
  exit 1
fi
if ! answers; then
  say "starting the test cluster on 127.0.0.1:$PORT (log: $LOG)"
  # 9>&-: the server must not inherit the lock, or the next run would wait for it forever.
  if ! as_postgres "$pg_bin/pg_ctl" -D "$DATA" -l "$LOG" -w -t 60 start >/dev/null 9>&-; then
    say "PostgreSQL did not start; the end of $LOG:"
    tail -n 20 "$LOG" >&2 || true
    exit 1
  fi
fi

# The role may create databases: the tests make one per test from a template.
as_postgres "$pg_bin/psql" -h "$RUN" -p "$PORT" -U postgres -d postgres -qAtX -v ON_ERROR_STOP=1 \
  >/dev/null <<SQL
SET client_min_messages = warning;
SELECT 'CREATE ROLE $ROLE' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE')
\gexec
ALTER ROLE $ROLE LOGIN CREATEDB NOSUPERUSER PASSWORD '$PASSWORD';
GRANT pg_signal_backend TO $ROLE; -- DROP DATABASE ... WITH (FORCE) ends any session on it
SELECT 'CREATE DATABASE $DATABASE OWNER $ROLE'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DATABASE')
\gexec
SQL

echo "$URL"
