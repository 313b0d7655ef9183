#!/usr/bin/env bash
# Called by scripts/setup.sh on every `npm test` / `npm run demo`: makes sure Kafka's pinned jars
# are present. Silent when they already are; never fails setup — without Java or Maven Central
# the Kafka tests skip and the demo runs the store alone, and this says so in one line.
HERE="$(cd "$(dirname "$0")" && pwd)"
if ! command -v java > /dev/null 2>&1; then
  echo "kafka: Java is not installed, so the local broker cannot run (Kafka tests skip; the demo runs the store alone)"
  exit 0
fi
if ! out="$(bash "$HERE/broker.sh" fetch 2>&1)"; then
  echo "kafka: could not fetch the broker's jars ($(printf '%s' "$out" | tail -1)); Kafka tests and the demo's HQ link need them"
fi
exit 0
