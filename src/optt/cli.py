"""The ``optt`` command: get a token, call a read operation, run the sandbox.

Exit codes: 0 success, 1 an API or connection error, 2 a usage error, 130 interrupted.
Credentials come from the ``OPTT_*`` environment variables or the flags; secrets are better left in the
environment (flags show in process listings).
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import logging
import pkgutil
import re
import sys
import types
import typing
from collections.abc import Callable, Sequence
from enum import Enum
from typing import Any

import httpx
from optt_client import AuthenticatedClient, Client

from optt.auth import OAuth2PasswordAuth
from optt.client import connect
from optt.errors import OpttError, error_for_response
from optt.redact import install_log_redaction
from optt.retry import RetryTransport
from optt.settings import ENV_VARS, Settings

__all__ = ["main", "read_operations"]

EXIT_OK = 0
EXIT_API_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A mistake in the command line (exit code 2)."""


def _normalise(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).replace("-", "_").lower()


def read_operations() -> dict[str, types.ModuleType]:
    """The generated client's GET operations, by module name (``list_clients_using_get``...)."""
    import optt_client.api as api

    found: dict[str, types.ModuleType] = {}
    for tag in pkgutil.iter_modules(api.__path__):
        if not tag.ispkg:
            continue
        package = importlib.import_module(f"{api.__name__}.{tag.name}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            get_kwargs = getattr(module, "_get_kwargs", None)
            if get_kwargs is None or not hasattr(module, "sync_detailed"):
                continue
            if re.search(r"[\"']method[\"']:\s*[\"']get[\"']", inspect.getsource(get_kwargs)):
                found[info.name] = module
    return dict(sorted(found.items()))


def _find_operation(name: str) -> tuple[str, types.ModuleType]:
    operations = read_operations()
    wanted = _normalise(name)
    for module_name, module in operations.items():
        if _normalise(module_name) == wanted:
            return module_name, module
    raise UsageError(f"unknown read operation {name!r}; `optt get --list` shows them")


def _converter(annotation: Any) -> Callable[[str], Any]:
    """How to turn a command-line string into a value of the parameter's type."""
    options = typing.get_args(annotation) if typing.get_origin(annotation) in (typing.Union, types.UnionType) else ()
    candidates = [a for a in options if getattr(a, "__name__", "") != "Unset"] if options else [annotation]
    target = candidates[0] if candidates else str
    if target is bool:
        return lambda raw: raw.lower() in ("1", "true", "yes", "on")
    if isinstance(target, type) and issubclass(target, Enum):
        enum_type = target
        return lambda raw: enum_type(raw)
    if target in (int, float, str):
        return typing.cast(Callable[[str], Any], target)
    return str


def _call_arguments(module: types.ModuleType, params: Sequence[str]) -> dict[str, Any]:
    function = module.sync_detailed
    signature = inspect.signature(function)
    hints = typing.get_type_hints(function)
    accepted = {name: p for name, p in signature.parameters.items() if name != "client"}
    arguments: dict[str, Any] = {}
    for item in params:
        key, sep, raw = item.partition("=")
        if not sep or not key:
            raise UsageError(f"--param wants key=value, got {item!r}")
        name = _snake(key)
        if name not in accepted:
            known = ", ".join(accepted) or "none"
            raise UsageError(f"{module.__name__.rsplit('.', 1)[-1]} has no parameter {key!r} (parameters: {known})")
        try:
            arguments[name] = _converter(hints.get(name, str))(raw)
        except ValueError as exc:
            raise UsageError(f"bad value for {key}: {raw!r} ({exc})") from None
    missing = [name for name, p in accepted.items() if p.default is inspect.Parameter.empty and name not in arguments]
    if missing:
        raise UsageError(f"missing --param for: {', '.join(missing)}")
    return arguments


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {name: getattr(args, name, None) for name in ENV_VARS}
    try:
        return Settings.from_env(**overrides)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _print_json(content: bytes, *, compact: bool) -> None:
    try:
        body = json.loads(content) if content else None
    except ValueError:
        sys.stdout.write(content.decode("utf-8", "replace") + "\n")
        return
    sys.stdout.write(json.dumps(body, indent=None if compact else 2, ensure_ascii=False) + "\n")


def _cmd_token(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if not settings.uses_password_grant:
        raise UsageError("`optt token` needs a username and password (OPTT_USERNAME, OPTT_PASSWORD)")
    if not settings.client_secret:
        raise UsageError("`optt token` needs the client secret (OPTT_CLIENT_SECRET)")
    assert settings.username is not None and settings.password is not None
    auth = OAuth2PasswordAuth(
        settings.token_url,
        settings.client_id,
        settings.client_secret,
        settings.username,
        settings.password,
        scope=args.scope,
        timeout=args.timeout,
    )
    try:
        access = auth.access_token()
        token = auth.token
    finally:
        auth.close()
    if args.access_token_only or token is None:
        sys.stdout.write(access + "\n")
    else:
        sys.stdout.write(json.dumps(dict(token.raw), indent=None if args.compact else 2) + "\n")
    return EXIT_OK


def _cmd_get(args: argparse.Namespace) -> int:
    if args.list:
        for name, module in read_operations().items():
            doc = (module.sync_detailed.__doc__ or "").strip().splitlines()
            sys.stdout.write(f"{name:34} {doc[0] if doc else ''}\n")
        return EXIT_OK
    if not args.operation:
        raise UsageError("name an operation (`optt get --list` shows them)")
    _, module = _find_operation(args.operation)
    arguments = _call_arguments(module, args.param)
    settings = _settings(args)
    timeout = httpx.Timeout(args.timeout, connect=min(args.timeout, 5.0))
    client: AuthenticatedClient | Client
    if settings.uses_password_grant or settings.token:
        try:
            client = connect(settings, timeout=timeout)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    else:
        # No credentials: fine for the public operations (getJwks, getTokenKey); others answer 401.
        client = Client(base_url=settings.base_url, timeout=timeout, httpx_args={"transport": RetryTransport()})
    with client:
        response = module.sync_detailed(client=client, **arguments)
    error = error_for_response(response)
    if error is not None:
        raise error
    _print_json(response.content, compact=args.compact)
    return EXIT_OK


def _cmd_sandbox(argv: Sequence[str]) -> int:
    try:
        sandbox_main = importlib.import_module("optt.sandbox.__main__").main
    except ImportError as exc:
        sys.stderr.write(f"optt: the sandbox needs the optional dependencies: pip install 'optt[sandbox]' ({exc})\n")
        return EXIT_API_ERROR
    try:
        result = sandbox_main(list(argv))
    except SystemExit as exc:  # its argparse exits on --help and on usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    return int(result or 0)


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection (default: the OPTT_* environment variables)")
    group.add_argument("--base-url", help="API base URL (OPTT_BASE_URL; default the local sandbox)")
    group.add_argument("--client-id", help="OAuth2 client id (OPTT_CLIENT_ID)")
    group.add_argument("--client-secret", help="OAuth2 client secret (OPTT_CLIENT_SECRET; prefer the variable)")
    group.add_argument("--username", help="user for the password grant (OPTT_USERNAME)")
    group.add_argument("--password", help="password for the password grant (OPTT_PASSWORD; prefer the variable)")
    group.add_argument("--token", help="a fixed access token instead of a login (OPTT_TOKEN)")
    group.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    group.add_argument("--compact", action="store_true", help="print JSON on one line")
    group.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr (never secrets)")

    parser = argparse.ArgumentParser(
        prog="optt",
        description="OPTT API client: get a token, call a read operation, run the local sandbox.",
        epilog="Exit codes: 0 ok, 1 API or connection error, 2 usage error, 130 interrupted.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    token = sub.add_parser(
        "token",
        parents=[common],
        help="get an access token (password grant)",
        description="Log in and print the token.",
    )
    token.add_argument("--access-token-only", action="store_true", help="print only the access token")
    token.add_argument("--scope", help="space-separated scopes to ask for (default: the client's)")
    token.set_defaults(handler=_cmd_token)

    get = sub.add_parser(
        "get",
        parents=[common],
        help="call a read (GET) operation and print its JSON",
        description="Call a read operation of the generated client, by operationId or module name "
        "(listClientsUsingGET or list_clients_using_get), and print the JSON it answers.",
    )
    get.add_argument("operation", nargs="?", help="the operation, e.g. getClientUsingGET")
    get.add_argument(
        "-p",
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter, e.g. clientId=3 or size=10 (repeatable)",
    )
    get.add_argument("--list", action="store_true", help="list the read operations")
    get.set_defaults(handler=_cmd_get)

    sub.add_parser(
        "sandbox",
        help="run the local OPTT sandbox (`optt sandbox --help`)",
        add_help=False,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``optt`` command; returns the exit code."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        if arguments and arguments[0] == "sandbox":
            return _cmd_sandbox(arguments[1:])
        parser = _parser()
        try:
            args = parser.parse_args(arguments)
        except SystemExit as exc:
            return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE
        install_log_redaction()
        if args.verbose:
            logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s: %(message)s")
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except UsageError as exc:
        sys.stderr.write(f"optt: error: {exc}\n")
        return EXIT_USAGE
    except OpttError as exc:
        sys.stderr.write(f"optt: {type(exc).__name__}: {exc}\n")
        return EXIT_API_ERROR
    except httpx.HTTPError as exc:
        sys.stderr.write(f"optt: {type(exc).__name__}: {exc}\n")
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        sys.stderr.write("optt: interrupted\n")
        return EXIT_INTERRUPTED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
