#!/usr/bin/env bash
# Command 1: builds everything NetCare needs and runs it on SQLite at http://127.0.0.1:3000
# (netcare.db in the repository folder, with demo data when it is empty; extra arguments go to
# the netcare binary).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
bash scripts/build.sh
export DATABASE_URL="${DATABASE_URL:-$NETCARE_ROOT/netcare.db}"
# A new user can click through every flow at once: demo data on an empty database.
NETCARE_LOG=warn "$CARGO_TARGET_DIR/local/netcare" demo --if-empty
say "starting NetCare (database: $DATABASE_URL), built and loaded in $(elapsed)"
# --dev-mailbox: without an SMTP server, verification and reset emails are read at /dev/mailbox.
# It shows live reset links, so it is served to this machine only, and the server refuses it with
# a network address: it is left out when the arguments bind to one or name a public URL.
mailbox=(--dev-mailbox)
previous=""
for argument in "$@"; do
  value=""
  case "$previous" in --bind|--public-url) value="$argument" ;; esac
  case "$argument" in --bind=*|--public-url=*) value="${argument#*=}" ;; esac
  case "$value" in
    ""|127.*|"[::1]"*|http://127.*|http://localhost*|"http://[::1]"*) ;;
    *) mailbox=() ;;
  esac
  previous="$argument"
done
if [ ${#mailbox[@]} -eq 0 ]; then
  say "reachable from the network: no developer mailbox; configure --smtp-url for emails"
fi
exec "$CARGO_TARGET_DIR/local/netcare" --site-dir "$NETCARE_ROOT/dist" "${mailbox[@]}" "$@"
