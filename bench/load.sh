#!/usr/bin/env bash
# Load: a mixed workload from many clients for a fixed time, on SQLite and PostgreSQL (wrk, from
# Debian). Northwind holds 20,000 devices; the mix is Library pages, the uploads overview,
# sign-ins and small collector uploads (bench/load.lua). Prints throughput, p50/p90/p99 latency,
# the errors (non-2xx answers included) and the server's memory at the start, every 5 s and at the end.
#   bench/load.sh [SECONDS] [CONNECTIONS]      (default 30 s, 32 connections)
#   BENCH_DATABASES=sqlite bench/load.sh
# Informational: it never fails on a time.
set -euo pipefail
source "$(dirname "$0")/common.sh"
seconds=${1:-30}
connections=${2:-32}
need wrk curl
bench_setup load
export NETCARE_LOG=warn PASSWORD="copper kettle orbit lantern"
port=$(free_port)
base="http://127.0.0.1:$port"

rss() { awk '/VmRSS/ {printf "%d MB", $2/1024}' "/proc/$server_pid/status"; }

run_database() { # label url
  local label=$1 url=$2
  "$netcare" --database-url "$url" demo >/dev/null
  export TOKEN; TOKEN=$("$netcare" --database-url "$url" token create --company NW-1001 --name load 2>/dev/null)
  "$netcare" --database-url "$url" serve --bind "127.0.0.1:$port" --site-dir "$work" \
    --uploads-per-day 1000000 --max-upload-mb 100 &
  server_pid=$!
  wait_for_server "$base"
  { echo "serial_number,product_id,hostname"; for n in $(seq 1 20000); do echo "LD$n,C9300-48P,host-$n"; done; } > "$work/inv.csv"
  curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/csv' \
    --data-binary "@$work/inv.csv" "$base/api/v1/uploads"
  export COOKIE; COOKIE=$(curl -fsS -D - -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode 'login=ben.user' --data-urlencode "password=$PASSWORD" "$base/api/accounts/login" \
    | awk -F'[:;] *' 'tolower($1)=="set-cookie" {print $2; exit}')
  echo "== $label: $seconds s, $connections connections, 2 threads"
  local start_rss; start_rss=$(rss)
  # The server's memory every 5 s while the load runs: it should rise to a level and stay there.
  ( samples=""; for _ in $(seq 5 5 "$seconds"); do sleep 5; samples="$samples $(rss | cut -d' ' -f1)"; done
    echo "memory every 5 s (MB):$samples" ) &
  local sampler=$!
  wrk -t2 -c"$connections" -d"${seconds}s" --timeout 10s -s bench/load.lua "$base" | sed -n '/^requests/,$p'
  wait $sampler
  echo "memory: start $start_rss, end $(rss)"
  kill $server_pid; wait $server_pid 2>/dev/null || true; server_pid=""
}

on_each_database load
