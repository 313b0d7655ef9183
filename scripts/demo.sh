#!/usr/bin/env bash
# `npm run demo`: set up a fresh clone, generate the demo store if absent, and run the store hub
# with it on the embedded defaults (SQLite data directory, terminal simulator).
#   KASSA_DEMO_DIR   data directory (default: .data/demo-hub in the repository)
#   PORT             port (default 8750)
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

echo "demo: staff sign-in for the console and API: username 'manager', PIN 123456"
exec $HUB serve --data-dir "$DATA_DIR" --port "${PORT:-8750}" --host "${HOST:-127.0.0.1}"
