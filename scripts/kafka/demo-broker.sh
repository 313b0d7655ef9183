#!/usr/bin/env bash
# The demo's broker: starts the local broker in <repo>/.data/kafka (formatting it the first time,
# with SCRAM users `hq` and `hub-<store id>`), provisions the store's topics and ACLs, and writes
# the connection settings for the hub and HQ to .data/kafka/demo.env (sourced by the demo).
#   scripts/kafka/demo-broker.sh STORE_ID          → exit 0, prints "kafka: ready …"
# Without Java (or the jars) it prints one line saying the store runs alone, and exits 3.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STORE="${1:?usage: demo-broker.sh STORE_ID}"
export KASSA_KAFKA_DIR="${KASSA_KAFKA_DIR:-$REPO/.data/kafka}"
if ! command -v java > /dev/null 2>&1; then
  echo "kafka: Java is not installed, so there is no broker and no HQ: the demo runs the store alone"
  exit 3
fi
if ! bash "$HERE/broker.sh" fetch > /dev/null 2>&1; then
  echo "kafka: the broker's jars could not be fetched, so there is no broker and no HQ: the demo runs the store alone"
  exit 3
fi
ENVFILE="$KASSA_KAFKA_DIR/demo.env"
if [ ! -f "$ENVFILE" ] || ! grep -q "^KASSA_STORE_ID=$STORE\$" "$ENVFILE"; then
  bash "$HERE/broker.sh" stop > /dev/null 2>&1 || true
  hub_pw="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  hq_pw="$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
  bash "$HERE/broker.sh" format --user "hub-$STORE:$hub_pw" --user "hq:$hq_pw"
  port="$(sed -n 's/^port=//p' "$KASSA_KAFKA_DIR/ports")"
  (umask 077 && printf '%s\n' \
    "KASSA_KAFKA_BROKERS=127.0.0.1:$port" \
    "KASSA_STORE_ID=$STORE" \
    "KASSA_KAFKA_USERNAME=hub-$STORE" \
    "KASSA_KAFKA_PASSWORD=$hub_pw" \
    "HQ_KAFKA_USER=hq" \
    "HQ_KAFKA_PASSWORD=$hq_pw" > "$ENVFILE")
fi
bash "$HERE/broker.sh" start > /dev/null
(cd "$REPO" && node --import tsx "$HERE/provision.ts" --store "$STORE" > /dev/null)
echo "kafka: ready on $(sed -n 's/^KASSA_KAFKA_BROKERS=//p' "$ENVFILE") for store $STORE (settings: $ENVFILE; stop: scripts/kafka/broker.sh stop)"
