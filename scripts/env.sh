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
#
# Each also runs in its own session, which Linux schedules as one group (autogroup): the cores are
# shared between the command and each background build, however many processes each runs. With
# BACKGROUND_NICENESS above 0 a build yields to the others (the test command's checks and tests
# first, the browser app in the gaps they leave); `nice` alone would not reach across sessions.
BACKGROUND_PIDS=()
start_in_background() { # LOG COMMAND...: the command's pid in BACKGROUND_PID
  local log=$1
  shift
  mkdir -p "$(dirname "$log")"
  setsid --wait bash -c 'echo "$0" >/proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' \
    "${BACKGROUND_NICENESS:-0}" "$@" >"$log" 2>&1 &
  BACKGROUND_PID=$!
  BACKGROUND_PIDS+=("$BACKGROUND_PID")
}
stop_background_builds() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do kill -- "-$pid" 2>/dev/null || true; done
}
# wait_for_background PID LOG WHAT: says what it waits for while that still runs; shows the log
# and stops the command if it failed.
wait_for_background() {
  if kill -0 "$1" 2>/dev/null; then
    say "waiting for $3 (log: $2)"
  fi
  wait "$1" || {
    cat "$2" >&2
    echo "a background build failed, its log is above (waiting for $3)" >&2
    exit 1
  }
}

# The bundles compile in the background (log: $NETCARE_CACHE/web-bundles.log) beside the server's
# build (command 1) or the checks (command 2).
start_web_bundles() {
  WEB_BUNDLES_LOG="$NETCARE_CACHE/web-bundles.log"
  say "cargo build: the browser app's bundles, in the background (log: $WEB_BUNDLES_LOG)"
  start_in_background "$WEB_BUNDLES_LOG" bash -c "source '$NETCARE_ROOT/scripts/env.sh' && compile_web_bundles"
  WEB_BUNDLES_PID=$BACKGROUND_PID
}
wait_for_web_bundles() {
  wait_for_background "$WEB_BUNDLES_PID" "$WEB_BUNDLES_LOG" "the browser app's bundles to compile"
}

# Trunk and wasm-bindgen compile in the background (log: $NETCARE_CACHE/tools-install.log) while
# cargo compiles the app; only Trunk's step waits for them (`wait_for_compiled_tools`).
start_compiled_tools() {
  COMPILED_TOOLS_LOG="$NETCARE_CACHE/tools-install.log"
  say "cargo install: Trunk and wasm-bindgen when missing, in the background (log: $COMPILED_TOOLS_LOG)"
  start_in_background "$COMPILED_TOOLS_LOG" bash "$NETCARE_ROOT/scripts/setup-tools.sh" compiled
  COMPILED_TOOLS_PID=$BACKGROUND_PID
}
wait_for_compiled_tools() {
  wait_for_background "$COMPILED_TOOLS_PID" "$COMPILED_TOOLS_LOG" "Trunk and wasm-bindgen to install"
}
