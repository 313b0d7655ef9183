#!/usr/bin/env bash
# `npm run demo`: set up a fresh clone, generate the demo store if absent, and run the store hub
# with it on the embedded defaults (SQLite data directory, terminal simulator).
#   KASSA_DEMO_DIR   data directory (default: .data/demo-hub in the repository)
#   PORT             port (default 8750)
#   KASSA_DEMO_HARDWARE=0  skip the simulated lane scanner and receipt printer
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh

DATA_DIR="${KASSA_DEMO_DIR:-$PWD/.data/demo-hub}"
DEMO_FILE="$PWD/.data/demo-store.json"
HUB="node store-hub/bin/store-hub.mjs"

if [ ! -f "$DEMO_FILE" ]; then
  npx tsx scripts/demo-data/generate.ts "$DEMO_FILE"
fi
if [ ! -f "$DATA_DIR/kassa-hub.sqlite" ]; then
  echo "demo: importing the demo store into $DATA_DIR"
  $HUB import "$DEMO_FILE" --data-dir "$DATA_DIR" > "$PWD/.data/demo-import-report.json" || {
    cat "$PWD/.data/demo-import-report.json"; exit 1; }
fi

HW_ARGS=()
if [ "${KASSA_DEMO_HARDWARE:-1}" != "0" ]; then
  # A simulated lane: a serial scanner and a receipt printer on socat pty pairs, wired to
  # the kiosk paired as K1, so that a newcomer sees both working without owning either.
  RUN="$PWD/.data/demo-run"
  mkdir -p "$RUN"
  pids=()
  cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
  trap cleanup EXIT INT TERM
  socat "pty,raw,echo=0,link=$RUN/scanner-sim" "pty,raw,echo=0,link=$RUN/scanner" & pids+=($!)
  socat "pty,raw,echo=0,link=$RUN/printer-sim" "pty,raw,echo=0,link=$RUN/printer" & pids+=($!)
  for _ in $(seq 50); do [ -e "$RUN/scanner" ] && [ -e "$RUN/printer" ] && break; sleep 0.1; done
  node hardware/bin/hardware.mjs simulate printer --port "$RUN/printer-sim" > "$PWD/.data/demo-paper.log" 2>&1 & pids+=($!)
  cat > "$RUN/devices.json" <<JSON
{
  "devices": [
    { "id": "lane1-scanner", "kind": "scanner", "transport": "serial", "match": { "path": "$RUN/scanner" } },
    { "id": "lane1-printer", "kind": "printer", "transport": "serial", "match": { "path": "$RUN/printer" } }
  ],
  "lanes": [{ "kiosk": "K1", "scanner": "lane1-scanner", "printer": "lane1-printer" }]
}
JSON
  HW_ARGS=(--hardware "$RUN/devices.json")
  echo "demo: simulated lane for the kiosk paired as K1 (retailer_device_id \"K1\"):"
  echo "demo:   scan:    node hardware/bin/hardware.mjs simulate scanner --port $RUN/scanner-sim 4006381333931"
  echo "demo:   receipts print to .data/demo-paper.log (tail -f it)"
fi

echo "demo: staff sign-in for the console and API: username 'manager', PIN 123456"
$HUB serve --data-dir "$DATA_DIR" --port "${PORT:-8750}" --host "${HOST:-127.0.0.1}" "${HW_ARGS[@]}"
