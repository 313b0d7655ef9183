#!/usr/bin/env bash
# `npm run demo`: set up a fresh clone, generate the demo store if absent, and run the whole
# system on embedded defaults: the store hub (SQLite) with the card-terminal simulator, a simulated
# lane (scanner + receipt printer on socat pty pairs), the shopper kiosk paired as K1, the staff
# console, and — where Java can run Kafka — a local Kafka broker and the HQ service (PGlite) with
# its dashboard. It prints one block with every URL and login a person needs.
#   KASSA_DEMO_DIR        hub data directory (default: .data/demo-hub in the repository)
#   PORT / HQ_PORT        hub port (default 8750) / HQ port (default 8760)
#   KASSA_DEMO_HARDWARE=0 leave out the simulated lane scanner, receipt printer and scale
#   KASSA_DEMO_CLOUD=0    leave out the broker and HQ (the store alone)
#   KASSA_DEMO_RESET=1    start again from a fresh demo store, broker and HQ database
set -euo pipefail
cd "$(dirname "$0")/.."
REPO="$PWD"

bash scripts/setup.sh

DATA="$REPO/.data"
if [ "${KASSA_DEMO_RESET:-0}" = "1" ]; then
  bash scripts/kafka/broker.sh stop > /dev/null 2>&1 || true
  rm -rf "$DATA"
fi
mkdir -p "$DATA"
DATA_DIR="${KASSA_DEMO_DIR:-$DATA/demo-hub}"
DEMO_FILE="$DATA/demo-store.json"
RUN="$DATA/demo-run"
mkdir -p "$RUN"
HUB_PORT="${PORT:-8750}"
HQ_PORT="${HQ_PORT:-8760}"
HOST="${HOST:-127.0.0.1}"
HUB_URL="http://$HOST:$HUB_PORT"
HQ_URL="http://$HOST:$HQ_PORT"
HUB="node store-hub/bin/store-hub.mjs"
HQ="node cloud-sync/bin/hq.mjs"
TSX="node node_modules/tsx/dist/cli.mjs"

say() { echo "demo: $*"; }
fail() { echo "demo: $*" >&2; exit 1; }

pids=()
broker_started=0
cleanup() {
  trap '' INT TERM # a second Ctrl+C must not cut the broker's orderly stop short
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  if [ "$broker_started" = 1 ]; then bash scripts/kafka/broker.sh stop > /dev/null 2>&1 || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port_free() { ! (exec 3<> "/dev/tcp/$HOST/$1") 2> /dev/null; }
port_free "$HUB_PORT" || fail "port $HUB_PORT is already in use (another demo running?). Stop it, or run: PORT=<another port> npm run demo"

# wait_for <what> <url> <log> <pid>: poll until the URL answers, or explain why not.
wait_for() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$2" 2> /dev/null && return 0
    kill -0 "$4" 2> /dev/null || { tail -20 "$3" >&2; fail "$1 stopped while starting (log: $3)"; }
    sleep 0.2
  done
  fail "$1 did not answer at $2 within 2 minutes (log: $3)"
}

# --- the demo store --------------------------------------------------------------------------
if [ ! -f "$DEMO_FILE" ]; then
  say "generating the demo store (3,000 items, ~40 promotions)"
  $TSX scripts/demo-data/generate.ts "$DEMO_FILE" > /dev/null
fi
if [ ! -f "$DATA_DIR/kassa-hub.sqlite" ]; then
  say "importing the demo store into $DATA_DIR"
  $HUB import "$DEMO_FILE" --data-dir "$DATA_DIR" > "$RUN/import-report.txt" 2>&1 || {
    cat "$RUN/import-report.txt"; exit 1; }
fi
STORE_ID="$(node -e 'const d=require(process.argv[1]); console.log((d.store_config ?? d.store ?? {}).store_id ?? "")' "$DEMO_FILE")"

# --- the local broker and HQ -----------------------------------------------------------------
CLOUD=0
CLOUD_WHY=""
if [ "${KASSA_DEMO_CLOUD:-1}" = "0" ]; then
  CLOUD_WHY="left out (KASSA_DEMO_CLOUD=0)"
elif [ -z "$STORE_ID" ]; then
  CLOUD_WHY="the demo store has no store_id; the store runs alone"
else
  say "starting the local Kafka broker"
  rc=0; out="$(bash scripts/kafka/demo-broker.sh "$STORE_ID" 2>&1)" || rc=$?
  if [ "$rc" = 3 ]; then
    CLOUD_WHY="${out#kafka: }"
  elif [ "$rc" != 0 ]; then
    printf '%s\n' "$out" | tail -5 >&2; fail "the Kafka broker did not start"
  else
    broker_started=1
    set -a; . "$DATA/kafka/demo.env"; set +a
    HQ_DB="$DATA/demo-hq"
    if [ ! -d "$HQ_DB" ]; then
      say "creating the HQ database (PGlite) with the demo store and a few days of sales (about a minute)"
      { $HQ store --from "$DEMO_FILE" --db "$HQ_DB" && $TSX cloud-sync/scripts/demo-history.ts --db "$HQ_DB" --store "$DEMO_FILE"; } \
        > "$RUN/hq-setup.log" 2>&1 || { rm -rf "$HQ_DB"; tail -5 "$RUN/hq-setup.log" >&2; fail "could not prepare the HQ database (log: $RUN/hq-setup.log)"; }
    fi
    port_free "$HQ_PORT" || fail "port $HQ_PORT is already in use. Stop that process, or run: HQ_PORT=<another port> npm run demo"
    $HQ serve --db "$HQ_DB" --brokers "$KASSA_KAFKA_BROKERS" --sasl-user "$HQ_KAFKA_USER" \
      --port "$HQ_PORT" --host "$HOST" > "$RUN/hq.log" 2>&1 &
    hq_pid=$!; pids+=("$hq_pid")
    CLOUD=1
  fi
