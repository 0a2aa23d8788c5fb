#!/usr/bin/env bash
# Builds the browser app (release: opt-level z, LTO, wasm-opt) into dist/, precompresses it for the
# server, and prints the size a browser downloads.
#
# The app is built as one bundle per area (app/src/bundles.rs): Trunk builds each page of
# frontend/ into its own folder, then they are merged into dist/ (assets are named by bundle and
# content hash, so they never collide; the styles and public/ are the same in each).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
stage="$NETCARE_ROOT/target-web"
rm -rf "$stage" && mkdir -p "$stage"
for page in index accounts admin agents; do
  say "trunk build --release frontend/$page.html"
  trunk build --release --locked=true --dist "$stage/$page" "frontend/$page.html"
  if [ "$page" != index ]; then mv "$stage/$page/index.html" "$stage/$page/$page.html"; fi
done
rm -rf dist.new && mkdir dist.new
for page in index accounts admin agents; do cp -r "$stage/$page/." dist.new/; done
rm -rf dist "$stage" && mv dist.new dist
# The server sends these .gz files to browsers that accept gzip, instead of compressing per request.
find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \) \
  -exec gzip -9 --keep --force --no-name {} +
bash scripts/web-size.sh
