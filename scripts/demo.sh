#!/usr/bin/env bash
# The demo (README: the first command): a misconfigured account is detected, reported in
# Security Hub, fixed by the remediation function and resolved — on this machine, no AWS account.
#
#   scripts/demo.sh [--out DIR]      # findings and measurements as JSON in DIR (target/demo)
#
# 1. infra/bootstrap.sh installs the pinned moto and cargo-lambda into .venv (once; a no-op later).
# 2. One `cargo build` of the workspace's binaries and examples: the four function binaries and
#    the demo driver (tests/examples/demo.rs). The same feature set as `scripts/test.sh`'s build,
#    so after the tests (or a first demo) nothing is compiled again.
# 3. The driver starts moto_server on 127.0.0.1 (a free port) and the functions behind
#    `cargo lambda watch`'s Lambda Runtime API, plays the events, checks every step and stops
#    what it started. It runs in a process group of its own: on Ctrl-C, on an error or at the
#    end this script stops that group (the driver's pid), so no moto or function outlives it.
#
# Exits with the driver's status: 0 when every step gave the expected result.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

infra/bootstrap.sh >&2
export SIDEWATCH_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export SIDEWATCH_CARGO_LAMBDA="$PWD/.venv/bin/cargo-lambda"

echo "demo: building the function binaries and the demo driver (cargo build, debug)" >&2
build_started=$(date +%s)
cargo build --workspace --locked --bins --examples --quiet
echo "demo: build ready after $(( $(date +%s) - build_started )) s" >&2

driver=""
stop_driver() {
  if [ -n "$driver" ]; then
    # The driver's process group: the driver, moto_server, cargo-lambda and the functions.
    kill -TERM -- "-$driver" 2>/dev/null || true
    # moto takes a moment to stop; what still runs after 5 s is killed.
    for _ in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 -- "-$driver" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$driver" 2>/dev/null || true
    driver=""
  fi
}
trap 'stop_driver' EXIT
trap 'stop_driver; exit 130' INT
trap 'stop_driver; exit 143' TERM

# Job control gives the background driver its own process group (its pid is the group id).
set -m
target/debug/examples/demo "$@" </dev/null &
driver=$!
set +m
status=0
wait "$driver" || status=$?
# Exited on its own (its children stopped with it); nothing to stop unless a child lingers.
stop_driver
echo "demo: $( [ "$status" = 0 ] && echo passed || echo FAILED ) in $(( $(date +%s) - started )) s (install and build included)" >&2
exit "$status"
