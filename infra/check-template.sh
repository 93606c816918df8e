#!/usr/bin/env bash
# The template checks CI runs (.ci/run stage "template checks"):
#   1. sam validate --lint and cfn-lint on template.yaml and every infra/*.yaml template;
#   2. sam build for x86_64 (the only Rust target installed on the build machines), then a
#      `bootstrap` for every function of the template.
# Both checks are offline: no AWS credentials, no network (see infra/README.md, "Checks").
#
#   infra/check-template.sh            # lint and build
#   infra/check-template.sh --lint     # lint only
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/infra/bootstrap.sh"
venv="$root/.venv/bin"
export PATH="$venv:$PATH"
export SAM_CLI_TELEMETRY=0
# No credentials and no Region from the environment: the checks must not need AWS.
unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE
export AWS_DEFAULT_REGION=us-east-1 AWS_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

templates=(template.yaml infra/*.yaml)
echo "check-template: sam validate --lint template.yaml"
sam validate --lint --template-file template.yaml
echo "check-template: cfn-lint ${templates[*]}"
cfn-lint -- "${templates[@]}"

if [ "${1:-}" = "--lint" ]; then
  exit 0
fi

# sam build runs `cargo lambda build` per function (the functions share one target directory, so
# the dependencies compile once). Users' `sam build` uses the repository's release profile (fat LTO,
# one codegen unit): a second, slow compile of the AWS SDK. CI only has to prove that every function
# builds and links as a Lambda `bootstrap`, so by default it builds in SAM's debug mode (no
# --release). SIDEWATCH_SAM_BUILD_FAST=0 builds the shipped release profile instead.
if [ "${SIDEWATCH_SAM_BUILD_FAST:-1}" = "1" ]; then
  export SAM_BUILD_MODE=debug
fi
build_dir="${SIDEWATCH_SAM_BUILD_DIR:-$root/.aws-sam/build}"
# The template's functions as "LogicalId Binary" lines.
functions=$(python3 - "$root/template.yaml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
pattern = r"^  (\w+):\n    Type: AWS::Serverless::Function\n(?:    .*\n|\n)*?        Binary: ([\w-]+)$"
for match in re.finditer(pattern, text, re.M):
    print(match.group(1), match.group(2))
PY
)
if [ -z "$functions" ]; then
  echo "check-template: found no function in template.yaml" >&2
  exit 1
fi
# A function whose crate has not landed yet (SIDEWATCH_PENDING_FUNCTIONS, space separated
# binaries) is built alone, without it; every other function must build.
targets=()
while read -r id binary; do
  if grep -qs "^name = \"$binary\"" functions/*/Cargo.toml; then
    targets+=("$id")
  elif [[ " ${SIDEWATCH_PENDING_FUNCTIONS:-} " == *" $binary "* ]]; then
    echo "check-template: $id ($binary) is pending: no crate under functions/ yet"
  else
    echo "check-template: $id builds $binary, which no crate under functions/ is" >&2
    exit 1
  fi
done <<< "$functions"

started=$(date +%s)
if [ "${#targets[@]}" -eq "$(wc -l <<< "$functions")" ]; then
  echo "check-template: sam build (x86_64) into $build_dir"
  sam build --template-file template.yaml --build-dir "$build_dir" \
    --parameter-overrides Architecture=x86_64
else
  for id in "${targets[@]}"; do
    echo "check-template: sam build $id (x86_64) into $build_dir"
    sam build "$id" --template-file template.yaml --build-dir "$build_dir" \
      --parameter-overrides Architecture=x86_64
  done
fi
echo "check-template: sam build took $(( $(date +%s) - started ))s"

missing=0
for id in "${targets[@]}"; do
  bootstrap="$build_dir/$id/bootstrap"
  if [ -x "$bootstrap" ]; then
    echo "check-template: $id/bootstrap $(du -h "$bootstrap" | cut -f1)"
  else
    echo "check-template: no executable $bootstrap" >&2
    missing=1
  fi
done
exit $missing
