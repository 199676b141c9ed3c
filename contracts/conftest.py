"""pytest wiring of the contract suite: target, profiles, ordering, ledger and clean-up.

See ``contracts/__init__.py`` for the environment variables. Options:

* ``--hypothesis-profile dev|ci|live`` (or ``OPTT_PROFILE``; default ``dev``);
* ``--allow-writes``: let the ``live`` profile create, update and close things.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Generator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from contracts import runtime
from contracts.politeness import Politeness
from contracts.profiles import PROFILES, register_profiles
from contracts.target import SandboxProcess, sandbox_target, start_sandbox, target_from_env
from contracts.tokens import TokenBroker

register_profiles()

REPO_ROOT = Path(__file__).resolve().parent.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("optt", "OPTT contract suite")
    group.addoption(
        "--allow-writes",
        action="store_true",
        default=False,
        help="live profile: allow writes (what the run creates is closed afterwards)",
    )


def _profile(config: pytest.Config) -> str:
    chosen = config.getoption("hypothesis_profile", default=None)
    if chosen:
        return str(chosen)
    name = os.environ.get("OPTT_PROFILE", "dev")
    if name not in PROFILES:
        raise pytest.UsageError(f"OPTT_PROFILE={name!r}; expected one of {', '.join(PROFILES)}")
    settings.load_profile(name)
    return name


def _expired_token_factory(sandbox: SandboxProcess, target_client_id: str) -> Callable[[], str | None]:
    """Sign an already-expired token with the sandbox's own key (it lives in the data dir we chose)."""

    def mint() -> str | None:
        import uuid

        import jwt

        from optt.sandbox.keys import load_or_create_key

        key = load_or_create_key(sandbox.data_dir)
        now = int(time.time())
        claims = {
            "exp": now - 3600,
            "user_name": runtime.current().target.user("CLINIC").username,
            "authorities": ["CLINIC"],
            "jti": str(uuid.uuid4()),
            "client_id": target_client_id,
            "scope": ["read", "write"],
        }
        return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})

    return mint


def pytest_configure(config: pytest.Config) -> None:
    profile = _profile(config)
    allow_writes = bool(config.getoption("allow_writes", default=False))
    target = target_from_env()
    sandbox = None
    expired_factory = None
    if target is None:
        faults = [f for f in os.environ.get("OPTT_SANDBOX_FAULTS", "").split(",") if f.strip()]
        sandbox = start_sandbox(faults)
        target = sandbox_target(sandbox, faults)
        expired_factory = _expired_token_factory(sandbox, target.client_id)
    politeness = Politeness()
    if profile == "live":
        politeness = Politeness(
            budget=int(os.environ.get("OPTT_REQUEST_BUDGET", "2000")),
            rate_per_second=float(os.environ.get("OPTT_RATE_LIMIT", "5")),
            read_only=not allow_writes,
        )
    reports = Path(os.environ.get("OPTT_REPORTS_DIR", REPO_ROOT / "reports"))
    runtime.install(
        runtime.Runtime(
            target=target,
            tokens=TokenBroker(target, expired_token_factory=expired_factory),
            profile=profile,
            allow_writes=allow_writes,
            reports_dir=reports,
            politeness=politeness,
            sandbox=sandbox,
        )
    )
    # Registering checks and hooks is an import side effect; do it once the runtime exists.
    import contracts.checks
    import contracts.hooks  # noqa: F401
    from contracts.discovery import known

    known()  # learn the target's ids once, before any check or hook needs them

    config.stash[_STARTED] = time.monotonic()


_STARTED = pytest.StashKey[float]()

# Dedicated tests are cheap and kill most planted faults, so they run first (and -x stops early).
_ORDER = ("test_tokens", "test_authorization", "test_tenancy", "test_workflows", "test_operations", "test_stateful")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        module = item.path.stem
        return _ORDER.index(module) if module in _ORDER else len(_ORDER)

    items.sort(key=rank)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Mask secrets, tokens and e-mails in failure reports before the terminal and JUnit see them."""
    report = yield
    from contracts.masking import masker

    # Skips keep their (path, line, reason) tuple: pytest's summary needs it.
    if report.longrepr and not isinstance(report.longrepr, tuple):
        report.longrepr = masker.mask(str(report.longrepr))
    report.sections = [(title, masker.mask(content)) for title, content in report.sections]
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    try:
        rt = runtime.current()
    except RuntimeError:
        return
    elapsed = time.monotonic() - config.stash.get(_STARTED, time.monotonic())
    from contracts.masking import masker

    json_path, md_path = rt.ledger.write(rt.reports_dir)
    stats = {
        "profile": rt.profile,
        "target": "sandbox" if rt.target.is_sandbox else "live",
        "faults": list(rt.target.sandbox_faults),
        "seconds": round(elapsed, 2),
        "responses": rt.ledger.calls,
        "responses_per_second": round(rt.ledger.calls / elapsed, 1) if elapsed else None,
        "schemathesis_calls": rt.ledger.schemathesis_calls,
        "stateful": rt.stateful,
        "cleanup": rt.cleanup,
    }
    (rt.reports_dir / "run-stats.json").write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
    terminalreporter.section("OPTT contract ledger")
    for line in rt.ledger.terminal_lines():
        terminalreporter.write_line(masker.mask(line))
    if rt.cleanup:
        terminalreporter.write_line(f"clean-up of what the run created: {rt.cleanup}")
    terminalreporter.write_line(
        f"{stats['responses']} responses in {stats['seconds']} s ({stats['responses_per_second']}/s); "
        f"ledger written to {json_path} and {md_path}"
    )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On a live target, close what the run created (the sandbox is thrown away anyway)."""
    try:
        rt = runtime.current()
    except RuntimeError:
        return
    if not rt.target.is_sandbox and rt.created:
        from contracts.cleanup import close_created

        failures = close_created(rt)
        rt.cleanup = {"closed": len(set(rt.created)) - len(failures), "failed": failures}


def pytest_unconfigure(config: pytest.Config) -> None:
    try:
        rt = runtime.current()
    except RuntimeError:
        return
    if rt.sandbox is not None:
        rt.sandbox.stop()
    runtime.uninstall()
