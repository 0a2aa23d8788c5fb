#!/usr/bin/env bash
# Fuzzes the collector API from its OpenAPI document with schemathesis, every check on: the real
# server (debug build) on a fresh SQLite database with the demo data, an upload token of
# Northwind's. Part of the test command; reproducible by seed (NETCARE_FUZZ_SEED, or pass --seed).
#   scripts/api-fuzz.sh [schemathesis options, e.g. --max-examples 300 --seed 42]
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"

venv="$NETCARE_TOOLS/schemathesis"
requirements="$NETCARE_ROOT/scripts/api-fuzz/requirements.txt"
if ! cmp -s "$requirements" "$venv/requirements.txt"; then
  say "installing schemathesis (PyPI) into $venv"
  rm -rf "$venv"
  if ! python3 -m venv "$venv" 2>/dev/null; then
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    /usr/bin/python3 -m venv "$venv"
  fi
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/requirements.txt"
fi

netcare="$CARGO_TARGET_DIR/debug/netcare"
[ -x "$netcare" ] || cargo build --locked -p server
work=$(mktemp -d "${TMPDIR:-/tmp}/netcare-fuzz.XXXXXX")
db="$work/netcare.db"
"$netcare" --database-url "$db" --log warn demo --if-empty >/dev/null
token=$("$netcare" --database-url "$db" --log warn token create --company NW-1001 --name api-fuzz 2>/dev/null)
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# A high daily quota: otherwise nearly every generated upload after the fifth is a 429.
"$netcare" --database-url "$db" --log warn serve --bind "127.0.0.1:$port" \
  --site-dir "$work/no-site" --uploads-per-day 1000000 >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

# The README's integration is run as written, against this server: it must work for whoever
# copies it.
say "the README's API integration in curl"
command -v jq >/dev/null || {
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq jq >/dev/null
}
mkdir -p "$work/readme" "$work/bin"
ln -sf "$netcare" "$work/bin/netcare"
awk '/^A complete integration in `curl`/ {found=1} found && /^```sh$/ {inside=1; next}
     inside && /^```$/ {exit} inside {print}' README.md |
  sed "s#http://127.0.0.1:3000#http://127.0.0.1:$port#" >"$work/readme/integration.sh"
printf 'serial_number,product_id\nFOC2101A0AB,C9300-48P\n' >"$work/readme/inventory.csv"
(cd "$work/readme" && PATH="$work/bin:$PATH" DATABASE_URL="$db" NETCARE_LOG=warn \
  bash -euo pipefail integration.sh >out.txt 2>&1) || { cat "$work/readme/out.txt"; exit 1; }
grep -q '"serial_number":"FOC2101A0AA"' "$work/readme/out.txt" &&
  grep -q '"status": "covered"' "$work/readme/out.txt" &&
  [ -s "$work/readme/last-poll" ] || { echo "the README's integration answered:"; cat "$work/readme/out.txt"; exit 1; }
echo "ran $(grep -c . "$work/readme/integration.sh") lines; $(grep -c '^{"serial_number"' "$work/readme/out.txt") devices polled"

say "openapi-spec-validator: the document the server generates"
curl -fsS "http://127.0.0.1:$port/api/v1/openapi.json" >"$work/openapi.json"
"$venv/bin/openapi-spec-validator" "$work/openapi.json"

say "schemathesis: every check against /api/v1/openapi.json"
status=0
SCHEMATHESIS_HOOKS=hooks PYTHONPATH="$NETCARE_ROOT/scripts/api-fuzz" \
  "$venv/bin/schemathesis" --config-file "$NETCARE_ROOT/scripts/api-fuzz/schemathesis.toml" \
  run "http://127.0.0.1:$port/api/v1/openapi.json" --url "http://127.0.0.1:$port" \
  -H "Authorization: Bearer $token" --checks all --seed "${NETCARE_FUZZ_SEED:-20261130}" \
  --max-examples "${NETCARE_FUZZ_EXAMPLES:-100}" --no-color "$@" >"$work/schemathesis.log" 2>&1 || status=$?
# The summary, and every failure in full when there is one.
if [ "$status" -ne 0 ]; then cat "$work/schemathesis.log"; tail -20 "$work/server.log"; else tail -16 "$work/schemathesis.log"; fi
exit "$status"

