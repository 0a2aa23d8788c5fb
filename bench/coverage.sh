#!/usr/bin/env bash
# Benchmark: keeping coverage current, and the Library, on SQLite and PostgreSQL. A company with
# DEVICES devices (default 1,000,000, uploaded through the HTTP API) against a registry of as many
# contract lines; then (server/examples/coverage_bench.rs): recomputing the company's coverage, a
# registry change touching 10,000 of its serials, and the Library's first page for each filter.
#   bench/coverage.sh [DEVICES]            BENCH_DATABASES=sqlite for one database
# Goals (issue 8): recompute under 5 s, the change under 0.5 s, each Library page under 50 ms.
# Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
devices=${1:-1000000}
need curl
bench_setup bench
cargo build --release --locked -p server --example coverage_bench >&2
bench="$CARGO_TARGET_DIR/release/examples/coverage_bench"
export NETCARE_LOG=warn

say "generating a registry of $devices lines and an inventory of $devices devices"
"$netcare" --database-url "$work/gen.db" demo --devices "$devices" --out "$work/registry" \
  --inventory "$work/inventory.csv" --no-import >/dev/null
port=$(free_port)

run_database() { # label database-url
  local label=$1 url=$2
  say "$label: registry import and a $devices-device upload"
  "$netcare" --database-url "$url" registry import "$work/registry" --actor bench >/dev/null
  local token; token=$("$netcare" --database-url "$url" token create --company GEN-C00000 --name bench 2>/dev/null)
  "$netcare" --database-url "$url" serve --bind "127.0.0.1:$port" --site-dir "$work" --max-upload-mb 1024 &
  server_pid=$!
  wait_for_server "http://127.0.0.1:$port"
  curl -sS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary "@$work/inventory.csv" "http://127.0.0.1:$port/api/v1/uploads"
  kill $server_pid; wait $server_pid 2>/dev/null || true; server_pid=""
  echo "== $label"
  "$bench" "$url" GEN-C00000
}

on_each_database bench
