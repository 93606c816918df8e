#!/usr/bin/env bash
# Installs the pinned Python tools the tests use (moto_server, the local AWS stand-in) into .venv
# at the repository root. Idempotent: reinstalls only when infra/requirements.txt (or the Python
# version) changed since the last run, which a hash stamp inside .venv records.
#
#   infra/bootstrap.sh            # create or refresh .venv
#   .venv/bin/moto_server -H 127.0.0.1 -p 5000
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/.venv"
requirements="$root/infra/requirements.txt"
stamp="$venv/.sidewatch-requirements.sha256"

python="${PYTHON:-python3}"
if ! command -v "$python" >/dev/null 2>&1; then
  echo "bootstrap: $python not found; install Python 3.9+ (e.g. apt-get install python3 python3-venv)" >&2
  exit 1
fi

wanted="$( { "$python" --version 2>&1; cat "$requirements"; } | sha256sum | cut -d' ' -f1)"
if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ]; then
  echo "bootstrap: .venv is up to date with infra/requirements.txt"
  exit 0
fi

if [ ! -x "$venv/bin/python" ]; then
  echo "bootstrap: creating .venv with $("$python" --version 2>&1)"
  "$python" -m venv "$venv"
fi
echo "bootstrap: installing infra/requirements.txt into .venv (moto_server and its dependencies)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
echo "$wanted" > "$stamp"
echo "bootstrap: done; moto_server is $venv/bin/moto_server"
