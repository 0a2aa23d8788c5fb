#!/usr/bin/env bash
# Builds the browser app (release: opt-level z, LTO, wasm-opt) into dist/, precompresses it for the
# server, and prints the size a browser downloads.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
say "trunk build --release (browser app → dist/)"
trunk build --release --locked
# The server sends these .gz files to browsers that accept gzip, instead of compressing per request.
find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
  -exec gzip -9 --keep --force --no-name {} +
bash scripts/web-size.sh
