"""``optt.connect()``: one call from settings (or the environment) to an authenticated generated client.

The result is an :class:`OpttClient`, a subclass of the generated ``AuthenticatedClient``, so every
generated operation takes it (``.sync``, ``.sync_detailed``, ``.asyncio``, ``.asyncio_detailed``). Its
httpx clients carry an :mod:`optt.auth` flow (the bearer header per request, refresh included) and an
:mod:`optt.retry` transport, and have timeouts on. With ``raise_errors=True`` an error status raises a
typed :mod:`optt.errors` exception; otherwise the generated functions behave exactly as generated.
"""

from __future__ import annotations

import ssl
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, ParamSpec, TypeVar, overload

import httpx
from attrs import define, field
from optt_client import AuthenticatedClient
from optt_client.models import ApiError, OAuthErrorBody
from optt_client.types import Response

from optt.auth import BearerAuth, OAuth2PasswordAuth, StaticTokenAuth
from optt.errors import OpttError, error_for_response, raise_for_status
from optt.redact import install_log_redaction
from optt.retry import DEFAULT_TIMEOUT, RetryPolicy, RetryTransport
from optt.settings import Settings

__all__ = [
    "OpttClient",
    "acall",
    "auth_from_settings",
    "call",
    "connect",
]

_TRANSPORT_ARGS = (
    "verify",
    "cert",
    "trust_env",
    "http1",
    "http2",
    "limits",
    "proxy",
    "uds",
    "local_address",
    "retries",
    "socket_options",
)

P = ParamSpec("P")
T = TypeVar("T")


class _RaisingClient(httpx.Client):
    """An ``httpx.Client`` that raises the typed error for a final (post-auth) error response."""

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = super().send(request, **kwargs)
        if response.status_code >= 400:
            response.read()
            error = error_for_response(response)
            response.close()
            if error is not None:
                raise error
        return response


class _RaisingAsyncClient(httpx.AsyncClient):
    """The async twin of :class:`_RaisingClient`."""

    async def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = await super().send(request, **kwargs)
        if response.status_code >= 400:
            await response.aread()
            error = error_for_response(response)
            await response.aclose()
            if error is not None:
                raise error
        return response


@define(repr=False)
class OpttClient(AuthenticatedClient):
    """The generated ``AuthenticatedClient`` with OPTT's auth flow, retries and (opt-in) typed errors.

    Build it with :func:`connect`. The bearer header is set per request by ``auth`` (the inherited
    ``token`` field is unused), so a refreshed token is picked up by the already built httpx clients.
    """

    _optt_auth: BearerAuth = field(kw_only=True, alias="optt_auth")
    _optt_settings: Settings | None = field(default=None, kw_only=True, alias="optt_settings")
    _raise_errors: bool = field(default=False, kw_only=True, alias="raise_errors")

    def __repr__(self) -> str:
        return f"OpttClient(base_url={self._base_url!r}, auth={self._optt_auth!r}, raise_errors={self._raise_errors!r})"

    @property
    def auth(self) -> BearerAuth:
        """The auth flow (``auth.access_token()`` gives a current access token)."""
        return self._optt_auth

    @property
    def settings(self) -> Settings | None:
        """The settings this client was built from (secrets hidden in its ``repr``)."""
        return self._optt_settings

    def access_token(self) -> str:
        """A current access token (logs in or refreshes if needed)."""
        return self._optt_auth.access_token()

    def _client_kwargs(self) -> dict[str, Any]:
        return {
            "base_url": self._base_url,
            "cookies": self._cookies,
            "headers": self._headers,
            "timeout": self._timeout,
            "verify": self._verify_ssl,
            "follow_redirects": self._follow_redirects,
            **self._httpx_args,
        }

    def get_httpx_client(self) -> httpx.Client:
        """The underlying ``httpx.Client`` (built on first use, without a fixed Authorization header)."""
        if self._client is None:
            cls = _RaisingClient if self._raise_errors else httpx.Client
            self._client = cls(**self._client_kwargs())
        return self._client

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        """The underlying ``httpx.AsyncClient`` (built on first use)."""
        if self._async_client is None:
            cls = _RaisingAsyncClient if self._raise_errors else httpx.AsyncClient
            self._async_client = cls(**self._client_kwargs())
        return self._async_client

    def close(self) -> None:
        """Close the sync httpx client and the auth's own connection."""
        if self._client is not None:
            self._client.close()
        self._optt_auth.close()

    async def aclose(self) -> None:
        """Close the async httpx client (and the auth's own connection)."""
        if self._async_client is not None:
            await self._async_client.aclose()
        self._optt_auth.close()

    def __exit__(self, *args: Any, **kwargs: Any) -> None:
        super().__exit__(*args, **kwargs)
        self._optt_auth.close()

    async def __aexit__(self, *args: Any, **kwargs: Any) -> None:
        await super().__aexit__(*args, **kwargs)
        self._optt_auth.close()


