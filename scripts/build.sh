#!/usr/bin/env bash
# Builds NetCare for running on this machine: tools (once), the optimised browser app into dist/,
# the server binary at $CARGO_TARGET_DIR/local/netcare (Cargo.toml's `local` profile: quick to
# build, fast enough to use; benchmarks build `release`), and prints the browser download size.
#
# On a fresh machine most of the time is compiling, on every core. Three builds run side by side,
# each in the background with its log: Trunk and wasm-bindgen (from crates.io, once), the browser
# app's bundles, and the server. As soon as the first two are done, Trunk writes the browser app's
# pages (wasm-bindgen, wasm-opt, compression) while the server's last crates compile. The cores
# are busy throughout (vmstat: 1 % idle), so the order decides which build ends last, not the total.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/setup-tools.sh system

trap stop_background_builds EXIT
# Trunk and wasm-bindgen first: theirs is the longest chain (Trunk, then wasm-bindgen, then the
# pages), and shared equally with the two others it finished last (11 of 16 minutes for Trunk).
start_compiled_tools
BACKGROUND_NICENESS=5
start_web_bundles
SERVER_BUILD_LOG="$NETCARE_CACHE/server-build.log"
say "cargo build --profile local -p server, in the background (log: $SERVER_BUILD_LOG)"
start_in_background "$SERVER_BUILD_LOG" cargo build --profile local --locked -p server
server_build=$BACKGROUND_PID
wait_for_compiled_tools
wait_for_web_bundles
bash scripts/build-web.sh
wait_for_background "$server_build" "$SERVER_BUILD_LOG" "the server's build"
say "built"