fi

# --- the simulated lane ----------------------------------------------------------------------
HW_ARGS=()
if [ "${KASSA_DEMO_HARDWARE:-1}" != "0" ]; then
  # A serial scanner, a receipt printer and a scale (MT-SICS) on socat pty pairs, wired to the
  # kiosk paired as K1, so that a newcomer sees them working without owning any.
  rm -f "$RUN/scanner-sim" "$RUN/scanner" "$RUN/printer-sim" "$RUN/printer" "$RUN/scale-sim" "$RUN/scale"
  socat "pty,raw,echo=0,link=$RUN/scanner-sim" "pty,raw,echo=0,link=$RUN/scanner" & pids+=($!)
  socat "pty,raw,echo=0,link=$RUN/printer-sim" "pty,raw,echo=0,link=$RUN/printer" & pids+=($!)
  socat "pty,raw,echo=0,link=$RUN/scale-sim" "pty,raw,echo=0,link=$RUN/scale" & pids+=($!)
  for _ in $(seq 50); do [ -e "$RUN/scanner" ] && [ -e "$RUN/printer" ] && [ -e "$RUN/scale" ] && break; sleep 0.1; done
  node hardware/bin/hardware.mjs simulate printer --port "$RUN/printer-sim" > "$DATA/demo-paper.log" 2>&1 & pids+=($!)
  # The scale starts empty; `simulate scale set` (printed below) puts something on it.
  rm -f "$RUN/scale.json"
  node hardware/bin/hardware.mjs simulate scale --port "$RUN/scale-sim" --state "$RUN/scale.json" \
    > "$RUN/scale-sim.log" 2>&1 & pids+=($!)
  cat > "$RUN/devices.json" << JSON
{
  "devices": [
    { "id": "lane1-scanner", "kind": "scanner", "transport": "serial", "match": { "path": "$RUN/scanner" } },
    { "id": "lane1-printer", "kind": "printer", "transport": "serial", "match": { "path": "$RUN/printer" } },
    { "id": "lane1-scale", "kind": "scale", "transport": "serial", "match": { "path": "$RUN/scale" } }
  ],
  "lanes": [{ "kiosk": "K1", "scanner": "lane1-scanner", "printer": "lane1-printer", "scale": "lane1-scale" }]
}
JSON
  HW_ARGS=(--hardware "$RUN/devices.json")
fi

# --- the hub ---------------------------------------------------------------------------------
say "starting the store hub"
$HUB serve --data-dir "$DATA_DIR" --port "$HUB_PORT" --host "$HOST" "${HW_ARGS[@]}" \
  > "$RUN/hub.out" 2> "$RUN/hub.err" &
hub_pid=$!; pids+=("$hub_pid")
wait_for "the store hub" "$HUB_URL/openapi.json" "$RUN/hub.err" "$hub_pid"
KIOSK_URL="$($TSX kiosk-app/scripts/pair-url.ts --hub "$HUB_URL" --name K1 --wait-ms 60000 2> "$RUN/pair.log")" \
  || { cat "$RUN/pair.log" >&2; fail "could not pair the demo kiosk K1 (log: $RUN/pair.log)"; }
if [ "$CLOUD" = 1 ]; then wait_for "the HQ service" "$HQ_URL/openapi.json" "$RUN/hq.log" "$hq_pid"; fi
CODES="$($HUB demo-codes --data-dir "$DATA_DIR" 2> /dev/null | sed '/^Codes to scan:$/d' || true)"

# --- what a person needs ---------------------------------------------------------------------
cat << EOF

  Kassa demo is running — open these in a browser on this machine:

  Shopper kiosk (paired as K1)
    $KIOSK_URL
    Scan by typing a code and pressing Enter anywhere on the page, or use the on-screen keypad.

  Staff console
    $HUB_URL/console/
    Sign in as manager, password kassa-demo (or staff id manager, PIN 123456).
EOF
if [ "$CLOUD" = 1 ]; then
  cat << EOF

  HQ dashboard (Kafka broker $KASSA_KAFKA_BROKERS)
    $HQ_URL/dashboard/
    Sign in as admin, password kassa-admin.
EOF
else
  echo
  echo "  HQ: not started — $CLOUD_WHY."
fi
cat << EOF

  Codes to scan
$(printf '%s\n' "$CODES" | sed 's/^/  /')
EOF
if [ "${KASSA_DEMO_HARDWARE:-1}" != "0" ]; then
  cat << EOF

  Simulated lane scanner, printer and scale for K1
    scan:     node hardware/bin/hardware.mjs simulate scanner --port $RUN/scanner-sim <code>
    receipts: tail -f .data/demo-paper.log
    scale:    node hardware/bin/hardware.mjs simulate scale set --state $RUN/scale.json 0.456kg
              (Search on the kiosk, pick loose produce such as Bananas, then set a weight;
              add --moving for one still settling, "empty" to take it off)
EOF
fi
cat << EOF

  API: $HUB_URL/openapi.json   Logs: $RUN/   Stop: Ctrl+C
EOF

wait "$hub_pid"
