#!/usr/bin/env bash
# Benchmarks (not tests): sandbox vs Prism, client vs raw httpx, contract suite vs a trivial app.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
ensure_node
uv run python scripts/bench_sandbox.py
uv run python scripts/bench_client.py
uv run python scripts/bench_contract_baseline.py
