#!/usr/bin/env bash
# List the breaking changes of openapi.yaml since a git ref; exit non-zero when there are any.
# Usage: scripts/spec-diff.sh <git ref>   (make spec-diff BASE=<git ref>)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_node
base_ref="${1:-}"
if [ -z "$base_ref" ]; then
  echo "usage: make spec-diff BASE=<git ref>" >&2
  exit 2
fi
workdir="$(mktemp -d)"
trap 'rm -rf "$workdir"' EXIT
if ! git show "$base_ref:openapi.yaml" >"$workdir/base.yaml" 2>/dev/null; then
  echo "spec-diff: no openapi.yaml at git ref '$base_ref'" >&2
  exit 2
fi
# Redocly rates each change by the semver bump it needs; --fail-on major exits 1 on a breaking one.
node_modules/.bin/redocly diff "$workdir/base.yaml" openapi.yaml --fail-on major 2> >(without_node_notice)
