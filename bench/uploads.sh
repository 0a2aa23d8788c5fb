#!/usr/bin/env bash
# Benchmark: inventory uploads through the real HTTP endpoint (POST /api/v1/uploads, CSV), on
# SQLite and PostgreSQL, against a generated registry of 1,000,000 contract lines.
#   bench/uploads.sh [DEVICES...]          (default: 100000 1000000)
#   BENCH_DATABASES=sqlite bench/uploads.sh  (default: "sqlite postgres")
# For each size: wall time to the summary (coverage computed included), devices per second, and
# the server's peak memory (VmHWM) next to its memory when idle, so growth with file size shows.
# Two references per database, measured in the same run, each printed with the upload's ratio to it:
#  - the database's own loader: sqlite3's `.import` of the same file into a WAL table with a unique
#    (serial_number, product_id) index; psql's `\copy` of it into such a table (issue 21's floors);
#  - the devices table itself: the database copying the uploaded devices into `devices` for another
#    company with one INSERT … SELECT (no parsing, no coverage, nothing crossing a connection),
#    rolled back: what writing that many rows with the Library's indexes costs the engine alone.
# Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
sizes=("${@:-100000 1000000}")
read -r -a sizes <<< "${sizes[*]}"
need bc sqlite3 curl psql:postgresql-client
bench_setup bench

largest=$(printf '%s\n' "${sizes[@]}" | sort -n | tail -1)
registry_lines=$(( largest > 1000000 ? largest : 1000000 ))
say "generating a registry of $registry_lines lines and an inventory of $largest devices"
NETCARE_LOG=warn "$netcare" --database-url "$work/gen.db" demo --devices "$registry_lines" \
  --out "$work/registry" --inventory "$work/inventory-all.csv" --no-import >/dev/null
for size in "${sizes[@]}"; do head -n $((size + 1)) "$work/inventory-all.csv" > "$work/inventory-$size.csv"; done

port=$(free_port)
results=()
declare -A uploaded

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
    uploaded["$label-$size"]=$seconds
    local floor; floor=$(devices_floor "$label" "$url" "$(printf 'GEN-C%05d' $index)")
    results+=("$(printf '%-10s %9d devices %8.2f s   the same rows copied inside the devices table (upload: %.1fx)' "$label" "$accepted" "$floor" "$(echo "$seconds / $floor" | bc -l)")")
    index=$((index + 1))
  done
}

# devices_floor BACKEND DATABASE-URL COMPANY: seconds for the engine to copy COMPANY's devices into
# `devices` again under another company id (one the sizes never upload to), in a transaction it
# rolls back.
devices_floor() {
  local columns="coverage_computed_at, coverage_since, coverage_cause, first_upload_id, last_upload_id, \
    seen_by_token_id, identity_key, serial_number, product_id, hostname, ip_address, mac_address, \
    software_type, software_version, site, serial_key, pid_key, mac_key, release_key, upload_line, \
    status, reason, registry_pid, contract_number, service_level, coverage_start, coverage_end"
  local copy="INSERT INTO devices (company_id, $columns) SELECT 'GEN-C00009', $columns FROM devices WHERE company_id = '$3'"
  local start; start=$(date +%s.%N)
  if [ "$1" = sqlite ]; then
    sqlite3 "$2" "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON; BEGIN; $copy; ROLLBACK;" >/dev/null
  else
    psql -q "$2" -c "BEGIN" -c "$copy" -c "ROLLBACK" >/dev/null
  fi
  echo "$(date +%s.%N) - $start" | bc -l
}

on_each_database bench

# reference LOADER DATABASE SIZE SECONDS: a loader's line, with DATABASE's upload of SIZE against it.
reference() {
  local line; line=$(printf '%-10s %9d devices %8.2f s %10.0f devices/s   (loader, one unique index)' "$1" "$3" "$4" "$(echo "$3 / $4" | bc -l)")
  [ -n "${uploaded[$2-$3]:-}" ] && line+=$(printf '; the %s upload: %.1fx' "$2" "$(echo "${uploaded[$2-$3]} / $4" | bc -l)")
  results+=("$line")
}
inventory_table="CREATE TABLE devices (serial_number TEXT, product_id TEXT, hostname TEXT, ip_address TEXT, \
  mac_address TEXT, software_type TEXT, software_version TEXT, site TEXT); \
  CREATE UNIQUE INDEX devices_identity ON devices (serial_number, product_id);"

say "reference: sqlite3 .import into an indexed WAL table"
for size in "${sizes[@]}"; do
  rm -f "$work/import.db"*
  sqlite3 "$work/import.db" "PRAGMA journal_mode = WAL;" "$inventory_table" >/dev/null
  start=$(date +%s.%N)
  sqlite3 "$work/import.db" "PRAGMA synchronous = NORMAL;" ".import --csv --skip 1 $work/inventory-$size.csv devices" >/dev/null
  reference sqlite3 sqlite "$size" "$(echo "$(date +%s.%N) - $start" | bc -l)"
done
if [[ " ${BENCH_DATABASES:-sqlite postgres} " == *" postgres "* ]]; then
  say "reference: psql \\copy into an indexed table"
  for size in "${sizes[@]}"; do
    psql -q "$pg_base/bench" -c "DROP TABLE IF EXISTS copied; ${inventory_table//devices/copied}" >/dev/null
    start=$(date +%s.%N)
    psql -q "$pg_base/bench" -c "\\copy copied FROM '$work/inventory-$size.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
    reference psql postgres "$size" "$(echo "$(date +%s.%N) - $start" | bc -l)"
  done
fi

echo
echo "inventory upload through POST /api/v1/uploads, registry of $registry_lines lines, $(nproc) cores"
printf '%s\n' "${results[@]}"
