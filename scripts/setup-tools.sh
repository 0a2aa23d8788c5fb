#!/usr/bin/env bash
# Installs everything NetCare needs to build and test, idempotently: Debian packages, the wasm32
# target, Trunk, wasm-bindgen-cli, wasm-opt (npm binaryen) and the end-to-end test's npm packages.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$NETCARE_TOOLS/bin"

need_apt=()
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
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! "$NETCARE_TOOLS/bin/trunk" --version 2>/dev/null | grep -q "$TRUNK_VERSION"; then
  say "cargo install trunk $TRUNK_VERSION (takes a few minutes, once)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --root "$NETCARE_TOOLS"
fi

if ! "$NETCARE_TOOLS/bin/wasm-bindgen" --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$NETCARE_TOOLS"
fi

# wasm-opt comes from the npm binaryen package; tools/package-lock.json pins it.
if [ ! -x "$NETCARE_TOOLS/node_modules/.bin/wasm-opt" ] || \
   ! cmp -s "$NETCARE_ROOT/tools/package-lock.json" "$NETCARE_TOOLS/package-lock.json"; then
  say "npm ci binaryen@$BINARYEN_NPM_VERSION (wasm-opt)"
  cp "$NETCARE_ROOT/tools/package.json" "$NETCARE_ROOT/tools/package-lock.json" "$NETCARE_TOOLS/"
  (cd "$NETCARE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi
