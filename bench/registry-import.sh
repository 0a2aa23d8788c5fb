#!/usr/bin/env bash
# Benchmark: `netcare registry import` of a generated registry, on SQLite and PostgreSQL.
#   bench/registry-import.sh [LINES]        (default 1,000,000 contract lines)
# Prints wall time, rows per second and peak memory for a first import and an unchanged
# re-import on each database, and, for comparison, sqlite3's own `.import` of the same
# contract_lines.csv into an in-memory table (the floor for "read a CSV into a table").
# Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
lines=${1:-1000000}
need bc sqlite3 /usr/bin/time:time
bench_setup bench

say "generating $lines contract lines"
NETCARE_LOG=warn "$netcare" --database-url "$work/gen.db" demo --devices "$lines" --out "$work/registry" --no-import >/dev/null
rows=$(( $(wc -l < "$work/registry/contract_lines.csv") - 1 ))

results=()
measure() { # label database-url
  local label=$1 url=$2 out
  out=$( { /usr/bin/time -f '%e %M' env NETCARE_LOG=warn "$netcare" --database-url "$url" registry import "$work/registry" --actor bench >/dev/null; } 2>&1 | tail -1)
  local seconds=${out% *} rss_kb=${out#* }
  results+=("$(printf '%-34s %9.2f s %12.0f rows/s %8d MB' "$label" "$seconds" "$(echo "$rows / $seconds" | bc -l)" $((rss_kb / 1024)))")
}

say "SQLite"
measure "sqlite: first import" "$work/bench.db"
measure "sqlite: re-import, unchanged" "$work/bench.db"

say "PostgreSQL"
pg_url=$(bash scripts/postgres.sh start "$pg_dir")
psql -q "$pg_url" -c "CREATE DATABASE bench"
measure "postgres: first import" "${pg_url%/*}/bench"
measure "postgres: re-import, unchanged" "${pg_url%/*}/bench"

say "reference: sqlite3 .import into :memory:"
start=$(date +%s.%N)
sqlite3 :memory: ".import --csv $work/registry/contract_lines.csv lines" "SELECT COUNT(*) FROM lines;" >/dev/null
reference=$(echo "$(date +%s.%N) - $start" | bc -l)
results+=("$(printf '%-34s %9.2f s %12.0f rows/s' "reference: sqlite3 .import (no checks)" "$reference" "$(echo "$rows / $reference" | bc -l)")")

echo
echo "registry import of $rows contract lines (+ companies, sites, $(( $(wc -l < "$work/registry/contracts.csv") - 1 )) contracts, associations), $(nproc) cores"
printf '%s\n' "${results[@]}"
