#!/usr/bin/env bash
# Brings a fresh machine to the point where `npm test` and the demo run:
# Debian packages from scripts/system-packages.txt, `npm ci` when the lockfile changed, then the
# web apps' builds (each workspace's `build` script) when their sources are newer than their output.
# Quiet when there is nothing to do, so `npm test` and `npm run demo` can call it every time.
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
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${wanted[@]}" > /dev/null
fi

# node-gyp cannot download Node's headers here; use the system ones when present.
if [ -d /usr/include/node ]; then export npm_config_nodedir=/usr; fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages (npm ci; the first time this compiles native addons, a few minutes)"
  npm ci --no-audit --no-fund --loglevel=error
fi

# Optional per-concern setup hooks (e.g. fetching Kafka's jars): scripts/<concern>/setup-hook.sh
for hook in scripts/*/setup-hook.sh; do
  [ -f "$hook" ] && bash "$hook"
done

# Web apps: a workspace with a `build` script is rebuilt only when a file under its sources is newer
# than its built output. package.json may say where both are:
#   "kassa": { "buildOutput": "console/dist/index.html", "buildInputs": "console" }
for ws in $(node -e 'for (const w of require("./package.json").workspaces) console.log(w)'); do
  read -r has out inp < <(node -e 'const p=require("./'"$ws"'/package.json");
    console.log(p.scripts?.build ? 1 : 0, p.kassa?.buildOutput ?? "dist/index.html", p.kassa?.buildInputs ?? ".")')
  [ "$has" = 1 ] || continue
  src="$ws/$inp"; [ "$inp" = "." ] && src="$ws" # find's -path must see the same spelling as the prune
  if [ -f "$ws/$out" ] && [ -z "$(find "$src" \( -name node_modules -o -name test-results -o -path "$ws/$(dirname "$out")" \) -prune -o -type f -newer "$ws/$out" -print -quit)" ]; then
    continue
  fi
  echo "setup: building $ws"
  npm run build -w "$ws" --silent > /tmp/kassa-build-$$.log 2>&1 || { cat /tmp/kassa-build-$$.log; exit 1; }
done
