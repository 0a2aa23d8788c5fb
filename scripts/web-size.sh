#!/usr/bin/env bash
# Prints what a browser downloads on first load of each area's page (the wasm + JS + CSS the page
# names), raw, gzipped and brotli-compressed (what the server sends browsers that accept it), and
# holds the largest against the budget (gzip) and the goal (brotli, issue 23). Informational: it
# never fails a build.
set -euo pipefail
source "$(dirname "$0")/env.sh"
dist="${1:-$NETCARE_ROOT/dist}"
budget_kb=${NETCARE_WEB_BUDGET_KB:-350}
largest=0; largest_br=0
for page in "$dist"/*.html; do
  total_raw=0; total_gz=0; total_br=0
  printf '%-48s %10s %10s %10s\n' "$(basename "$page")" "raw B" "gzip B" "brotli B"
  for asset in $(grep -oE '/[A-Za-z0-9_./-]+\.(wasm|js|css)' "$page" | sort -u); do
    f="$dist$asset"
    [ -e "$f" ] || continue
    raw=$(stat -c %s "$f"); gz=$(gzip -9 --no-name -c "$f" | wc -c)
    br=$( [ -e "$f.br" ] && stat -c %s "$f.br" || echo 0)
    total_raw=$((total_raw + raw)); total_gz=$((total_gz + gz)); total_br=$((total_br + br))
    printf '  %-46s %10d %10d %10d\n' "${asset#/}" "$raw" "$gz" "$br"
  done
  printf '  %-46s %10d %10d %10d\n' "total" "$total_raw" "$total_gz" "$total_br"
  [ "$total_gz" -gt "$largest" ] && largest=$total_gz
  [ "$total_br" -gt "$largest_br" ] && largest_br=$total_br
done
goal_br_kb=${NETCARE_WEB_GOAL_BR_KB:-200}
printf 'largest initial download with brotli: %d KB (goal %d KB: %s)\n' $((largest_br / 1024)) "$goal_br_kb" \
  "$([ $((largest_br / 1024)) -le "$goal_br_kb" ] && echo within || echo OVER)"
printf 'largest initial download: %d KB gzipped (budget %d KB: %s)\n' $((largest / 1024)) "$budget_kb" \
  "$([ $((largest / 1024)) -le "$budget_kb" ] && echo within || echo OVER)"
