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
# single-threaded link-time optimisations run side by side; Trunk then finds them built.
compile_web_bundles() {
  say "cargo build: the browser app's bundles (wasm32, size-optimised)"
  cargo build --locked --profile wasm-release --target wasm32-unknown-unknown \
    --manifest-path "$NETCARE_ROOT/frontend/Cargo.toml" --bins
}

# Trunk and wasm-bindgen compile in the background (log: $NETCARE_CACHE/tools-install.log) while
# cargo compiles the app: they need nothing from each other, and where one build runs on a single
# core (linking, link-time optimisation) the other keeps the second core busy. Only Trunk's step
# waits for them (`wait_for_compiled_tools`).
start_compiled_tools() {
  mkdir -p "$NETCARE_CACHE"
  COMPILED_TOOLS_LOG="$NETCARE_CACHE/tools-install.log"
  bash "$NETCARE_ROOT/scripts/setup-tools.sh" compiled >"$COMPILED_TOOLS_LOG" 2>&1 &
  COMPILED_TOOLS_PID=$!
}
wait_for_compiled_tools() {
  if kill -0 "$COMPILED_TOOLS_PID" 2>/dev/null; then
    say "waiting for Trunk and wasm-bindgen to finish compiling (log: $COMPILED_TOOLS_LOG)"
  fi
  wait "$COMPILED_TOOLS_PID" || {
    cat "$COMPILED_TOOLS_LOG" >&2
    echo "installing Trunk or wasm-bindgen failed (above)" >&2
    exit 1
  }
}
