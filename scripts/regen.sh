#!/usr/bin/env bash
# Regenerate generated/ from openapi.yaml with the pinned openapi-python-client.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
uv run python scripts/regen.py "$@"
