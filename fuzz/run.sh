#!/usr/bin/env bash
# Bounded fuzzing of every target: seeds the corpora from the fixtures, builds the targets once,
# then runs each for SECONDS (default 25). A crash stops the script (libFuzzer writes the input
# to fuzz/artifacts/<target>/); turn it into a regression test in the normal suite.
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-25}
targets=(item snapshot config_rule_event eventbridge_event finding_event policy)
python3 seed_corpora.py
# libFuzzer's output per target, kept beside the corpora (ignored by git).
logs=logs
mkdir -p "$logs"
# Debug assertions on (overflow checks included), as in the normal tests.
cargo +nightly fuzz build --debug-assertions
for target in "${targets[@]}"; do
  started=$(date +%s)
  cargo +nightly fuzz run --debug-assertions "$target" "corpus/$target" -- \
    -max_total_time="$seconds" -rss_limit_mb=4096 -print_final_stats=1 \
    2> "$logs/$target.log" || {
      tail -n 40 "$logs/$target.log"
      echo "fuzz: $target FAILED (input in fuzz/artifacts/$target/)" >&2
      exit 1
    }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$logs/$target.log" | grep -o '[0-9]*$' || echo '?')
  printf 'fuzz: %-18s %8s runs in %3ss, no crash\n' "$target" "$runs" "$(( $(date +%s) - started ))"
done
