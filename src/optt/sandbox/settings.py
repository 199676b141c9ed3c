"""The sandbox's settings: one frozen dataclass, plus where to find the contract."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_USER_PASSWORD",
    "FAULTS_ENV",
    "SPEC_ENV",
    "SandboxSettings",
    "faults_from_env",
    "find_spec",
]

DEFAULT_CLIENT_ID = "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d"
"""The client id in OPTT's published test tokens, so those tokens name a client the sandbox knows."""
DEFAULT_CLIENT_SECRET = "sandbox-secret"
DEFAULT_USER_PASSWORD = "sandbox-password"
SPEC_ENV = "OPTT_SPEC"
FAULTS_ENV = "OPTT_SANDBOX_FAULTS"


def find_spec() -> Path:
    """Locate openapi.yaml: ``$OPTT_SPEC``, then the package's data, then the repository root, then the CWD."""
    env = os.environ.get(SPEC_ENV)
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    candidates = [here.parent / "data" / "openapi.yaml", here.parent.parent / "data" / "openapi.yaml"]
    candidates += [parent / "openapi.yaml" for parent in here.parents]
    candidates.append(Path.cwd() / "openapi.yaml")
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"openapi.yaml not found; set {SPEC_ENV} to its path")


def faults_from_env() -> frozenset[str]:
    """The faults named in ``$OPTT_SANDBOX_FAULTS`` (comma-separated); empty when unset."""
    raw = os.environ.get(FAULTS_ENV, "")
    return frozenset(name.strip() for name in raw.split(",") if name.strip())


@dataclass(frozen=True)
class SandboxSettings:
    """How one sandbox instance runs. Every field has a sandbox default."""

    host: str = "127.0.0.1"
    port: int = 8080
    data_dir: Path | None = None
    """Where the SQLite file and the signing key live; ``None`` keeps everything in memory."""
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    user_password: str = DEFAULT_USER_PASSWORD
    access_token_ttl: int = 43200
    refresh_token_ttl: int = 2592000
    validate_responses: bool = False
    """Test mode: every response is checked against the contract; a violation answers 500 and is recorded."""
    faults: frozenset[str] = field(default_factory=frozenset)
    spec_path: Path = field(default_factory=find_spec)
