#!/usr/bin/env bash
# Builds NetCare for running on this machine: tools (once), the optimised browser app into dist/,
# the server binary at $CARGO_TARGET_DIR/local/netcare (Cargo.toml's `local` profile: quick to
# build, fast enough to use; benchmarks build `release`), and prints the browser download size.
#
# On a fresh machine most of the time is compiling, on every core. Trunk and wasm-bindgen compile
# in the background while cargo compiles the app (they need nothing from each other), so that
# the stretches where one build runs on a single core (linking, link-time optimisation) leave the
# other core busy.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/setup-tools.sh system

tools_log="$NETCARE_CACHE/tools-install.log"
mkdir -p "$NETCARE_CACHE"
bash scripts/setup-tools.sh compiled >"$tools_log" 2>&1 &
tools=$!
compile_web_bundles
say "cargo build --profile local -p server"
cargo build --profile local --locked -p server
if kill -0 "$tools" 2>/dev/null; then
  say "waiting for Trunk and wasm-bindgen to finish compiling (log: $tools_log)"
fi
wait "$tools" || {
  cat "$tools_log" >&2
  echo "installing Trunk or wasm-bindgen failed (above)" >&2
  exit 1
}
bash scripts/build-web.sh
say "built"
