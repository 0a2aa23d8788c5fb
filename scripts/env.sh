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
# compile while another cargo run builds the server (`start_browser_app`).
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

# The browser app builds in the background (log: $NETCARE_CACHE/browser-app.log) while the
# command compiles the server: Trunk and wasm-bindgen (compiled from crates.io, once) and the
# bundles compile side by side, then Trunk writes the pages into dist/ (`build_browser_app`). They
# need nothing from the server's build, and where one build runs on a single core (linking,
# link-time optimisation) the other keeps the second core busy. From nothing on 2 cores, the
# bundles and the server alone: 9:15 together, ~13 min one after the other; Trunk's pages then
# take a minute more, which runs beside the server's last crates instead of after them.
build_browser_app() {
  bash "$NETCARE_ROOT/scripts/setup-tools.sh" compiled &
  local tools=$!
  compile_web_bundles || return 1
  wait "$tools" || { echo "installing Trunk or wasm-bindgen failed" >&2; return 1; }
  bash "$NETCARE_ROOT/scripts/build-web.sh"
}
# start_browser_app [NICENESS]: a niceness above 0 lets the command's own work go first (the test
# command's checks and tests; command 1 instead lowers the server's build, which can wait longest).
start_browser_app() {
  BROWSER_APP_LOG="$NETCARE_CACHE/browser-app.log"
  say "building the browser app in the background: Trunk and wasm-bindgen (once), the bundles, the pages (log: $BROWSER_APP_LOG)"
  start_in_background "$BROWSER_APP_LOG" nice -n "${1:-0}" bash -c "source '$NETCARE_ROOT/scripts/env.sh' && build_browser_app"
  BROWSER_APP_PID=$BACKGROUND_PID
}
# Waits for the browser app, then prints what a browser downloads (the end of build-web.sh's log).
wait_for_browser_app() {
  if kill -0 "$BROWSER_APP_PID" 2>/dev/null; then
    say "waiting for the browser app to finish building (log: $BROWSER_APP_LOG)"
  fi
  wait_for_background "$BROWSER_APP_PID" "$BROWSER_APP_LOG" "building the browser app"
  sed -n '/^largest initial download/p' "$BROWSER_APP_LOG" >&2
  say "browser app built into dist/"
}
