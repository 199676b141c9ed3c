"""The run's shared state: target, tokens, ledger and manners, set up once per pytest session."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.ledger import Ledger
from contracts.politeness import Politeness
from contracts.target import SandboxProcess, Target
from contracts.tokens import TokenBroker

__all__ = ["Runtime", "current", "install", "uninstall"]


@dataclass
class Runtime:
    target: Target
    tokens: TokenBroker
    profile: str
    allow_writes: bool
    reports_dir: Path
    ledger: Ledger = field(default_factory=Ledger)
    politeness: Politeness = field(default_factory=Politeness)
    sandbox: SandboxProcess | None = None
    # What the suite created on a live target, closed again at the end (kind, id).
    created: list[tuple[str, int]] = field(default_factory=list)
    # What the state machine played: scenarios, the number wanted, restarts after replay flakiness.
    stateful: dict[str, int] = field(default_factory=dict)
    # A live run's clean-up: how many created things were closed, and which could not be.
    cleanup: dict[str, Any] = field(default_factory=dict)

    def note_created(self, operation_id: str, body: Any) -> None:
        """Remember what a write created, so a live run can close it at the end."""
        kind = _CREATES.get(operation_id)
        if kind is None:
            return
        items = body if isinstance(body, list) else [body]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("id"), int):
                self.created.append((kind, item["id"]))

    @property
    def read_only(self) -> bool:
        return self.politeness.read_only

    @property
    def max_examples_override(self) -> int | None:
        value = os.environ.get("OPTT_MAX_EXAMPLES")
        return int(value) if value else None


_CREATES = {
    "createClientUsingPOST": "client",
    "createCaregiverUsingPOST": "caregiver",
    "createSessionUsingPOST": "session",
}
_current: Runtime | None = None


def install(runtime: Runtime) -> None:
    global _current
    _current = runtime


def uninstall() -> None:
    global _current
    _current = None


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("the contract runtime is not set up (run the suite through pytest on contracts/)")
    return _current
