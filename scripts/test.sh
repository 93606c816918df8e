#!/usr/bin/env bash
# The project's test command (README: "Test"). Runs every test in the workspace in the dev profile:
# the doc tests first (nextest does not run those), then unit, fixture, integration and end-to-end
# tests through cargo-nextest, whose summary closes the run. Falls back to `cargo test` where
# nextest is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo test --workspace --locked --doc --quiet
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "$@"
else
  echo "cargo-nextest not found; running cargo test instead" >&2
  cargo test --workspace --locked --no-fail-fast "$@"
fi
