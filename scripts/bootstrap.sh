#!/usr/bin/env bash
# Make a fresh clone ready. Sourced by every other script, so each Makefile target works from a
# clean clone: `ensure_python` installs uv (pinned) and the locked Python environment,
# `ensure_node` the locked node tools (Redocly, Prism).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

UV_VERSION="0.13.8"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true

ensure_python() {
  if ! command -v uv >/dev/null 2>&1 || [ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]; then
    python3 -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
  uv sync --frozen --quiet
}

ensure_node() {
  # node_modules is reinstalled only when package-lock.json changed since the last install.
  local want have=""
  want="$(sha256sum package-lock.json | cut -d' ' -f1)"
  [ -f node_modules/.optt-lock-sha256 ] && have="$(cat node_modules/.optt-lock-sha256)"
  if [ "$want" != "$have" ]; then
    npm ci --no-audit --no-fund --loglevel=error
    echo "$want" >node_modules/.optt-lock-sha256
  fi
}

# Redocly prints a boxed Node.js deprecation notice on every run; keep stderr readable.
without_node_notice() { grep -v -e '║' -e '╔' -e '╚' -e '^\s*$' >&2 || true; }
