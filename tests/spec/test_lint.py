"""Redocly's `recommended` ruleset reports no errors (and no unexplained warnings) on openapi.yaml."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from .conftest import ROOT

REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"


@pytest.mark.skipif(not REDOCLY.exists() and not shutil.which("npm"), reason="node tools not installed")
def test_redocly_recommended_lint_is_clean() -> None:
    env = {**os.environ, "REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true"}
    result = subprocess.run(
        [str(REDOCLY), "lint", "openapi.yaml", "--format=json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout[result.stdout.index("{") :])
    problems = [p for p in report["problems"] if not p.get("ignored")]
    assert problems == [], json.dumps(problems, indent=2)
