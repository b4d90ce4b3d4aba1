#!/usr/bin/env bash
# Runs every fuzz target for SECONDS seconds (default 600) one after another, starting from the
# checked-in seeds, and prints each target's executions and crashes. Needs cargo-fuzz
# (`cargo install cargo-fuzz`); on a stable toolchain it sets RUSTC_BOOTSTRAP=1 for -Z flags.
set -uo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O || exit 1
failed=0
for target in $(cargo fuzz list); do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  log="target/fuzz-$target.log"
  cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1 > "$log" 2>&1
  status=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(ls "artifacts/$target" 2>/dev/null | wc -l)
  echo "$target: exit $status, ${execs:-?} executions in ${seconds}s, $crashes crash artifacts"
  if [ "$status" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    tail -40 "$log"
  fi
done
exit "$failed"
