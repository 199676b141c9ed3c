"""`make spec-diff BASE=<ref>` reports breaking changes of openapi.yaml, and only those, as failures."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture
def spec_repo(tmp_path: Path) -> Path:
    """A scratch git repo holding today's openapi.yaml at its first commit, plus the tools."""
    for name in ("openapi.yaml", "package.json", "package-lock.json", "redocly.yaml", ".redocly.lint-ignore.yaml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts")
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false"]
    subprocess.run([*git, "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run([*git, "add", "openapi.yaml"], cwd=tmp_path, check=True)
    subprocess.run([*git, "commit", "-qm", "base"], cwd=tmp_path, check=True)
    return tmp_path


def _spec_diff(repo: Path, base: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "scripts/spec-diff.sh", base],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_removed_required_response_field_is_breaking(spec_repo: Path) -> None:
    spec = spec_repo / "openapi.yaml"
    text = spec.read_text()
    old = "      required: [id, name, email, mobile, language, status, clinicId, externalClientId, caregiverList"
    assert old in text
    spec.write_text(text.replace(old, old.replace(" email,", ""), 1))
    result = _spec_diff(spec_repo, "HEAD")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "required-properties-removed" in result.stdout
    assert "email" in result.stdout


def test_unchanged_and_additive_specs_pass(spec_repo: Path) -> None:
    assert _spec_diff(spec_repo, "HEAD").returncode == 0
    spec = spec_repo / "openapi.yaml"
    spec.write_text(
        spec.read_text().replace(
            "    Book:\n      type: object\n", "    Book:\n      type: object\n      description: A book.\n", 1
        )
    )
    result = _spec_diff(spec_repo, "HEAD")
    assert result.returncode == 0, result.stdout + result.stderr


def test_unknown_ref_is_a_usage_error(spec_repo: Path) -> None:
    result = _spec_diff(spec_repo, "no-such-ref")
    assert result.returncode == 2
    assert "no openapi.yaml at git ref 'no-such-ref'" in result.stderr
