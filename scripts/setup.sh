#!/usr/bin/env bash
# Brings a fresh machine to the point where `npm test` and the demo run:
# Debian packages from scripts/system-packages.txt, then `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

wanted=()
while read -r pkg; do
  pkg="${pkg%%#*}"; pkg="${pkg// /}"
  [ -n "$pkg" ] || continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || wanted+=("$pkg")
done < scripts/system-packages.txt

if [ "${#wanted[@]}" -gt 0 ]; then
  echo "setup: installing Debian packages: ${wanted[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}"
fi

# node-gyp cannot download Node's headers here; use the system ones when present.
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci
fi
