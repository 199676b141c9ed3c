"""The one target switch: a self-started sandbox, or the server named by ``OPTT_BASE_URL``."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

__all__ = [
    "Credentials",
    "SandboxProcess",
    "Target",
    "free_port",
    "sandbox_target",
    "start_sandbox",
    "target_from_env",
]


@dataclass(frozen=True)
class Credentials:
    """A user's login, or a ready token when no password is known."""

    username: str | None = None
    password: str | None = None
    token: str | None = None

    @property
    def usable(self) -> bool:
        return bool((self.username and self.password) or self.token)


@dataclass(frozen=True)
class Target:
    """Everything the suite needs to know about the server under test."""

    base_url: str
    client_id: str
    client_secret: str
    users: Mapping[str, Credentials]  # role -> credentials; "OTHER_CLINIC" and "OTHER_CAREGIVER" too
    clinic_code: str | None = None
    expired_token: str | None = None
    is_sandbox: bool = False
    sandbox_faults: tuple[str, ...] = field(default_factory=tuple)

    def user(self, role: str) -> Credentials:
        return self.users.get(role, Credentials())

    def secrets(self) -> list[str]:
        """Every secret value, so reports can mask them."""
        values = [self.client_secret]
        for creds in self.users.values():
            values += [creds.password or "", creds.token or ""]
        return [v for v in values if v]


_ROLE_ENV = ("CLINIC", "CAREGIVER", "CLIENT", "INSTITUTE", "OTHER_CLINIC", "OTHER_CAREGIVER")


def target_from_env(environ: Mapping[str, str] | None = None) -> Target | None:
    """The live target described by the environment, or ``None`` when ``OPTT_BASE_URL`` is unset."""
    env = os.environ if environ is None else environ
    base_url = env.get("OPTT_BASE_URL", "").strip()
    if not base_url:
        return None
    users = {
        role: Credentials(
            username=env.get(f"OPTT_{role}_USERNAME") or None,
            password=env.get(f"OPTT_{role}_PASSWORD") or None,
            token=env.get(f"OPTT_{role}_TOKEN") or None,
        )
        for role in _ROLE_ENV
    }
    return Target(
        base_url=base_url.rstrip("/"),
        client_id=env.get("OPTT_CLIENT_ID", ""),
        client_secret=env.get("OPTT_CLIENT_SECRET", ""),
        users=users,
        clinic_code=env.get("OPTT_CLINIC_CODE") or None,
        expired_token=env.get("OPTT_EXPIRED_TOKEN") or None,
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class SandboxProcess:
    """A running ``python -m optt.sandbox`` child process."""

    process: subprocess.Popen[bytes]
    base_url: str
    root_url: str
    data_dir: Path
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def _wait_healthy(sandbox: SandboxProcess, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sandbox.process.poll() is not None:
            raise RuntimeError(f"sandbox exited with {sandbox.process.returncode}:\n{sandbox.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{sandbox.root_url}/health", timeout=1.0).status_code == 200:
                return
        time.sleep(0.1)
    sandbox.stop()
    raise RuntimeError(f"sandbox not healthy after {timeout}s:\n{sandbox.log_tail()}")


def start_sandbox(faults: Sequence[str] = (), data_dir: Path | None = None, timeout: float = 30.0) -> SandboxProcess:
    """Start the sandbox on a free port with a fresh data dir and wait for ``GET /health``."""
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="optt-sandbox-"))
    port = free_port()
    command = [sys.executable, "-m", "optt.sandbox", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--data-dir", str(data_dir)]
    for fault in faults:
        command += ["--fault", fault]
    env = dict(os.environ)
    env.pop("OPTT_SANDBOX_FAULTS", None)  # faults are passed explicitly, never inherited by accident
    log_path = data_dir / "sandbox.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    root = f"http://127.0.0.1:{port}"
    sandbox = SandboxProcess(process, f"{root}/gateway", root, data_dir, log_path)
    _wait_healthy(sandbox, timeout)
    return sandbox


def sandbox_target(sandbox: SandboxProcess, faults: Sequence[str] = ()) -> Target:
    """The sandbox's seeded users and client, from ``optt.sandbox.seed``."""
    from optt.sandbox import seed

    def login(role: str, clinic_id: int = 1) -> Credentials:
        return Credentials(seed.user_by_role(role, clinic_id).username, seed.DEFAULT_USER_PASSWORD)

    users = {
        "CLINIC": login("CLINIC"),
        "CAREGIVER": login("CAREGIVER"),
        "CLIENT": login("CLIENT"),
        "INSTITUTE": login("INSTITUTE"),
        "OTHER_CLINIC": login("CLINIC", 2),
        "OTHER_CAREGIVER": login("CAREGIVER", 2),
    }
    return Target(
        base_url=sandbox.base_url,
        client_id=seed.DEFAULT_CLIENT_ID,
        client_secret=seed.DEFAULT_CLIENT_SECRET,
        users=users,
        clinic_code=seed.SEEDED_CLINICS[0].code,
        is_sandbox=True,
        sandbox_faults=tuple(faults),
    )


@contextlib.contextmanager
def running_sandbox(faults: Sequence[str] = ()) -> Iterator[tuple[SandboxProcess, Target]]:
    sandbox = start_sandbox(faults)
    try:
        yield sandbox, sandbox_target(sandbox, faults)
    finally:
        sandbox.stop()
