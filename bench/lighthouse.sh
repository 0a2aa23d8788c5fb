#!/usr/bin/env bash
# Lighthouse scores of the pages a new user meets first (issue 23): the landing page and sign-in
# (signed out), the dashboard and the Library of a company of DEVICES devices (default 5,000, every
# coverage status but "expiring"; its DA is the demo's dana.admin), and the onboarding wizard
# (carla.new, an account without a company), on the demo data, served as scripts/run.sh serves it.
# Lighthouse's mobile emulation: a mid-range phone on slow 4G, CPU slowed 4x (simulated). Prints
# each page's median run by performance score, with its metrics and every accessibility or
# best-practices audit that is not passed.
#   bench/lighthouse.sh [RUNS] [DEVICES]  (default 3 runs per page, 5,000 devices)
#   LIGHTHOUSE_PAGES="library dashboard" bench/lighthouse.sh   (only those pages)
# Informational: it never fails on a score. Goals: performance >= 95, accessibility 100, best
# practices 100.
set -euo pipefail
source "$(dirname "$0")/common.sh"
runs=${1:-3}
devices=${2:-5000}
need curl sqlite3
# What scripts/run.sh serves: the optimised browser app and the `local` server build.
bash scripts/build.sh >&2

# Lighthouse from npm, pinned by bench/lighthouse/package-lock.json, kept in the tools cache.
lighthouse_dir="$NETCARE_TOOLS/lighthouse"
if [ ! -x "$lighthouse_dir/node_modules/.bin/lighthouse" ] ||
  ! cmp -s bench/lighthouse/package-lock.json "$lighthouse_dir/package-lock.json"; then
  say "npm ci lighthouse"
  mkdir -p "$lighthouse_dir"
  cp bench/lighthouse/package.json bench/lighthouse/package-lock.json "$lighthouse_dir/"
  (cd "$lighthouse_dir" && npm ci --no-audit --no-fund --loglevel=error)
fi

netcare="$CARGO_TARGET_DIR/local/netcare"
work=$(mktemp -d "${TMPDIR:-/tmp}/netcare-lighthouse.XXXXXX")
server_pid=""
trap '[ -n "$server_pid" ] && kill $server_pid 2>/dev/null; rm -rf "$work"' EXIT
export NETCARE_LOG=warn
db="$work/lighthouse.db"
company_for_dana "$netcare" "$db" "$devices"
port=$(free_port)
base="http://127.0.0.1:$port"
"$netcare" --database-url "$db" serve --bind "127.0.0.1:$port" --site-dir dist &
server_pid=$!
wait_for_server "$base"
upload_inventory "$base"

# cookie_of LOGIN: the Cookie header of a fresh session of the demo account LOGIN.
cookie_of() {
  local jar="$work/$1.cookies"
  curl -fsS -o /dev/null -c "$jar" -H 'Sec-Fetch-Site: same-origin' \
    --data-urlencode "login=$1" --data-urlencode 'password=copper kettle orbit lantern' \
    "$base/api/accounts/login"
  # Netscape cookie file: HttpOnly cookies are lines starting #HttpOnly_, other # lines comments.
  sed 's/^#HttpOnly_//; /^#/d; /^$/d' "$jar" | awk -F '\t' '{ printf "%s%s=%s", sep, $6, $7; sep = "; " }'
}
da_cookie=$(cookie_of dana.admin)
new_cookie=$(cookie_of carla.new)

export CHROME_PATH="$CHROMIUM_PATH"
chrome_flags="--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
--disable-background-networking --disable-component-update --disable-sync"

# audit NAME PATH [COOKIE]: RUNS Lighthouse runs of one page; prints the median one.
audit() {
  local name=$1 path=$2 cookie=${3:-} headers=() i
  [[ " ${LIGHTHOUSE_PAGES:-$name} " == *" $name "* ]] || return 0
  [ -n "$cookie" ] && headers=(--extra-headers "{\"Cookie\": \"$cookie\"}")
  say "lighthouse: $name ($path), $runs runs"
  for i in $(seq 1 "$runs"); do
    # A run Lighthouse itself gives up on ("Please run Lighthouse again") is tried up to 3 times.
    local attempt
    for attempt in 1 2 3; do
      "$lighthouse_dir/node_modules/.bin/lighthouse" "$base$path" --quiet \
        --only-categories=performance,accessibility,best-practices \
        --chrome-flags="$chrome_flags" "${headers[@]}" \
        --output=json --output-path="$work/$name-$i.json" >/dev/null 2>"$work/$name-$i.log" &&
        break
      rm -f "$work/$name-$i.json"
      say "lighthouse: $name run $i failed (attempt $attempt): $(grep -m1 -i error "$work/$name-$i.log")"
    done
  done
  if compgen -G "$work/$name-*.json" >/dev/null; then
    node bench/lighthouse/summary.cjs "$name" "$work/$name"-*.json
  else
    echo "$name: no run completed"
  fi
}

echo "== Lighthouse $(node -p "require('$lighthouse_dir/node_modules/lighthouse/package.json').version"), mobile emulation, median of $runs runs by performance; the dashboard and Library of a $devices-device company"
audit landing /
audit sign-in /login
audit dashboard / "$da_cookie"
audit library /library "$da_cookie"
audit wizard /onboarding "$new_cookie"
echo "goals: performance >= 95, accessibility 100, best practices 100"
