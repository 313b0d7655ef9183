#!/usr/bin/env bash
# Restarts (stop, then start on the same port) a server started by pg-up.sh: fault tests.
#   scripts/postgres/pg-restart.sh <PGDATA> stop|start|restart
set -euo pipefail
DATA="${1:?usage: pg-restart.sh <PGDATA> stop|start|restart}"
ACTION="${2:-restart}"
case "$DATA" in "${TMPDIR:-/tmp}"/kassa-pg.*/data) ;; *) echo "pg-restart: refusing to touch $DATA" >&2; exit 2 ;; esac
PGBIN="${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}"
as_owner() { "$@"; }
[ "$(id -u)" = "0" ] && as_owner() { runuser -u postgres -- "$@"; }
case "$ACTION" in
  stop) as_owner "$PGBIN/pg_ctl" -D "$DATA" -m fast -w -t 60 stop >/dev/null ;;
  start) as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$(dirname "$DATA")/server.log" -w -t 60 start >/dev/null ;;
  restart) as_owner "$PGBIN/pg_ctl" -D "$DATA" -l "$(dirname "$DATA")/server.log" -m fast -w -t 60 restart >/dev/null ;;
  *) echo "pg-restart: unknown action $ACTION" >&2; exit 2 ;;
esac
