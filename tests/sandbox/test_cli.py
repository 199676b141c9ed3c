"""The command line: ``python -m optt.sandbox`` starts, says where it listens and whom it seeded, never a token."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from optt.sandbox.seed import SEEDED_USERS, TEST_TOKENS
from optt.sandbox.server import main


def test_dry_run_banner(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPTT_SANDBOX_DRY_RUN", "1")
    assert main(["--port", "9999", "--client-secret", "s3cret", "--fault", "list_total_wrong"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9999/gateway" in out
    assert all(user.username in out for user in SEEDED_USERS)
    assert "s3cret" in out and "FAULTS ON:     list_total_wrong" in out
    assert not any(token in out for token in TEST_TOKENS.values())


def test_module_entry_point_serves_and_keeps_state(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "optt.sandbox", "--port", str(port), "--data-dir", str(tmp_path / "d")]
    command += ["--access-token-ttl", "90"]
    env = {**os.environ, "OPTT_SANDBOX_FAULTS": ""}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "the sandbox did not start"
            time.sleep(0.1)
        grant = httpx.post(
            f"http://127.0.0.1:{port}/gateway/uaa/oauth/token",
            params={"grant_type": "password", "username": "laleh@optt.ca", "password": "sandbox-password"},
            auth=("optt-02ee77dc-ac45-4344-817e-17ca52b58b5d", "sandbox-secret"),
        )
        assert grant.status_code == 200
        assert 85 <= grant.json()["expires_in"] <= 90  # --access-token-ttl took effect
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert f"listening on http://127.0.0.1:{port}/gateway" in out
    assert grant.json()["access_token"] not in out + err
    assert "sandbox-password" not in err  # the query string's password never reaches the logs
    assert (tmp_path / "d" / "sandbox.sqlite3").exists()


@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_a_bad_token_lifetime_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--access-token-ttl", value])
    assert exit_info.value.code == 2
    assert "--access-token-ttl" in capsys.readouterr().err
