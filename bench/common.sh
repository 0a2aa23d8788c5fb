# Shared by the benchmarks: NetCare's environment, the Debian tools they need, a free port, and
# waiting for a server to answer. Sourced, never run.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$NETCARE_ROOT"

# need COMMAND[:DEBIAN-PACKAGE]...: installs from Debian the packages of the missing commands.
need() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_server BASE-URL: until /healthz answers (up to 10 s).
wait_for_server() {
  for _ in $(seq 1 100); do curl -fs "$1/healthz" >/dev/null && return 0; sleep 0.1; done
}

# bench_setup NAME: builds the release server and sets $netcare, a scratch directory $work and a
# PostgreSQL directory $pg_dir (its own: the server runs as `postgres`, which cannot enter a
# root-only $work); on exit, a server left in $server_pid is stopped and both are removed.
bench_setup() {
  cargo build --release --locked -p server >&2
  netcare="$CARGO_TARGET_DIR/release/netcare"
  work=$(mktemp -d "${TMPDIR:-/tmp}/netcare-$1.XXXXXX")
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/netcare-$1-pg.XXXXXX")
  server_pid=""
  trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; bash scripts/postgres.sh stop "$pg_dir"; rm -rf "$work"' EXIT
}

# on_each_database NAME: calls `run_database BACKEND DATABASE-URL` for SQLite (a file in $work)
# and for a fresh PostgreSQL database NAME, or for the ones BENCH_DATABASES lists. The PostgreSQL
# server's URL without its database stays in $pg_base.
on_each_database() {
  local database pg_url
  for database in ${BENCH_DATABASES:-sqlite postgres}; do
    if [ "$database" = sqlite ]; then
      say "SQLite"
      run_database sqlite "$work/$1.db"
    else
      say "PostgreSQL"
      pg_url=$(bash scripts/postgres.sh start "$pg_dir")
      pg_base=${pg_url%/*}
      psql -q "$pg_url" -c "CREATE DATABASE $1"
      run_database postgres "$pg_base/$1"
    fi
  done
}

# company_for_dana NETCARE DATABASE-URL DEVICES: the demo data, then a generated registry and a
# company of DEVICES devices (GEN-C00000; every coverage status but "expiring") whose inventory is
# written to $work/inventory.csv, and the demo's DA (dana.admin) moved into that company so a
# known person opens its pages (bench set-up only: people join a company through onboarding).
# Sets $token, a collector token of the company, for upload_inventory once a server runs.
company_for_dana() {
  local netcare=$1 db=$2 devices=$3
  "$netcare" --database-url "$db" demo >/dev/null
  "$netcare" --database-url "$db" demo --devices "$devices" --out "$work/registry" \
    --inventory "$work/inventory.csv" >/dev/null
  sqlite3 "$db" "UPDATE company_members SET company_id = 'GEN-C00000', org_entry = 'GEN-C00000', da_position = 1
    WHERE account_id = (SELECT id FROM accounts WHERE username = 'dana.admin')"
  token=$("$netcare" --database-url "$db" token create --company GEN-C00000 --name bench 2>/dev/null)
}

# upload_inventory BASE-URL: uploads $work/inventory.csv with $token (company_for_dana).
upload_inventory() {
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'Content-Type: text/csv' \
    --data-binary "@$work/inventory.csv" "$1/api/v1/uploads"
}
