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
for bundle in portal accounts admin agents; do
  if [ "$bundle" = portal ]; then
    source_page=frontend/index.html; page=index.html
  else
    source_page="frontend/.$bundle.html"; page="$bundle.html"
    sed 's/data-bin="portal"/data-bin="'"$bundle"'"/' frontend/index.html > "$source_page"
    grep -q "data-bin=\"$bundle\"" "$source_page" || { echo "frontend/index.html names no data-bin=\"portal\"" >&2; exit 1; }
  fi
  say "trunk build --release $source_page"
  trunk build --release --locked=true --dist "$stage/$bundle" "$source_page"
  if [ "$page" != index.html ]; then mv "$stage/$bundle/index.html" "$stage/$bundle/$page"; fi
done
rm -rf dist.new && mkdir dist.new
for bundle in portal accounts admin agents; do cp -r "$stage/$bundle/." dist.new/; done
rm -rf dist "$stage" && mv dist.new dist
# The server sends these .br (brotli, smaller) or .gz files to browsers that accept them, instead
# of compressing per request. Brotli comes from Node's zlib (Node is here for wasm-opt already).
compressible=$(find dist -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' -o -name '*.svg' \))
echo "$compressible" | xargs gzip -9 --keep --force --no-name
echo "$compressible" | xargs node -e '
  const zlib = require("zlib"), fs = require("fs");
  for (const file of process.argv.slice(1)) {
    const packed = zlib.brotliCompressSync(fs.readFileSync(file), {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_LGWIN]: 24 },
    });
    fs.writeFileSync(file + ".br", packed);
  }
'
bash scripts/web-size.sh
