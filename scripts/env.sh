# Shared environment for NetCare's scripts: one place for tool versions and cache locations.
# Sourced, never run. Build output and tools live outside the clone so repeated runs are fast.
NETCARE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NETCARE_CACHE="${NETCARE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/netcare}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$NETCARE_CACHE/target}"
NETCARE_TOOLS="$NETCARE_CACHE/tools"

# Pinned tool versions (the Cargo and npm lockfiles pin everything else).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal the `wasm-bindgen = "=…"` pin in Cargo.toml
BINARYEN_NPM_VERSION=132       # Debian's binaryen 108 emits wasm that breaks at run time

export PATH="$NETCARE_TOOLS/bin:$NETCARE_TOOLS/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

# Every step's line says how long the command has run so far (one clock across nested scripts).
export NETCARE_STARTED="${NETCARE_STARTED:-$(date +%s)}"
elapsed() { local t=$(( $(date +%s) - NETCARE_STARTED )); printf '%d:%02d' $((t / 60)) $((t % 60)); }
say() { printf '\033[1;34m==>\033[0m [%s] %s\n' "$(elapsed)" "$*" >&2; }

# The browser app's bundles (app/src/bundles.rs), compiled in one cargo run so that their
# single-threaded link-time optimisations run side by side; Trunk then finds them built. They have
# their own target folder: cargo locks a target folder for a whole run, and this lets the bundles
# compile while another cargo run builds the server (`start_web_bundles`).
export NETCARE_WEB_TARGET_DIR="${NETCARE_WEB_TARGET_DIR:-$CARGO_TARGET_DIR/web}"
compile_web_bundles() {
  say "cargo build: the browser app's bundles (wasm32, size-optimised)"
  CARGO_TARGET_DIR="$NETCARE_WEB_TARGET_DIR" cargo build --locked --profile wasm-release \
    --target wasm32-unknown-unknown --manifest-path "$NETCARE_ROOT/frontend/Cargo.toml" --bins
}

# Builds that run in the background while the command goes on, each in its own process group
# with its log: a command that stops early (a failed check, Ctrl-C) stops them with it
# (`trap stop_background_builds EXIT`) instead of leaving cargo compiling.
BACKGROUND_PIDS=()
start_in_background() { # LOG COMMAND...: the command's pid in BACKGROUND_PID
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  setsid --wait "$@" >"$log" 2>&1 &
  BACKGROUND_PID=$!
  BACKGROUND_PIDS+=("$BACKGROUND_PID")
}
stop_background_builds() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
}
# wait_for_background PID LOG WHAT: waits for a background build; shows its log if it failed.
wait_for_background() {
  wait "$1" || {
    cat "$2" >&2
    echo "$3 failed (above)" >&2
    exit 1
  }
}

# The bundles compile in the background (log: $NETCARE_CACHE/web-bundles.log) beside the server's
# build, which leaves a core idle in its last crates as the bundles do in their single-threaded
# links. From nothing on 2 cores, the two alone: 9:15 together, ~13 min one after the other. In
# command 1 from empty caches, with Trunk and wasm-bindgen compiling too, the cores are nearly full
# anyway: 15:33 to the first page, 15:58 before (with one bundle fewer).
start_web_bundles() {
  WEB_BUNDLES_LOG="$NETCARE_CACHE/web-bundles.log"
  say "cargo build: the browser app's bundles, in the background (log: $WEB_BUNDLES_LOG)"
  start_in_background "$WEB_BUNDLES_LOG" bash -c "source '$NETCARE_ROOT/scripts/env.sh' && compile_web_bundles"
  WEB_BUNDLES_PID=$BACKGROUND_PID
}
wait_for_web_bundles() {
  if kill -0 "$WEB_BUNDLES_PID" 2>/dev/null; then
    say "waiting for the browser app's bundles to finish compiling (log: $WEB_BUNDLES_LOG)"
  fi
  wait_for_background "$WEB_BUNDLES_PID" "$WEB_BUNDLES_LOG" "compiling the browser app's bundles"
}

# Trunk and wasm-bindgen compile in the background (log: $NETCARE_CACHE/tools-install.log) while
# cargo compiles the app: they need nothing from each other, and where one build runs on a single
# core (linking, link-time optimisation) the other keeps the second core busy. Only Trunk's step
# waits for them (`wait_for_compiled_tools`).
start_compiled_tools() {
  COMPILED_TOOLS_LOG="$NETCARE_CACHE/tools-install.log"
  start_in_background "$COMPILED_TOOLS_LOG" bash "$NETCARE_ROOT/scripts/setup-tools.sh" compiled
  COMPILED_TOOLS_PID=$BACKGROUND_PID
}
wait_for_compiled_tools() {
  if kill -0 "$COMPILED_TOOLS_PID" 2>/dev/null; then
    say "waiting for Trunk and wasm-bindgen to finish compiling (log: $COMPILED_TOOLS_LOG)"
  fi
  wait_for_background "$COMPILED_TOOLS_PID" "$COMPILED_TOOLS_LOG" "installing Trunk or wasm-bindgen"
}
