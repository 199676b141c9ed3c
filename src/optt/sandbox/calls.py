"""What a handler gets (a validated, authenticated :class:`Call`) and what it gives back (a :class:`Reply`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from optt.sandbox.faults import FaultSet
from optt.sandbox.settings import SandboxSettings
from optt.sandbox.store import Row, Store
from optt.sandbox.tokens import TokenService

__all__ = ["Call", "Handler", "Reply", "Services"]


@dataclass(frozen=True)
class Services:
    """The long-lived parts every handler may use."""

    settings: SandboxSettings
    store: Store
    tokens: TokenService
    faults: FaultSet


@dataclass
class Call:
    """One validated request of an operation."""

    services: Services
    operation_id: str
    path: str
    params: dict[str, Any]
    body: Any
    user: Row | None = None
    """The caller's user row (bearer-token operations)."""
    role: str | None = None

    @property
    def store(self) -> Store:
        return self.services.store

    @property
    def faults(self) -> FaultSet:
        return self.services.faults


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Call], Reply]
