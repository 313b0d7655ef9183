#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server on 127.0.0.1 for HQ tests, as a non-root user.
#   scripts/postgres/pg-up.sh [port]      (port 0 or none: a free port is picked)
# Prints one line: PGDATA=<dir> PGPORT=<port> PGURL=postgres://kassa@127.0.0.1:<port>/kassa
# Stop it with scripts/postgres/pg-down.sh <PGDATA>.
# PostgreSQL refuses to run as root; when we are root the server runs as the packaged 'postgres'
# user (created here if the package did not), otherwise as the calling user.
set -euo pipefail

PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  echo "pg-up: PostgreSQL server binaries not found (install postgresql-15: scripts/system-packages.txt)" >&2
  exit 3
fi

PORT="${1:-${PGPORT:-0}}"
if [ "$PORT" = "0" ]; then
  PORT="$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
fi

ROOT="$(mktemp -d "${TMPDIR:-/tmp}/kassa-pg.XXXXXX")"
DATA="$ROOT/data"
mkdir "$DATA"
as_owner() { "$@"; }
if [ "$(id -u)" = "0" ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /usr/sbin/nologin postgres
  chown postgres:postgres "$ROOT" "$DATA"
  as_owner() { runuser -u postgres -- "$@"; }
fi
chmod 755 "$ROOT"
chmod 700 "$DATA"

# Tests only: trust auth on loopback, no fsync. The socket lives in the data directory.
as_owner "$PGBIN/initdb" -D "$DATA" -U kassa --auth=trust -E UTF8 --locale=C.UTF-8 -N >"$ROOT/initdb.log" 2>&1 || {
  cat "$ROOT/initdb.log" >&2
  exit 1
}
# In the config file (not only on the command line) so pg-restart.sh start finds the same server.
cat >>"$DATA/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DATA'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$ROOT/server.log" -w -t 60 start >/dev/null || {
  cat "$ROOT/server.log" >&2
  exit 1
}
as_owner "$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U kassa kassa
echo "PGDATA=$DATA PGPORT=$PORT PGURL=postgres://kassa@127.0.0.1:$PORT/kassa"
