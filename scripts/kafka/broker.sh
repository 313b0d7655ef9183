#!/usr/bin/env bash
# A single-node Apache Kafka broker (KRaft, combined broker+controller) on loopback, run from
# Apache's own jars resolved from Maven Central. Clients authenticate with SASL/SCRAM-SHA-512 and
# are authorised by ACLs (StandardAuthorizer, deny when no ACL matches); `admin` is the only super
# user. See cloud-sync/docs/topology.md for the users, topics and ACLs a store and HQ get.
#
#   broker.sh fetch                      resolve the pinned jars (quiet and quick when present)
#   broker.sh format [--user NAME:PASSWORD]...   wipe the state dir, write the config, format KRaft
#                                        storage; SCRAM users are created here (KIP-900), admin too
#   broker.sh start | stop | status      start in the background (waits until the client port is up)
#   broker.sh add-user NAME PASSWORD     create or change a SCRAM user on the running broker
#   broker.sh admin-config               print a kafkajs-style JSON connection for the admin user
#
# Environment (all optional):
#   KASSA_KAFKA_DIR        state: config, data, pid, log      (default: <repo>/.data/kafka)
#   KASSA_KAFKA_LIB        the jars                           (default: ~/.cache/kassa/kafka-<version>)
#   KASSA_KAFKA_PORT       client port (SASL_PLAINTEXT)       (default: 19092)
#   KASSA_KAFKA_CONTROLLER_PORT                               (default: 19093)
#   KASSA_KAFKA_HEAP       JVM heap                           (default: 512m)
set -euo pipefail

KAFKA_VERSION=3.9.1 # pinned together with pom.xml
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
LIB="${KASSA_KAFKA_LIB:-${XDG_CACHE_HOME:-$HOME/.cache}/kassa/kafka-$KAFKA_VERSION}"
DIR="${KASSA_KAFKA_DIR:-$REPO/.data/kafka}"
PORT="${KASSA_KAFKA_PORT:-19092}"
CPORT="${KASSA_KAFKA_CONTROLLER_PORT:-19093}"
HEAP="${KASSA_KAFKA_HEAP:-512m}"
PIDFILE="$DIR/broker.pid"
LOGOPT="-Dlog4j.configuration=file:$HERE/log4j.properties"

die() { echo "kafka: $*" >&2; exit 1; }
have_java() { command -v java > /dev/null 2>&1; }
fetched() { [ -f "$LIB/.complete" ] && [ "$(cat "$LIB/.complete")" = "$KAFKA_VERSION" ]; }
java_() { java -cp "$LIB/*" "$LOGOPT" "$@"; }
running_pid() {
  [ -f "$PIDFILE" ] || return 1
  local pid; pid="$(cat "$PIDFILE")"
  kill -0 "$pid" 2> /dev/null && echo "$pid"
}
port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$1") 2> /dev/null; }

