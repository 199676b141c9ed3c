"""The contract suite's live-target switch: a sandbox started apart plays the "live" server.

Each test starts its own sandbox on a free port, points ``OPTT_BASE_URL`` and the credential
variables at it, runs a small slice of ``contracts/`` in a pytest subprocess and checks that it
passed and wrote its ledger.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from optt.sandbox import seed

REPO_ROOT = Path(__file__).resolve().parents[2]
# contracts/ is a top-level folder, not an installed package.
sys.path.insert(0, str(REPO_ROOT))

from contracts.target import SandboxProcess, start_sandbox  # noqa: E402


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxProcess]:
    process = start_sandbox()
    try:
        yield process
    finally:
        process.stop()


def _live_env(sandbox: SandboxProcess, reports: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("OPTT_")}
    env.update(
        OPTT_BASE_URL=sandbox.base_url,
        OPTT_CLIENT_ID=seed.DEFAULT_CLIENT_ID,
        OPTT_CLIENT_SECRET=seed.DEFAULT_CLIENT_SECRET,
        OPTT_REPORTS_DIR=str(reports),
        OPTT_CLINIC_CODE=seed.SEEDED_CLINICS[0].code,
    )
    for role, clinic, prefix in [
        ("CLINIC", 1, "CLINIC"),
        ("CAREGIVER", 1, "CAREGIVER"),
        ("CLIENT", 1, "CLIENT"),
        ("INSTITUTE", 1, "INSTITUTE"),
        ("CLINIC", 2, "OTHER_CLINIC"),
        ("CAREGIVER", 2, "OTHER_CAREGIVER"),
    ]:
        env[f"OPTT_{prefix}_USERNAME"] = seed.user_by_role(role, clinic).username
        env[f"OPTT_{prefix}_PASSWORD"] = seed.DEFAULT_USER_PASSWORD
    return env


def _run_slice(env: dict[str, str], profile: str, keyword: str, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pytest", "contracts", "-q", "-p", "no:cacheprovider"]
    command += ["--hypothesis-profile", profile, "-k", keyword, *extra]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_suite_runs_against_a_base_url(sandbox: SandboxProcess, tmp_path: Path) -> None:
    keyword = (
        "test_password_grant_issues_a_bearer_jwt or test_another_clinic_cannot_see_or_change_a_client"
        " or (test_operation_honours_contract and book)"
    )

    result = _run_slice(_live_env(sandbox, tmp_path), "dev", keyword)

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
    ledger = json.loads((tmp_path / "ledger.json").read_text())
    stats = json.loads((tmp_path / "run-stats.json").read_text())
    assert stats["target"] == "live"
    assert ledger["summary"]["calls"] > 0
    assert (tmp_path / "ledger.md").exists()
    # Reports mask secrets and personal data.
    for report in ("ledger.json", "ledger.md"):
        text = (tmp_path / report).read_text()
        assert seed.DEFAULT_CLIENT_SECRET not in text
        assert seed.user_by_role("CLINIC").username not in text


def test_the_live_profile_is_read_only_without_allow_writes(sandbox: SandboxProcess, tmp_path: Path) -> None:
    keyword = "test_caller_gets_the_documented_status and (createClientUsingPOST or listClientsUsingGET)"

    result = _run_slice(_live_env(sandbox, tmp_path), "live", keyword, "-rs")

    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "read-only run" in result.stdout  # the createClient cells were skipped, with the reason
    assert " passed" in result.stdout  # the listClients cells ran
