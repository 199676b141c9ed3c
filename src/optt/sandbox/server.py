"""Running the sandbox: ``serve(settings)`` (uvicorn) and the command line, ``main(argv)``."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import uvicorn

from optt.sandbox.app import create_app
from optt.sandbox.faults import FAULTS, FaultSet, UnknownFaultError
from optt.sandbox.seed import SEEDED_USERS
from optt.sandbox.settings import DEFAULT_CLIENT_SECRET, DEFAULT_USER_PASSWORD, SandboxSettings, faults_from_env
from optt.sandbox.store import DB_FILENAME

__all__ = ["banner", "build_parser", "main", "reset_data", "serve", "settings_from_args"]


def reset_data(data_dir: Path) -> None:
    """Forget the sandbox's state (the SQLite file); the signing key stays, so issued tokens keep verifying."""
    for suffix in ("", "-wal", "-shm"):
        target = data_dir / (DB_FILENAME + suffix)
        if target.exists():
            target.unlink()


def banner(settings: SandboxSettings) -> str:
    """What the sandbox prints on start: where it listens and the seeded credentials (never a token)."""
    base = f"http://{settings.host}:{settings.port}"
    storage = str(settings.data_dir) if settings.data_dir is not None else "in memory (lost on exit)"
    lines = [
        f"OPTT sandbox listening on {base}/gateway  (contract: {base}/openapi.yaml, health: {base}/health)",
        f"  data:          {storage}",
        f"  client id:     {settings.client_id}",
        f"  client secret: {settings.client_secret}",
        f"  user password: {settings.user_password}  (every seeded user)",
        "  users:",
    ]
    lines += [f"    {user.role:<9} {user.username}" for user in SEEDED_USERS]
    lines.append("  OPTT's three published test tokens are accepted for the CLIENT, CAREGIVER and CLINIC users.")
    if settings.faults:
        lines.append(f"  FAULTS ON:     {', '.join(sorted(settings.faults))}")
    if settings.validate_responses:
        lines.append("  test mode:     every response is checked against the contract")
    return "\n".join(lines)


def serve(settings: SandboxSettings) -> None:
    """Run the sandbox with uvicorn until interrupted. uvicorn's access log is off: it would print query strings."""
    from optt.sandbox.logs import configure_logging

    configure_logging()
    app = create_app(settings)
    print(banner(settings), flush=True)
    uvicorn.run(app, host=settings.host, port=settings.port, access_log=False, log_config=None)


def _seconds(text: str) -> int:
    """A token lifetime: a whole number of seconds, at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of seconds") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is too short: a lifetime is at least 1 second")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="optt sandbox", description="Run the local OPTT sandbox.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--data-dir", type=Path, default=None, help="keep state here (default: in memory)")
    parser.add_argument("--client-secret", default=DEFAULT_CLIENT_SECRET)
    parser.add_argument("--user-password", default=DEFAULT_USER_PASSWORD)
    parser.add_argument(
        "--access-token-ttl",
        type=_seconds,
        default=SandboxSettings.access_token_ttl,
        metavar="SECONDS",
        help="access token lifetime (default: %(default)s)",
    )
    parser.add_argument(
        "--refresh-token-ttl",
        type=_seconds,
        default=SandboxSettings.refresh_token_ttl,
        metavar="SECONDS",
        help="refresh token lifetime (default: %(default)s)",
    )
    parser.add_argument("--reset", action="store_true", help="forget the state in --data-dir before starting")
    parser.add_argument("--validate-responses", action="store_true", help="test mode: check every response")
    parser.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help=f"plant a fault (repeatable): {', '.join(FAULTS)}"
    )
    return parser


def settings_from_args(args: argparse.Namespace) -> SandboxSettings:
    faults = frozenset(args.fault) | faults_from_env()
    FaultSet(faults)  # refuse unknown names before anything starts
    return SandboxSettings(
        host=args.host,
        port=args.port,
        data_dir=args.data_dir,
        client_secret=args.client_secret,
        user_password=args.user_password,
        access_token_ttl=args.access_token_ttl,
        refresh_token_ttl=args.refresh_token_ttl,
        validate_responses=args.validate_responses,
        faults=faults,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = settings_from_args(args)
    except UnknownFaultError as exc:
        parser.error(str(exc))
    if args.reset and settings.data_dir is not None:
        reset_data(settings.data_dir)
    if os.environ.get("OPTT_SANDBOX_DRY_RUN"):
        print(banner(settings))
        return 0
    with contextlib.suppress(KeyboardInterrupt):
        serve(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
