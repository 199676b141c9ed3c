#!/usr/bin/env bash
# Start the sandbox on 127.0.0.1:8080 with its data in ./sandbox-data (arguments pass through).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
ensure_python
exec uv run optt sandbox --host 127.0.0.1 --port 8080 --data-dir sandbox-data "$@"
