"""A local OPTT sandbox: the UAA and every Data API operation of openapi.yaml, with state in SQLite."""

from optt.sandbox.app import create_app
from optt.sandbox.faults import FAULTS
from optt.sandbox.seed import DEFAULT_CLIENT_ID, SEEDED_USERS, TEST_TOKENS
from optt.sandbox.server import main, serve
from optt.sandbox.settings import SandboxSettings

__all__ = [
    "DEFAULT_CLIENT_ID",
    "FAULTS",
    "SEEDED_USERS",
    "TEST_TOKENS",
    "SandboxSettings",
    "create_app",
    "main",
    "serve",
]
