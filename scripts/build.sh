#!/usr/bin/env bash
# Builds NetCare for running: tools (once), the optimised browser app into dist/, the release
# server binary at $CARGO_TARGET_DIR/release/netcare, and prints the browser download size.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/setup-tools.sh
bash scripts/build-web.sh
say "cargo build --release -p server"
cargo build --release --locked -p server
