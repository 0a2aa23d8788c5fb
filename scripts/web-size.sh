#!/usr/bin/env bash
# Prints what a browser downloads on first load of each area's page (the wasm + JS + CSS the page
# names), raw and gzipped, and holds each against the budget. Informational: it never fails a build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dist="${1:-$NETCARE_ROOT/dist}"
budget_kb=${NETCARE_WEB_BUDGET_KB:-350}
largest=0
for page in "$dist"/*.html; do
  total_raw=0; total_gz=0
  printf '%-48s %10s %10s\n' "$(basename "$page")" "raw B" "gzip B"
  for asset in $(grep -oE '/[A-Za-z0-9_./-]+\.(wasm|js|css)' "$page" | sort -u); do
    f="$dist$asset"
    [ -e "$f" ] || continue
    raw=$(stat -c %s "$f"); gz=$(gzip -9 --no-name -c "$f" | wc -c)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz))
    printf '  %-46s %10d %10d\n' "${asset#/}" "$raw" "$gz"
  done
  printf '  %-46s %10d %10d\n' "total" "$total_raw" "$total_gz"
  [ "$total_gz" -gt "$largest" ] && largest=$total_gz
done
printf 'largest initial download: %d KB gzipped (budget %d KB: %s)\n' $((largest / 1024)) "$budget_kb" \
  "$([ $((largest / 1024)) -le "$budget_kb" ] && echo within || echo OVER)"
