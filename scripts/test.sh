#!/usr/bin/env bash
# Command 2: every check and test. Formatting, clippy (server and browser builds), unit and
# integration tests on SQLite and on a real PostgreSQL server started here, then the browser suite
# (Playwright + Debian's Chromium) against the real server on both databases (see below).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"

bash scripts/setup-tools.sh system
# Trunk and wasm-bindgen (minutes on a fresh machine) compile beside the checks and tests, and the
# browser app's bundles beside the tests' compilation, both yielding to them (the bundles are
# waited for before the tests run, whose timings they would disturb).
trap stop_background_builds EXIT
BACKGROUND_NICENESS=10
start_compiled_tools

# Clippy's lints run inside the builds the command makes anyway, the tests' and the bundles':
# cargo runs clippy-driver (the compiler with clippy's lints, warnings denied) for the workspace's
# own crates, as `cargo clippy` does, and the dependencies compile once. `cargo clippy` would
# first type-check every dependency, for the server and for wasm32, then the builds compile them
# all again. These builds are kept apart from plain cargo's (their own hashes), so a developer's
# `cargo test` after this command recompiles only the workspace's crates.
export RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
RUSTC_WORKSPACE_WRAPPER=$(rustup which clippy-driver)

say "cargo fmt --check"
cargo fmt --all --check
start_web_bundles

pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/netcare-pg.XXXXXX")
trap 'stop_background_builds; bash "$NETCARE_ROOT/scripts/postgres.sh" stop "$pg_dir"' EXIT
say "starting PostgreSQL"
pg_url=$(bash scripts/postgres.sh start "$pg_dir")
export NETCARE_TEST_POSTGRES_URL="$pg_url"

say "clippy and the unit and integration tests: compiling (server build; the browser build's in the background)"
cargo test --locked -p app -p server --no-run
wait_for_web_bundles
say "unit and integration tests (SQLite and PostgreSQL)"
cargo test --locked -p app -p server

say "browser app (release) and server (debug) for the browser suite"
wait_for_compiled_tools
bash scripts/build-web.sh
cargo build --locked -p server

say "API fuzzing: schemathesis, every check, against the real server"
bash scripts/api-fuzz.sh

say "browser suite"
(cd end2end && npm ci --no-audit --no-fund --loglevel=error)
e2e_db="netcare_e2e_$$"
psql "$pg_url" -qc "CREATE DATABASE $e2e_db"
# Every scenario on SQLite on a desktop and a phone-sized screen; on PostgreSQL on the desktop one.
# The database and the screen are independent: what a phone changes is the layout, which the
# database does not touch, and the phone run took a quarter of the command's time.
for database in sqlite postgres; do
  if [ "$database" = postgres ]; then
    db_url="${pg_url%/*}/$e2e_db"
    projects=(--project desktop)
    say "browser suite on $database (desktop)"
  else
    db_url="$(mktemp -d "${TMPDIR:-/tmp}/netcare-e2e.XXXXXX")/netcare.db"
    projects=()
    say "browser suite on $database (desktop and phone)"
  fi
  (cd end2end && NETCARE_E2E_DATABASE_URL="$db_url" npx playwright test "${projects[@]}" --output "test-results/$database")
done
say "all tests passed"
