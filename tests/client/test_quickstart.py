"""examples/quickstart.py runs as documented against the sandbox."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from optt_client.api.clinic import get_client_using_get

import optt

from .conftest import CLINIC_TOKEN, Sandbox

QUICKSTART = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def test_quickstart_creates_and_reads_back_a_client(sandbox: Sandbox) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("OPTT_")}
    environ.update(OPTT_BASE_URL=sandbox.base_url, OPTT_TOKEN=CLINIC_TOKEN)
    completed = subprocess.run(
        [sys.executable, str(QUICKSTART)], env=environ, capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    client_id, name, email = (
        completed.stdout.split()[0],
        " ".join(completed.stdout.split()[1:3]),
        completed.stdout.split()[-1],
    )
    assert name == "Alex Tremblay"
    with sandbox.connect(token=CLINIC_TOKEN) as client:
        stored = optt.call(get_client_using_get.sync_detailed, int(client_id), client=client)
    assert stored.email == email
