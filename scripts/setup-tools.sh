#!/usr/bin/env bash
# Installs everything NetCare needs to build and test, idempotently: Debian packages, the wasm32
# target, Trunk, wasm-bindgen-cli and wasm-opt (npm binaryen).
#
#   setup-tools.sh            everything
#   setup-tools.sh system     what is downloaded ready to use: Debian packages, the wasm32
#                             target, wasm-opt (seconds to a minute)
#   setup-tools.sh compiled   what is compiled from crates.io: Trunk and wasm-bindgen-cli (a few
#                             minutes, once; scripts/build.sh runs it beside the app's own build)
set -euo pipefail
source "$(dirname "$0")/env.sh"
part="${1:-all}"
case "$part" in
  all | system | compiled) ;;
  *) echo "usage: setup-tools.sh [system|compiled]" >&2; exit 2 ;;
esac
mkdir -p "$NETCARE_TOOLS/bin"

install_system_tools() {
  local need_apt=()
  [ -x /usr/bin/chromium ] || need_apt+=(chromium)
  [ -x /usr/lib/postgresql/15/bin/initdb ] || need_apt+=(postgresql)
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need_apt+=(python3-aiosmtpd)
  command -v pkg-config >/dev/null || need_apt+=(pkg-config)
  command -v curl >/dev/null || need_apt+=(curl)
  # Passkeys' checks (webauthn-rs) link OpenSSL.
  [ -f /usr/include/openssl/ssl.h ] || need_apt+=(libssl-dev)
  # The browser suite ages a session in the database (step-up) with the database's own client.
  command -v sqlite3 >/dev/null || need_apt+=(sqlite3)
  command -v npm >/dev/null || need_apt+=(nodejs npm)
  if [ ${#need_apt[@]} -gt 0 ]; then
    say "apt-get install ${need_apt[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  fi

  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi

  # wasm-opt comes from the npm binaryen package; tools/package-lock.json pins it.
  if [ ! -x "$NETCARE_TOOLS/node_modules/.bin/wasm-opt" ] ||
    ! cmp -s "$NETCARE_ROOT/tools/package-lock.json" "$NETCARE_TOOLS/package-lock.json"; then
    say "npm ci binaryen@$BINARYEN_NPM_VERSION (wasm-opt)"
    cp "$NETCARE_ROOT/tools/package.json" "$NETCARE_ROOT/tools/package-lock.json" "$NETCARE_TOOLS/"
    (cd "$NETCARE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# Both tools are built without optimisation (`--debug`, no debug info), in one build folder so
# the dependencies they share compile once: 3.3 + 1.1 minutes on two cores, where Trunk's own
# release profile (fat LTO, one codegen unit) takes over 6. Their output is byte for byte the
# same; the heavy lifting (cargo, wasm-opt) happens in other programs, so a build of the portal
# bundle takes ~25 s instead of ~19 s.
install_compiled_tools() {
  local build_dir="$NETCARE_CACHE/tools-build"
  if ! "$NETCARE_TOOLS/bin/trunk" --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
    say "cargo install trunk $TRUNK_VERSION (a few minutes, once)"
    # Without its default features: no TLS for `trunk serve` and no check for a newer Trunk on
    # crates.io (both unused here, and offline), 15 % less to compile (302 core-seconds, was 349).
    CARGO_TARGET_DIR="$build_dir" CARGO_PROFILE_DEV_DEBUG=false \
      cargo install --debug --locked --no-default-features trunk --version "$TRUNK_VERSION" --root "$NETCARE_TOOLS"
  fi
  if ! "$NETCARE_TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
    say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION (a minute, once)"
    CARGO_TARGET_DIR="$build_dir" CARGO_PROFILE_DEV_DEBUG=false \
      cargo install --debug wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$NETCARE_TOOLS"
  fi
  rm -rf "$build_dir"
}

[ "$part" = compiled ] || install_system_tools
[ "$part" = system ] || install_compiled_tools
