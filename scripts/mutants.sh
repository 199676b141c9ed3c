#!/usr/bin/env bash
# The mutation harness: the contract suite's ci profile against each fault planted in the sandbox.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
uv run python scripts/mutants.py "$@"
