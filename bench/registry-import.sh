#!/usr/bin/env bash
# Benchmark: `netcare registry import` of a generated registry, on SQLite and PostgreSQL.
#   bench/registry-import.sh [LINES]        (default 1,000,000 contract lines)
# Prints wall time, rows per second and peak memory for a first import (its coverage recompute
# included, as the command runs it) and an unchanged re-import on each database, and two
# references per database, measured in the same run:
#  - the database's own loader: sqlite3's `.import` / psql's `\copy` of the same contract_lines.csv
#    into a table with a unique (contract, serial, product ID, MAC) index;
#  - the contract_lines table itself: the database copying the imported lines back into the emptied
#    table with one INSERT … SELECT (its indexes and foreign keys, no parsing), rolled back.
# Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
lines=${1:-1000000}
need bc sqlite3 /usr/bin/time:time psql:postgresql-client
bench_setup bench

say "generating $lines contract lines"
NETCARE_LOG=warn "$netcare" --database-url "$work/gen.db" demo --devices "$lines" --out "$work/registry" --no-import >/dev/null
rows=$(( $(wc -l < "$work/registry/contract_lines.csv") - 1 ))

results=()
measure() { # label database-url
  local label=$1 url=$2 out
  out=$( { /usr/bin/time -f '%e %M' env NETCARE_LOG=warn "$netcare" --database-url "$url" registry import "$work/registry" --actor bench >/dev/null; } 2>&1 | tail -1)
  local rss_kb=${out#* }
  seconds=${out% *}
  results+=("$(printf '%-34s %9.2f s %12.0f rows/s %8d MB' "$label" "$seconds" "$(echo "$rows / $seconds" | bc -l)" $((rss_kb / 1024)))")
}

columns="contract_number, serial_number, product_id, mac_address, serial_key, pid_key, mac_key, \
  start_date, end_date, change_id, created_at, updated_at"
loader_table="CREATE TABLE loaded (contract_number TEXT, serial_number TEXT, product_id TEXT, \
  mac_address TEXT, start_date TEXT, end_date TEXT); \
  CREATE UNIQUE INDEX loaded_identity ON loaded (contract_number, serial_number, product_id, mac_address);"
# seconds_of TIMER-OUTPUT: the last timing sqlite3 (`Run Time: real S`) or psql (`Time: MS ms`) printed.
seconds_of() {
  awk '/^Run Time: real/ { s = $4 } /^Time: / { s = $2 / 1000 } END { print s }'
}
floor_line() { # label seconds import-seconds
  results+=("$(printf '%-34s %9.2f s %12.0f rows/s   (import: %.1fx)' "$1" "$2" "$(echo "$rows / $2" | bc -l)" "$(echo "$3 / $2" | bc -l)")")
}

say "SQLite"
measure "sqlite: first import" "$work/bench.db"
sqlite_first=$seconds
measure "sqlite: re-import, unchanged" "$work/bench.db"
floor=$(sqlite3 "$work/bench.db" <<SQL | seconds_of
PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
CREATE TEMP TABLE copied AS SELECT $columns FROM contract_lines;
BEGIN; DELETE FROM contract_lines;
.timer on
INSERT INTO contract_lines ($columns) SELECT $columns FROM temp.copied;
.timer off
ROLLBACK;
SQL
)
floor_line "sqlite: the lines copied in the table" "$floor" "$sqlite_first"
sqlite3 "$work/loaded.db" "PRAGMA journal_mode = WAL;" "$loader_table" >/dev/null
start=$(date +%s.%N)
sqlite3 "$work/loaded.db" "PRAGMA synchronous = NORMAL;" ".import --csv --skip 1 $work/registry/contract_lines.csv loaded" >/dev/null
floor_line "sqlite3 .import (one unique index)" "$(echo "$(date +%s.%N) - $start" | bc -l)" "$sqlite_first"

say "PostgreSQL"
pg_url=$(bash scripts/postgres.sh start "$pg_dir")
psql -q "$pg_url" -c "CREATE DATABASE bench"
measure "postgres: first import" "${pg_url%/*}/bench"
postgres_first=$seconds
measure "postgres: re-import, unchanged" "${pg_url%/*}/bench"
floor=$(psql -q "${pg_url%/*}/bench" <<SQL | seconds_of
CREATE TEMP TABLE copied AS SELECT $columns FROM contract_lines;
BEGIN; DELETE FROM contract_lines;
\\timing on
INSERT INTO contract_lines ($columns) SELECT $columns FROM copied;
\\timing off
ROLLBACK;
SQL
)
floor_line "postgres: the lines copied in the table" "$floor" "$postgres_first"
psql -q "${pg_url%/*}/bench" -c "$loader_table" >/dev/null
start=$(date +%s.%N)
psql -q "${pg_url%/*}/bench" -c "\\copy loaded FROM '$work/registry/contract_lines.csv' WITH (FORMAT csv, HEADER true)" >/dev/null
floor_line "psql \\copy (one unique index)" "$(echo "$(date +%s.%N) - $start" | bc -l)" "$postgres_first"

echo
echo "registry import of $rows contract lines (+ companies, sites, $(( $(wc -l < "$work/registry/contracts.csv") - 1 )) contracts, associations), $(nproc) cores"
printf '%s\n' "${results[@]}"
