#!/usr/bin/env bash
# Stops a server started by pg-up.sh and removes its data directory.
#   scripts/postgres/pg-down.sh <PGDATA> [--keep]
set -euo pipefail
DATA="${1:?usage: pg-down.sh <PGDATA> [--keep]}"
case "$DATA" in "${TMPDIR:-/tmp}"/kassa-pg.*/data) ;; *) echo "pg-down: refusing to touch $DATA" >&2; exit 2 ;; esac
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
as_owner() { "$@"; }
[ "$(id -u)" = "0" ] && as_owner() { runuser -u postgres -- "$@"; }
if [ -f "$DATA/postmaster.pid" ]; then
  as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null || true
fi
[ "${2:-}" = "--keep" ] || rm -rf "$(dirname "$DATA")"