cmd_fetch() {
  fetched && return 0
  have_java || die "Java is not installed (Debian: default-jre-headless); cannot run the broker"
  command -v mvn > /dev/null 2>&1 || die "Maven is not installed (Debian: maven); cannot fetch Kafka's jars"
  local tmp="$LIB.partial.$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  # mvn prints ANSI sequences even with -q; keep its output for failures only.
  if ! (cd "$HERE" && mvn -q -B -Dstyle.color=never \
    org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$tmp") > "$tmp.log" 2>&1; then
    tail -20 "$tmp.log" >&2; rm -rf "$tmp" "$tmp.log"
    die "could not fetch Kafka $KAFKA_VERSION's jars from Maven Central"
  fi
  rm -f "$tmp.log"
  rm -rf "$LIB" && mkdir -p "$(dirname "$LIB")" && mv "$tmp" "$LIB"
  echo "$KAFKA_VERSION" > "$LIB/.complete"
}

cmd_format() {
  local users=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --user) [ $# -ge 2 ] || die "--user needs NAME:PASSWORD"; users+=("$2"); shift 2 ;;
      *) die "format: unknown argument $1" ;;
    esac
  done
  fetched || cmd_fetch
  [ -z "$(running_pid || true)" ] || die "a broker is running from $DIR (pid $(cat "$PIDFILE")); stop it first"
  rm -rf "$DIR" && mkdir -p "$DIR/data"
  # The admin password is per state dir: generated once, readable only by this user.
  local admin_pw; admin_pw="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  (umask 077 && printf '%s\n' "$admin_pw" > "$DIR/admin.password")
  (umask 077 && sed -e "s#@DATA@#$DIR/data#" -e "s#@PORT@#$PORT#g" -e "s#@CPORT@#$CPORT#g" \
    -e "s#@ADMIN_PASSWORD@#$admin_pw#g" "$HERE/server.properties.tmpl" > "$DIR/server.properties")
  printf 'port=%s\ncontroller_port=%s\n' "$PORT" "$CPORT" > "$DIR/ports"
  local scram=(--add-scram "SCRAM-SHA-512=[name=admin,password=$admin_pw]")
  local u
  for u in "${users[@]}"; do
    local name="${u%%:*}" pw="${u#*:}"
    [[ "$name" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad user name: $name"
    [[ "$pw" =~ ^[A-Za-z0-9._~-]+$ ]] || die "password for $name: use letters, digits and ._~- only"
    scram+=(--add-scram "SCRAM-SHA-512=[name=$name,password=$pw]")
  done
  # A fixed-format random cluster id saves the JVM start of `StorageTool random-uuid`.
  # An id starting with '-' reads as an option to StorageTool ("expected one argument"): 1 in 64
  # ids did, failing a test's broker start now and then. Draw again until it does not.
  local cid="-"
  while [[ "$cid" == -* ]]; do cid="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
  java_ kafka.tools.StorageTool format -t "$cid" -c "$DIR/server.properties" -g "${scram[@]}" > "$DIR/format.log" 2>&1 \
    || { cat "$DIR/format.log" >&2; die "formatting storage failed"; }
}

cmd_start() {
  [ -f "$DIR/server.properties" ] || die "no broker formatted in $DIR (run: broker.sh format)"
  fetched || die "Kafka's jars are missing (run: broker.sh fetch)"
  local pid
  if pid="$(running_pid)"; then echo "kafka: already running (pid $pid) on 127.0.0.1:$(sed -n 's/^port=//p' "$DIR/ports")"; return 0; fi
  local port; port="$(sed -n 's/^port=//p' "$DIR/ports")"
  port_open "$port" && die "port $port is already in use by another process"
  # setsid: the broker must not die with the shell that started it, and tests kill it by pid.
  setsid nohup java "-Xms128m" "-Xmx$HEAP" -XX:+ExitOnOutOfMemoryError -XX:TieredStopAtLevel=1 \
    -Djava.awt.headless=true "$LOGOPT" -cp "$LIB/*" kafka.Kafka "$DIR/server.properties" \
    > "$DIR/broker.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  pid="$(cat "$PIDFILE")"
  # The broker opens its client port only once it is fully up (unfenced), so an open port is ready.
  for _ in $(seq 1 1200); do
    if port_open "$port"; then echo "kafka: ready on 127.0.0.1:$port (pid $pid)"; return 0; fi
    kill -0 "$pid" 2> /dev/null || { tail -30 "$DIR/broker.log" >&2; rm -f "$PIDFILE"; die "the broker exited during start"; }
    sleep 0.1
  done
  die "the broker did not open 127.0.0.1:$port within 120 s (log: $DIR/broker.log)"
}

cmd_stop() {
  local pid
  pid="$(running_pid)" || { rm -f "$PIDFILE"; echo "kafka: not running"; return 0; }
  kill "$pid"
  for _ in $(seq 1 300); do
    kill -0 "$pid" 2> /dev/null || { rm -f "$PIDFILE"; echo "kafka: stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  kill -9 "$pid" 2> /dev/null || true
  rm -f "$PIDFILE"
  echo "kafka: pid $pid did not stop within 30 s; killed"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "kafka $KAFKA_VERSION: running (pid $pid) on 127.0.0.1:$(sed -n 's/^port=//p' "$DIR/ports"), state in $DIR"
  elif [ -f "$DIR/server.properties" ]; then
    echo "kafka $KAFKA_VERSION: stopped, formatted in $DIR"; return 3
  else
    echo "kafka $KAFKA_VERSION: not formatted ($DIR)"; return 3
  fi
}

cmd_add_user() {
  [ $# -eq 2 ] || die "usage: broker.sh add-user NAME PASSWORD"
  running_pid > /dev/null || die "the broker is not running"
  [[ "$1" =~ ^[A-Za-z0-9._-]+$ ]] || die "bad user name: $1"
  [[ "$2" =~ ^[A-Za-z0-9._~-]+$ ]] || die "password: use letters, digits and ._~- only"
  local port; port="$(sed -n 's/^port=//p' "$DIR/ports")"
  local cc="$DIR/admin-client.properties"
  (umask 077 && printf '%s\n' "security.protocol=SASL_PLAINTEXT" "sasl.mechanism=SCRAM-SHA-512" \
    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"admin\" password=\"$(cat "$DIR/admin.password")\";" > "$cc")
  java_ kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$port" --command-config "$cc" --alter \
    --entity-type users --entity-name "$1" --add-config "SCRAM-SHA-512=[iterations=4096,password=$2]" > "$DIR/add-user.log" 2>&1 \
    || { cat "$DIR/add-user.log" >&2; die "could not add user $1"; }
}

cmd_admin_config() {
  [ -f "$DIR/admin.password" ] || die "no broker formatted in $DIR"
  printf '{"brokers":["127.0.0.1:%s"],"sasl":{"mechanism":"scram-sha-512","username":"admin","password":"%s"}}\n' \
    "$(sed -n 's/^port=//p' "$DIR/ports")" "$(cat "$DIR/admin.password")"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  format) shift; cmd_format "$@" ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  add-user) shift; cmd_add_user "$@" ;;
  admin-config) cmd_admin_config ;;
  *) echo "usage: $0 fetch | format [--user NAME:PASSWORD]... | start | stop | status | add-user NAME PASSWORD | admin-config" >&2; exit 2 ;;
esac
