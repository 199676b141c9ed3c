"""Fixtures: a shared sandbox in test mode, and a factory for sandboxes with their own settings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sandbox_helpers import RunningSandbox, make_settings, start_sandbox


@pytest.fixture(scope="session")
def sandbox() -> Iterator[RunningSandbox]:
    """One shared in-memory sandbox in test mode (every response checked against the contract)."""
    running = start_sandbox(make_settings())
    yield running
    running.stop()


@pytest.fixture
def fresh_sandbox() -> Iterator[Callable[..., RunningSandbox]]:
    """Start sandboxes with chosen settings; all are stopped after the test."""
    started: list[RunningSandbox] = []

    def factory(**overrides: Any) -> RunningSandbox:
        running = start_sandbox(make_settings(**overrides))
        started.append(running)
        return running

    yield factory
    for running in started:
        running.stop()


@pytest.fixture(autouse=True)
def _no_contract_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Any response that broke the contract in the shared sandbox fails the test that caused it."""
    if "sandbox" not in request.fixturenames:
        yield
        return
    running: RunningSandbox = request.getfixturevalue("sandbox")
    before = len(running.violations)
    yield
    assert running.violations[before:] == []


@pytest.fixture
def tmp_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
