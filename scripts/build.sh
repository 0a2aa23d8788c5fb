#!/usr/bin/env bash
# Builds NetCare for running on this machine: tools (once), the optimised browser app into dist/,
# the server binary at $CARGO_TARGET_DIR/local/netcare (Cargo.toml's `local` profile: quick to
# build, fast enough to use; benchmarks build `release`), and prints the browser download size.
# On a fresh machine most of the time is compiling, on every core; the browser app (Trunk and
# wasm-bindgen, the bundles, the pages) builds beside the server (`start_browser_app` in env.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/setup-tools.sh system

trap stop_background_builds EXIT
start_browser_app
# The server's build at a lower priority: the browser app has the longer chain (Trunk, then its
# pages), and the server's build fills whatever the cores leave.
say "cargo build --profile local -p server"
nice -n 10 cargo build --profile local --locked -p server
wait_for_browser_app
say "built"
