#!/usr/bin/env bash
# The README's test command: static checks and every test of the hand-written code and the contract.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
ensure_node
uv run ruff check --no-cache src tests contracts scripts examples
uv run ruff format --no-cache --check src tests contracts scripts examples
uv run mypy --no-incremental src/optt examples
uv run pytest tests "$@"
