#!/usr/bin/env bash
# The project's test command (README: "Test"). Runs every test in the workspace in the dev profile:
# unit, fixture, integration and end-to-end tests through cargo-nextest, then the doc tests
# (nextest does not run those). Falls back to `cargo test` where nextest is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."

if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "$@"
else
  echo "cargo-nextest not found; running cargo test instead" >&2
  cargo test --workspace --locked --no-fail-fast "$@"
fi
cargo test --workspace --locked --doc
