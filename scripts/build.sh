#!/usr/bin/env bash
# Builds NetCare for running on this machine: tools (once), the optimised browser app into dist/,
# the server binary at $CARGO_TARGET_DIR/local/netcare (Cargo.toml's `local` profile: quick to
# build, fast enough to use; benchmarks build `release`), and prints the browser download size.
# On a fresh machine most of the time is compiling, on every core; Trunk and wasm-bindgen, and the
# browser bundles, compile beside the server (`start_compiled_tools`, `start_web_bundles` in env.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/setup-tools.sh system

trap stop_background_builds EXIT
start_compiled_tools
start_web_bundles
say "cargo build --profile local -p server"
cargo build --profile local --locked -p server
wait_for_web_bundles
wait_for_compiled_tools
bash scripts/build-web.sh
say "built"
