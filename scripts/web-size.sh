#!/usr/bin/env bash
# Prints what a browser downloads on first load (wasm + JS + CSS of dist/), raw and gzipped, and
# holds it against the budget. Informational: it never fails a build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dist="${1:-$NETCARE_ROOT/dist}"
budget_kb=${NETCARE_WEB_BUDGET_KB:-350}
total_raw=0; total_gz=0
printf '%-48s %10s %10s\n' "browser download" "raw B" "gzip B"
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  [ -e "$f" ] || continue
  raw=$(stat -c %s "$f"); gz=$(gzip -9 --no-name -c "$f" | wc -c)
  total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
  printf '%-48s %10d %10d\n' "$(basename "$f")" "$raw" "$gz"
done
printf '%-48s %10d %10d\n' "total" "$total_raw" "$total_gz"
printf 'initial download: %d KB gzipped (budget %d KB: %s)\n' $((total_gz / 1024)) "$budget_kb" \
  "$([ $((total_gz / 1024)) -le "$budget_kb" ] && echo within || echo OVER)"
