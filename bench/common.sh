# Shared by the benchmarks: NetCare's environment, the Debian tools they need, a free port, and
# waiting for a server to answer. Sourced, never run.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/env.sh"
cd "$NETCARE_ROOT"

# need COMMAND[:DEBIAN-PACKAGE]...: installs from Debian the packages of the missing commands.
need() {
  local missing=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null 2>&1 || missing+=("${spec#*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# A TCP port nothing listens on now.
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait_for_server BASE-URL: until /healthz answers (up to 10 s).
wait_for_server() {
  for _ in $(seq 1 100); do curl -fs "$1/healthz" >/dev/null && return 0; sleep 0.1; done
}
