#!/usr/bin/env bash
# Builds the browser app (release: opt-level z, LTO, wasm-opt) into dist/, precompresses it for the
# server, and prints the size a browser downloads.
#
# The app is built as one bundle per area (app/src/bundles.rs), each a binary of frontend/ with its
# own page. frontend/index.html is the portal's page and the template of the others
# (frontend/.<area>.html, written here: only the binary differs). Trunk builds each page into its
# own folder, then they are merged into dist/ (assets are named by bundle and content hash, so they
# never collide; the styles and public/ are the same in each).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
compile_web_bundles
stage="$NETCARE_ROOT/target-web"
rm -rf "$stage" && mkdir -p "$stage"
# The Trunk builds run side by side (wasm-bindgen and wasm-opt: 47 s instead of 71 for four on 2
# cores; the same files either way), each with its own log, shown if it fails.
bundles=(home portal accounts admin agents)
say "trunk build --release: the pages of ${bundles[*]}, side by side"
pids=()
for bundle in "${bundles[@]}"; do
  if [ "$bundle" = portal ]; then
    source_page=frontend/index.html
  else
    source_page="frontend/.$bundle.html"
    sed 's/data-bin="portal"/data-bin="'"$bundle"'"/' frontend/index.html > "$source_page"
    grep -q "data-bin=\"$bundle\"" "$source_page" || { echo "frontend/index.html names no data-bin=\"portal\"" >&2; exit 1; }
  fi
  CARGO_TARGET_DIR="$NETCARE_WEB_TARGET_DIR" trunk build --release --locked=true --dist "$stage/$bundle" "$source_page" > "$stage/$bundle.log" 2>&1 &
  pids+=($!)
done
failed=""
for i in "${!bundles[@]}"; do
  if ! wait "${pids[$i]}"; then
    cat "$stage/${bundles[$i]}.log" >&2
    failed="$failed ${bundles[$i]}"
  fi
done
[ -z "$failed" ] || { echo "trunk build failed for:$failed (logs above)" >&2; exit 1; }
for bundle in home accounts admin agents; do mv "$stage/$bundle/index.html" "$stage/$bundle/$bundle.html"; done
rm -rf dist.new && mkdir dist.new
for bundle in "${bundles[@]}"; do cp -r "$stage/$bundle/." dist.new/; done
rm -rf dist "$stage" && mv dist.new dist
# The server sends these .br (brotli, smaller) or .gz files to browsers that accept them, instead
# of compressing per request. Brotli comes from Node's zlib (Node is here for wasm-opt already).
compressible=$(find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \))
# Two files at a time: the wasm files are most of the work.
echo "$compressible" | xargs -P 2 -n 4 gzip -9 --keep --force --no-name
echo "$compressible" | xargs -P 2 -n 4 node -e '
  const zlib = require("zlib"), fs = require("fs");
  for (const file of process.argv.slice(1)) {
    const packed = zlib.brotliCompressSync(fs.readFileSync(file), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 },
    });
    fs.writeFileSync(file + ".br", packed);
  }
'
bash scripts/web-size.sh
