#!/usr/bin/env bash
# Fuzzes what reads untrusted input, each target for a bounded time (not part of the test
# command): the CSV reader, the JSON upload body, the normalisers. Findings are written to
# fuzz/artifacts/TARGET/; turn each into a regression test next to the code it broke.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]      (default 60)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$NETCARE_ROOT"
seconds=${1:-60}
if ! command -v cargo-fuzz >/dev/null; then
  say "installing cargo-fuzz"
  cargo install --locked cargo-fuzz --root "$NETCARE_TOOLS"
fi
rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
cd fuzz
say "building the fuzz targets (nightly, with sanitizers: the first build takes minutes)"
cargo +nightly fuzz build >build.log 2>&1 || { grep -E '^(error|warning: unused)' -A8 build.log | head -40; exit 1; }
for target in csv_reader json_body normalisers; do
  say "fuzzing $target for ${seconds}s"
  mkdir -p "corpus/$target"
  log="$target.log"
  if ! cargo +nightly fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" \
       -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "fuzz: $target found a failure; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
  grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || tail -3 "$log"
done
say "no crash in ${seconds}s per target"
