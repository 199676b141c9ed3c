"""Retries as an httpx transport: idempotent requests again after a connection error, 429, 502, 503 or 504.

Exponential backoff with full jitter (a random wait between 0 and ``base * 2**n``, capped), or the
server's ``Retry-After`` (delta-seconds or an HTTP-date) when it sends one; bounded by a number of
attempts and by a total time. POST (and PATCH) are retried only when the policy opts in.

:class:`RetryTransport` is one object for both worlds (``handle_request`` and ``handle_async_request``),
so the same ``httpx_args={"transport": ...}`` serves the generated client's ``httpx.Client`` and
``httpx.AsyncClient``.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

from optt.errors import parse_retry_after

__all__ = [
    "DEFAULT_TIMEOUT",
    "IDEMPOTENT_METHODS",
    "RETRYABLE_EXCEPTIONS",
    "RETRYABLE_STATUSES",
    "RetryPolicy",
    "RetryTransport",
]

logger = logging.getLogger("optt.retry")

#: Timeouts are on by default: 10 s for each read/write/pool wait, 5 s to connect.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})
#: Failures to reach or talk to the server. A read timeout is not among them: the server may be working.
RETRYABLE_EXCEPTIONS: tuple[type[httpx.TransportError], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.ReadError,
    httpx.WriteError,
    httpx.RemoteProtocolError,
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a request again.

    ``max_attempts`` counts the first try. ``max_elapsed`` bounds the time from the first try to the
    start of the last one (a wait that would cross it is not taken). A ``Retry-After`` longer than
    ``max_retry_after`` is not waited for: the response is returned as it is.
    """

    max_attempts: int = 4
    max_elapsed: float = 30.0
    backoff_base: float = 0.25
    backoff_max: float = 8.0
    max_retry_after: float = 60.0
    statuses: frozenset[int] = RETRYABLE_STATUSES
    methods: frozenset[str] = IDEMPOTENT_METHODS
    retry_non_idempotent: bool = False

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.max_elapsed < 0:
            raise ValueError("backoff_base, backoff_max and max_elapsed must not be negative")

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_attempts=1)

    def allows(self, method: str) -> bool:
        """Whether requests with this method may be retried at all."""
        return self.retry_non_idempotent or method.upper() in self.methods

    def backoff(self, retry_number: int, rng: random.Random) -> float:
        """Full jitter: uniform in [0, min(backoff_max, backoff_base * 2**retry_number)]."""
        ceiling = min(self.backoff_max, self.backoff_base * (2**retry_number))
        return rng.uniform(0.0, ceiling)


@dataclass(slots=True)
class _Attempts:
    """The bookkeeping of one request's tries."""

    policy: RetryPolicy
    started: float
    attempt: int = 1

    def next_delay(
        self,
        response: httpx.Response | None,
        *,
        rng: random.Random,
        clock: Callable[[], float],
        wall: Callable[[], float],
    ) -> float | None:
        """The wait before the next try, or None when there is to be no next try."""
        if self.attempt >= self.policy.max_attempts:
            return None
        delay: float | None = None
        if response is not None:
            delay = parse_retry_after(response.headers.get("retry-after"), now=wall())
            if delay is not None and delay > self.policy.max_retry_after:
                return None
        if delay is None:
            delay = self.policy.backoff(self.attempt - 1, rng)
        if clock() - self.started + delay > self.policy.max_elapsed:
            return None
        return delay


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a sync and an async transport and retries what :class:`RetryPolicy` allows.

    ``transport`` / ``async_transport`` default to ``httpx.HTTPTransport`` / ``httpx.AsyncHTTPTransport``
    built with ``transport_kwargs`` (``verify``, ``limits``, ...), each created on first use. An
    ``httpx.MockTransport`` can serve as both. ``sleep``, ``async_sleep``, ``clock`` (monotonic),
    ``wall`` (POSIX time, for HTTP-dates) and ``rng`` are injectable for tests.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        *,
        async_transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        async_sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
        rng: random.Random | None = None,
        **transport_kwargs: Any,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self._transport = transport
        if async_transport is None and isinstance(transport, httpx.AsyncBaseTransport):
            async_transport = transport
        self._async_transport = async_transport
        self._transport_kwargs = transport_kwargs
        self._sleep = sleep
        self._async_sleep = async_sleep
        self._clock = clock
        self._wall = wall
        self._rng = rng or random.Random()
        self._create_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"RetryTransport(policy={self.policy!r})"

    @property
    def transport(self) -> httpx.BaseTransport:
        if self._transport is None:
            with self._create_lock:
                if self._transport is None:
                    self._transport = httpx.HTTPTransport(**self._transport_kwargs)
        return self._transport

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        if self._async_transport is None:
            with self._create_lock:
                if self._async_transport is None:
                    self._async_transport = httpx.AsyncHTTPTransport(**self._transport_kwargs)
        return self._async_transport

    def _delay(self, attempts: _Attempts, response: httpx.Response | None) -> float | None:
        return attempts.next_delay(response, rng=self._rng, clock=self._clock, wall=self._wall)

    def _log(self, request: httpx.Request, attempts: _Attempts, why: str, delay: float) -> None:
        if logger.isEnabledFor(logging.INFO):
            logger.info(
                "retrying %s %s after %s (attempt %d of %d) in %.2fs",
                request.method,
                request.url.copy_with(query=None),
                why,
                attempts.attempt + 1,
                self.policy.max_attempts,
                delay,
            )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.policy.allows(request.method):
            return self.transport.handle_request(request)
        attempts = _Attempts(self.policy, self._clock())
        while True:
            try:
                response = self.transport.handle_request(request)
            except RETRYABLE_EXCEPTIONS as exc:
                delay = self._delay(attempts, None)
                if delay is None:
                    raise
                self._log(request, attempts, type(exc).__name__, delay)
            else:
                if response.status_code not in self.policy.statuses:
                    return response
                delay = self._delay(attempts, response)
                if delay is None:
                    return response
                response.close()
                self._log(request, attempts, str(response.status_code), delay)
            self._sleep(delay)
            attempts.attempt += 1

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self.policy.allows(request.method):
            return await self.async_transport.handle_async_request(request)
        attempts = _Attempts(self.policy, self._clock())
        while True:
            try:
                response = await self.async_transport.handle_async_request(request)
            except RETRYABLE_EXCEPTIONS as exc:
                delay = self._delay(attempts, None)
                if delay is None:
                    raise
                self._log(request, attempts, type(exc).__name__, delay)
            else:
                if response.status_code not in self.policy.statuses:
                    return response
                delay = self._delay(attempts, response)
                if delay is None:
                    return response
                await response.aclose()
                self._log(request, attempts, str(response.status_code), delay)
            await self._async_sleep(delay)
            attempts.attempt += 1

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    async def aclose(self) -> None:
        if self._async_transport is not None:
            await self._async_transport.aclose()
