#!/usr/bin/env bash
# The project's test command (README: "Test"). Runs every test in the workspace in the dev profile:
# the doc tests first (nextest does not run those), then unit, fixture, integration and end-to-end
# tests through cargo-nextest, whose summary closes the run. Falls back to `cargo test` where
# nextest is not installed.
#
# The AWS adapter tests (crates/aws) run the real AWS SDK against moto_server on 127.0.0.1: the
# pinned moto is installed into .venv first (infra/bootstrap.sh; a no-op when up to date), with
# cargo-lambda for the functions' end-to-end test.
set -euo pipefail
cd "$(dirname "$0")/.."

infra/bootstrap.sh
export SIDEWATCH_MOTO_SERVER="$PWD/.venv/bin/moto_server"
# The functions' end-to-end test runs the real Lambda binaries behind `cargo lambda watch`.
export SIDEWATCH_CARGO_LAMBDA="$PWD/.venv/bin/cargo-lambda"

# The report's browser test renders its HTML with Debian's headless Chromium.
if [ ! -x "${SIDEWATCH_CHROMIUM:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (the report's headless-browser test)" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "no Chromium: the report's browser test will fail; apt-get install chromium" >&2
  fi
fi

cargo test --workspace --locked --doc --quiet
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast "$@"
else
  echo "cargo-nextest not found; running cargo test instead" >&2
  cargo test --workspace --locked --no-fail-fast "$@"
fi
