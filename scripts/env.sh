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

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
