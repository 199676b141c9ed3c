#!/usr/bin/env bash
# Lint the contract: structure (openapi-spec-validator) and Redocly's recommended rules.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
ensure_node
uv run openapi-spec-validator openapi.yaml
node_modules/.bin/redocly lint openapi.yaml --format=stylish 2> >(without_node_notice)
