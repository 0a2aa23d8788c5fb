#!/usr/bin/env bash
# Benchmark: product alerts at scale, on SQLite and PostgreSQL. A company with DEVICES devices
# (default 1,000,000, uploaded through the HTTP API, each on one of 117 IOS XE releases) and the
# generated alerts of `netcare demo --devices N` (20,000 end-of-life product IDs, 5,000 advisories
# of ~50 releases, 2,000 field notices); then (server/examples/alerts_bench.rs) the dashlets,
# Library → Alerts, the Library's alert filters, a device's page and importing one new advisory.
#   bench/alerts.sh [DEVICES]            BENCH_DATABASES=sqlite for one database
# Goals (issue 22): every device's alerts decided < 10 s (they are matched on read: nothing to
# decide ahead), one new advisory imported and reaching its devices < 1 s, dashlets and Library
# pages < 50 ms. Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
devices=${1:-1000000}
need curl bc
bench_setup bench
cargo build --release --locked -p server --example alerts_bench >&2
bench="$CARGO_TARGET_DIR/release/examples/alerts_bench"
export NETCARE_LOG=warn

say "generating a registry of $devices lines, product alerts and an inventory of $devices devices"
"$netcare" --database-url "$work/gen.db" demo --devices "$devices" --out "$work/registry" \
  --inventory "$work/inventory.csv" --no-import >/dev/null
port=$(free_port)

run_database() { # label database-url
  local label=$1 url=$2
  say "$label: registry and alerts import, then a $devices-device upload"
  "$netcare" --database-url "$url" registry import "$work/registry" --actor bench >/dev/null
  local started; started=$(date +%s.%N)
  "$netcare" --database-url "$url" registry import "$work/registry/alerts" --actor bench >/dev/null
  echo "== $label"
  printf '  import of the generated alerts: %.2f s\n' "$(echo "$(date +%s.%N) - $started" | bc -l)"
  local token; token=$("$netcare" --database-url "$url" token create --company GEN-C00000 --name bench 2>/dev/null)
  "$netcare" --database-url "$url" serve --bind "127.0.0.1:$port" --site-dir "$work" --max-upload-mb 1024 &
  server_pid=$!
  wait_for_server "http://127.0.0.1:$port"
  started=$(date +%s.%N)
  curl -sS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary "@$work/inventory.csv" "http://127.0.0.1:$port/api/v1/uploads"
  printf '  upload of %s devices (coverage and the counts the summaries read included): %.2f s\n' \
    "$devices" "$(echo "$(date +%s.%N) - $started" | bc -l)"
  kill $server_pid; wait $server_pid 2>/dev/null || true; server_pid=""
  "$bench" "$url" GEN-C00000
}

on_each_database bench