def auth_from_settings(
    settings: Settings,
    *,
    leeway: float = 30.0,
    scope: str | None = None,
    token_transport: httpx.BaseTransport | None = None,
) -> BearerAuth:
    """The auth flow the settings call for: the password grant when a username and password are set,
    else the fixed token."""
    if settings.uses_password_grant:
        if not settings.client_secret:
            raise ValueError("the password grant needs a client secret (OPTT_CLIENT_SECRET)")
        assert settings.username is not None and settings.password is not None
        return OAuth2PasswordAuth(
            settings.token_url,
            settings.client_id,
            settings.client_secret,
            settings.username,
            settings.password,
            scope=scope,
            leeway=leeway,
            token_transport=token_transport,
        )
    if settings.token:
        return StaticTokenAuth(settings.token)
    raise ValueError("no credentials: set OPTT_USERNAME and OPTT_PASSWORD (with OPTT_CLIENT_SECRET), or OPTT_TOKEN")


def connect(
    settings: Settings | None = None,
    *,
    base_url: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    username: str | None = None,
    password: str | None = None,
    token: str | None = None,
    env: Mapping[str, str] | None = None,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout | None = DEFAULT_TIMEOUT,
    raise_errors: bool = False,
    leeway: float = 30.0,
    scope: str | None = None,
    transport: httpx.BaseTransport | None = None,
    verify: ssl.SSLContext | str | bool = True,
    httpx_args: Mapping[str, Any] | None = None,
) -> OpttClient:
    """An authenticated OPTT client, for the generated operations' sync and async functions alike.

    Settings come from ``settings`` if given, else from the ``OPTT_*`` environment variables (or
    ``env``); the keyword arguments that are not None override either. ``transport`` replaces the
    network under the retry layer (an ``httpx.MockTransport`` in tests). ``httpx_args`` goes to both
    httpx clients (``event_hooks``, ``headers``...), except the connection arguments (``verify``,
    ``limits``, ``http2``, ``proxy``...), which go to the transports under the retry layer.
    """
    overrides = {
        "base_url": base_url,
        "client_id": client_id,
        "client_secret": client_secret,
        "username": username,
        "password": password,
        "token": token,
    }
    given = {k: v for k, v in overrides.items() if v is not None}
    if settings is None:
        settings = Settings.from_env(env, **given)
    elif given:
        settings = settings.with_changes(**given)

    install_log_redaction()
    args: dict[str, Any] = dict(httpx_args or {})
    # httpx ignores these client arguments once a transport is given: they belong to the transport.
    transport_kwargs = {name: args.pop(name) for name in _TRANSPORT_ARGS if name in args}
    transport_kwargs.setdefault("verify", verify)
    retry_transport = RetryTransport(transport, policy=retry or RetryPolicy(), **transport_kwargs)
    auth = auth_from_settings(settings, leeway=leeway, scope=scope, token_transport=retry_transport)
    args.setdefault("auth", auth)
    args.setdefault("transport", retry_transport)
    return OpttClient(
        base_url=settings.base_url,
        token="",
        prefix="",
        timeout=timeout,
        httpx_args=args,
        optt_auth=auth,
        optt_settings=settings,
        raise_errors=raise_errors,
    )


def _parsed(response: Response[T]) -> T:
    raise_for_status(response)
    if response.parsed is None:
        raise OpttError(
            "the response could not be parsed (an undocumented status)",
            status=int(response.status_code),
            request_id=response.headers.get("x-request-id"),
        )
    return response.parsed


@overload
def call(fn: Callable[P, Response[ApiError | T]], /, *args: P.args, **kwargs: P.kwargs) -> T: ...
@overload
def call(fn: Callable[P, Response[OAuthErrorBody | T]], /, *args: P.args, **kwargs: P.kwargs) -> T: ...
@overload
def call(fn: Callable[P, Response[T]], /, *args: P.args, **kwargs: P.kwargs) -> T: ...
def call(fn: Callable[P, Response[Any]], /, *args: P.args, **kwargs: P.kwargs) -> Any:
    """Call a generated ``*.sync_detailed`` function; return the parsed success body or raise the
    typed :class:`~optt.errors.OpttError`. The static return type drops ``ApiError``."""
    return _parsed(fn(*args, **kwargs))


@overload
async def acall(fn: Callable[P, Awaitable[Response[ApiError | T]]], /, *args: P.args, **kwargs: P.kwargs) -> T: ...
@overload
async def acall(
    fn: Callable[P, Awaitable[Response[OAuthErrorBody | T]]], /, *args: P.args, **kwargs: P.kwargs
) -> T: ...
@overload
async def acall(fn: Callable[P, Awaitable[Response[T]]], /, *args: P.args, **kwargs: P.kwargs) -> T: ...
async def acall(fn: Callable[P, Awaitable[Response[Any]]], /, *args: P.args, **kwargs: P.kwargs) -> Any:
    """The async twin of :func:`call`, for ``*.asyncio_detailed`` functions."""
    return _parsed(await fn(*args, **kwargs))
