#!/usr/bin/env bash
# Benchmark: inventory uploads through the real HTTP endpoint (POST /api/v1/uploads, CSV), on
# SQLite and PostgreSQL, against a generated registry of 1,000,000 contract lines.
#   bench/uploads.sh [DEVICES...]          (default: 100000 1000000)
#   BENCH_DATABASES=sqlite bench/uploads.sh  (default: "sqlite postgres")
# For each size: wall time to the summary (coverage computed included), devices per second, and
# the server's peak memory (VmHWM) next to its memory when idle, so growth with file size shows.
# The reference is sqlite3's own `.import` of the same file into an in-memory table (the floor for
# "read a CSV into a table"). Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
sizes=("${@:-100000 1000000}")
read -r -a sizes <<< "${sizes[*]}"
need bc sqlite3 curl
bench_setup bench

largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
registry_lines=$(( largest > 1000000 ? largest : 1000000 ))
say "generating a registry of $registry_lines lines and an inventory of $largest devices"
NETCARE_LOG=warn "$netcare" --database-url "$work/gen.db" demo --devices "$registry_lines" \
  --out "$work/registry" --inventory "$work/inventory-all.csv" --no-import >/dev/null
for size in "${sizes[@]}"; do head -n $((size + 1)) "$work/inventory-all.csv" > "$work/inventory-$size.csv"; done

port=$(free_port)
results=()

start_server() { # database-url
  NETCARE_LOG=warn "$netcare" --database-url "$1" serve --bind "127.0.0.1:$port" --site-dir "$work" \
    --max-upload-mb 1024 --uploads-per-day 1000 &
  server_pid=$!
  wait_for_server "http://127.0.0.1:$port"
}
stop_server() { kill $server_pid; wait $server_pid 2>/dev/null || true; server_pid=""; }
rss_mb() { awk -v f="$1" '$1 == f":" { printf "%d", $2 / 1024 }' "/proc/$server_pid/status"; }

run_database() { # label database-url
  local label=$1 url=$2 index=0
  NETCARE_LOG=warn "$netcare" --database-url "$url" registry import "$work/registry" --actor bench >/dev/null
  for size in "${sizes[@]}"; do
    # One company per size, so each upload adds its devices to an empty inventory.
    local token
    token=$(NETCARE_LOG=warn "$netcare" --database-url "$url" token create --company "$(printf 'GEN-C%05d' $index)" --name bench 2>/dev/null)
    start_server "$url"
    local idle; idle=$(rss_mb VmRSS)
    local seconds
    seconds=$(curl -sS -o "$work/summary.json" -w '%{time_total}' -H "Authorization: Bearer $token" \
      -H 'Content-Type: text/csv' --data-binary "@$work/inventory-$size.csv" "http://127.0.0.1:$port/api/v1/uploads")
    local accepted; accepted=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["accepted"])' "$work/summary.json")
    local peak; peak=$(rss_mb VmHWM)
    stop_server
    results+=("$(printf '%-10s %9d devices %8.2f s %10.0f devices/s   peak %4d MB (idle %3d MB)' "$label" "$accepted" "$seconds" "$(echo "$accepted / $seconds" | bc -l)" "$peak" "$idle")")
    index=$((index + 1))
  done
}

on_each_database bench

say "reference: sqlite3 .import into :memory:"
for size in "${sizes[@]}"; do
  start=$(date +%s.%N)
  sqlite3 :memory: ".import --csv $work/inventory-$size.csv devices" "SELECT COUNT(*) FROM devices;" >/dev/null
  reference=$(echo "$(date +%s.%N) - $start" | bc -l)
  results+=("$(printf '%-10s %9d devices %8.2f s %10.0f devices/s   (no checks, no coverage)' "sqlite3" "$size" "$reference" "$(echo "$size / $reference" | bc -l)")")
done

echo
echo "inventory upload through POST /api/v1/uploads, registry of $registry_lines lines, $(nproc) cores"
printf '%s\n' "${results[@]}"
