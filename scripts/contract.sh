#!/usr/bin/env bash
# The main job: the contract suite against the sandbox (or OPTT_BASE_URL), with its reports in reports/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
uv run python scripts/contract.py "$@"
