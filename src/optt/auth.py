"""OPTT authentication as httpx ``Auth`` flows: OAuth2 password grant with refresh, or a fixed token.

:class:`OAuth2PasswordAuth` logs in on first use (``grant_type=password``), refreshes before the access
token expires (``grant_type=refresh_token``), refreshes once and retries after a 401, and logs in afresh
when the UAA refuses the refresh token (400 ``invalid_grant``). Only one token request is in flight at a
time: a ``threading.Lock`` guards ``sync_auth_flow`` and an ``asyncio.Lock`` (one per event loop)
guards ``async_auth_flow``; whoever waited finds the new token and uses it.

The token endpoint gets a form body and HTTP Basic client authentication (RFC 6749 sections 2.3.1 and
4.3). Nothing here puts a password, a secret or a token in a ``repr``, a log line or an exception.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

import httpx

from optt.errors import TokenError, error_for_response

__all__ = [
    "BearerAuth",
    "OAuth2PasswordAuth",
    "StaticTokenAuth",
    "Token",
]

logger = logging.getLogger("optt.auth")

_TokenFlow = Generator[httpx.Request, httpx.Response, None]


@dataclass(frozen=True, slots=True, repr=False)
class Token:
    """A token response from the UAA. ``repr()`` hides the tokens."""

    access_token: str
    refresh_token: str | None
    expires_in: float | None
    scope: str | None
    obtained_at: float
    raw: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_response(cls, body: Mapping[str, Any], *, obtained_at: float) -> Token:
        access = body.get("access_token")
        if not isinstance(access, str) or not access:
            raise TokenError("the token response has no access_token", body=None)
        refresh = body.get("refresh_token")
        expires_in = body.get("expires_in")
        scope = body.get("scope")
        return cls(
            access_token=access,
            refresh_token=refresh if isinstance(refresh, str) and refresh else None,
            expires_in=float(expires_in) if isinstance(expires_in, int | float) else None,
            scope=scope if isinstance(scope, str) else None,
            obtained_at=obtained_at,
            raw=dict(body),
        )

    def refresh_due(self, now: float, leeway: float) -> bool:
        """True once ``now`` is within ``leeway`` seconds of expiry (never earlier than half its life)."""
        if self.expires_in is None:
            return False
        early = min(leeway, self.expires_in / 2)
        return now >= self.obtained_at + self.expires_in - early

    def __repr__(self) -> str:
        return (
            f"Token(access_token='***', refresh_token={'***' if self.refresh_token else None!r}, "
            f"expires_in={self.expires_in!r}, scope={self.scope!r})"
        )


class BearerAuth(httpx.Auth):
    """The interface both auth flows share: a bearer header per request, and ``access_token()``."""

    def access_token(self) -> str:
        """A current access token, fetching or refreshing one if needed (sync)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release any connection the auth opened on its own."""


class StaticTokenAuth(BearerAuth):
    """A fixed bearer token (for example one of OPTT's test tokens); a 401 is returned as it is."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ValueError("token must not be empty")
        self._token = token

    def access_token(self) -> str:
        return self._token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    def __repr__(self) -> str:
        return "StaticTokenAuth(token='***')"


def _basic(client_id: str, client_secret: str) -> str:
    # RFC 6749 section 2.3.1: form-urlencode the id and the secret, then Basic (RFC 7617).
    pair = f"{quote_plus(client_id)}:{quote_plus(client_secret)}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


class OAuth2PasswordAuth(BearerAuth):
    """The password grant with refresh, for ``httpx.Client`` and ``httpx.AsyncClient`` alike.

    ``leeway``: refresh this many seconds before the access token expires (at most half its life).
    ``token_transport``: the transport ``access_token()`` uses when called outside a request;
    ``clock`` (monotonic seconds) is injectable for tests.
    """

    requires_request_body = False
    requires_response_body = False

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        username: str,
        password: str,
        *,
        scope: str | None = None,
        leeway: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
        token_transport: httpx.BaseTransport | None = None,
        timeout: httpx.Timeout | float | None = 10.0,
    ) -> None:
        if not (client_id and username and password):
            raise ValueError("client_id, username and password are required")
        self.token_url = token_url
        self.client_id = client_id
        self.username = username
        self.scope = scope
        self.leeway = leeway
        self._basic = _basic(client_id, client_secret or "")
        self._password = password
        self._clock = clock
        self._token: Token | None = None
        self._lock = threading.Lock()
        self._async_locks: dict[asyncio.AbstractEventLoop, asyncio.Lock] = {}
        self._async_locks_guard = threading.Lock()
        self._token_transport = token_transport
        self._timeout = timeout
        self._http: httpx.Client | None = None
        self.token_requests = 0
        """How many token requests this auth has sent (for diagnostics and tests)."""

    def __repr__(self) -> str:
        return (
            f"OAuth2PasswordAuth(token_url={self.token_url!r}, client_id={self.client_id!r}, "
            f"username={self.username!r}, client_secret='***', password='***', token={self._token!r})"
        )

    # -- token state ---------------------------------------------------------------------------------

    @property
    def token(self) -> Token | None:
        """The current token, if any (its ``repr`` hides the secrets)."""
        return self._token

    def invalidate(self) -> None:
        """Forget the access token (the refresh token is kept), so the next request refreshes."""
        token = self._token
        if token is not None:
            self._token = Token(
                access_token=token.access_token,
                refresh_token=token.refresh_token,
                expires_in=0.0,
                scope=token.scope,
                obtained_at=token.obtained_at,
                raw=token.raw,
            )

    def _due(self, token: Token | None) -> bool:
        return token is None or token.refresh_due(self._clock(), self.leeway)

    # -- the token requests --------------------------------------------------------------------------

    def _token_request(self, form: dict[str, str]) -> httpx.Request:
        if self.scope:
            form["scope"] = self.scope
        return httpx.Request(
            "POST",
            self.token_url,
            data=form,
            headers={"Authorization": self._basic, "Accept": "application/json"},
        )

    def _password_request(self) -> httpx.Request:
        return self._token_request({"grant_type": "password", "username": self.username, "password": self._password})

    def _refresh_request(self, refresh_token: str) -> httpx.Request:
        return self._token_request({"grant_type": "refresh_token", "refresh_token": refresh_token})

    def _store(self, response: httpx.Response) -> None:
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, Mapping):
            raise TokenError(
                "the token endpoint answered no JSON object",
                status=response.status_code,
                request_id=response.headers.get("x-request-id"),
            )
        self._token = Token.from_response(body, obtained_at=self._clock())

    def _renew(self, stale: str | None) -> _TokenFlow:
        """Get a new token unless another caller already replaced ``stale`` with a fresh one.

        A generator of token requests (the driver sends each one and sends back the read response), so
        the same logic runs in the sync flow, the async flow and ``access_token()``. Call it holding the
        lock.
        """
        token = self._token
        if token is not None and token.access_token != stale and not self._due(token):
            return
        if token is not None and token.refresh_token:
            logger.debug("refreshing the access token")
            self.token_requests += 1
            response = yield self._refresh_request(token.refresh_token)
            if response.status_code == 200:
                self._store(response)
                return
            error = error_for_response(response, token_endpoint=True)
            if not (
                isinstance(error, TokenError)
                and (
                    (response.status_code == 400 and error.error == "invalid_grant")
                    or (response.status_code == 401 and error.error == "invalid_token")
                )
            ):
                raise error or TokenError("unexpected token response", status=response.status_code)
            logger.info("the refresh token was refused (%s); logging in again", error.error)
        logger.debug("requesting an access token (password grant)")
        self.token_requests += 1
        response = yield self._password_request()
        if response.status_code != 200:
            error = error_for_response(response, token_endpoint=True)
            raise error or TokenError("unexpected token response", status=response.status_code)
        self._store(response)

    # -- drivers ---------------------------------------------------------------------------------------

    @staticmethod
    def _drive_sync(flow: _TokenFlow) -> Generator[httpx.Request, httpx.Response, None]:
        try:
            request = next(flow)
            while True:
                response = yield request
                response.read()
                request = flow.send(response)
        except StopIteration:
            return

    def _async_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        with self._async_locks_guard:
            lock = self._async_locks.get(loop)
            if lock is None:
                for old in [old for old in self._async_locks if old.is_closed()]:
                    del self._async_locks[old]
                lock = self._async_locks[loop] = asyncio.Lock()
            return lock

    def _authorize(self, request: httpx.Request) -> str:
        token = self._token
        assert token is not None
        request.headers["Authorization"] = f"Bearer {token.access_token}"
        return token.access_token

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        token = self._token
        stale, renew = (token.access_token if token else None), self._due(token)
        for retry in (False, True):  # the second round only after a 401: refresh once and resend
            if renew:
                with self._lock:
                    yield from self._drive_sync(self._renew(stale))
            stale = self._authorize(request)
            response = yield request
            if retry or response.status_code != 401:
                return
            logger.debug("401 with the current access token; refreshing and retrying once")
            renew = True

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        # The same rounds as sync_auth_flow; an async generator cannot `yield from`, so the token
        # flow is driven inline.
        token = self._token
        stale, renew = (token.access_token if token else None), self._due(token)
        for retry in (False, True):
            if renew:
                async with self._async_lock():
                    flow = self._renew(stale)
                    try:
                        token_request = next(flow)
                        while True:
                            token_response = yield token_request
                            await token_response.aread()
                            token_request = flow.send(token_response)
                    except StopIteration:
                        pass
            stale = self._authorize(request)
            response = yield request
            if retry or response.status_code != 401:
                return
            logger.debug("401 with the current access token; refreshing and retrying once")
            renew = True

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        # httpx calls sync_auth_flow / async_auth_flow; this is for callers driving the flow by hand.
        yield from self.sync_auth_flow(request)

    # -- outside a request -----------------------------------------------------------------------------

    def _client(self) -> httpx.Client:
        if self._http is None:
            self._http = httpx.Client(transport=self._token_transport, timeout=self._timeout)
        return self._http

    def access_token(self) -> str:
        """A current access token: logs in or refreshes if needed (sync, thread-safe)."""
        token = self._token
        if self._due(token):
            with self._lock:
                flow = self._renew(token.access_token if token else None)
                client = self._client()
                try:
                    request = next(flow)
                    while True:
                        response = client.send(request)
                        response.read()
                        request = flow.send(response)
                except StopIteration:
                    pass
        assert self._token is not None
        return self._token.access_token

    def close(self) -> None:
        if self._http is not None:
            self._http.close()
            self._http = None
