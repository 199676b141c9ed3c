"""Typed errors for OPTT responses, and the opt-in check that raises them.

The Data API answers errors with Spring Boot's body (``timestamp``, ``status``, ``error``, ``message``,
``path`` and, on 400, ``errors: [{field, message}]``); the UAA answers RFC 6749 section 5.2 bodies
(``error``, ``error_description``). Every response carries ``X-Request-Id``.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Mapping
from datetime import UTC
from typing import Any, Protocol, TypeVar

import httpx

__all__ = [
    "AuthenticationError",
    "Conflict",
    "FieldError",
    "NotFound",
    "OpttError",
    "PermissionDenied",
    "RateLimited",
    "ServerError",
    "TokenError",
    "ValidationError",
    "error_for_response",
    "parse_retry_after",
    "raise_for_status",
]


class _ResponseLike(Protocol):
    """What both ``httpx.Response`` and the generated client's ``Response`` offer."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...


class FieldError:
    """One entry of a 400 body's ``errors`` list."""

    __slots__ = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message

    def __repr__(self) -> str:
        return f"FieldError(field={self.field!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FieldError) and (self.field, self.message) == (other.field, other.message)

    def __hash__(self) -> int:
        return hash((self.field, self.message))


class OpttError(Exception):
    """An error answer from OPTT.

    ``status`` is the HTTP status, ``body`` the parsed JSON body (or None), ``request_id`` the
    ``X-Request-Id`` response header, to quote in a support request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.request_id = request_id

    def __str__(self) -> str:
        head = f"{self.status} {self.message}" if self.status is not None else self.message
        return f"{head} (request id {self.request_id})" if self.request_id else head

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, message={self.message!r}, request_id={self.request_id!r})"
        )


class AuthenticationError(OpttError):
    """401: no token, or an expired, malformed or wrongly signed one."""


class PermissionDenied(OpttError):
    """403: the token's role may not call this operation."""


class NotFound(OpttError):
    """404: no such resource visible to the caller."""


class Conflict(OpttError):
    """409: the request conflicts with the current state (an e-mail in use, a closed session)."""


class ValidationError(OpttError):
    """400: the request is malformed; ``field_errors`` names each bad field."""

    def __init__(
        self,
        message: str,
        *,
        field_errors: list[FieldError] | None = None,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.field_errors: list[FieldError] = list(field_errors or [])


class RateLimited(OpttError):
    """429: too many requests; ``retry_after`` is the server's wait, in seconds, if it gave one."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.retry_after = retry_after


class ServerError(OpttError):
    """5xx: the server failed."""


class TokenError(OpttError):
    """The UAA refused to issue a token; ``error`` is the RFC 6749 error code (``invalid_grant``...)."""

    def __init__(
        self,
        message: str,
        *,
        error: str | None = None,
        error_description: str | None = None,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, status=status, body=body, request_id=request_id)
        self.error = error
        self.error_description = error_description


R = TypeVar("R", bound=_ResponseLike)

_BY_STATUS: dict[int, type[OpttError]] = {
    400: ValidationError,
    401: AuthenticationError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110 10.2.3).

    ``now`` is the current POSIX time (for tests). Returns None when absent or unparseable; never negative.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _json_body(content: bytes) -> Any:
    if not content:
        return None
    try:
        return json.loads(content)
    except ValueError:
        return None


def _reason(status: int) -> str:
    return httpx.codes.get_reason_phrase(status) or "Error"


def error_for_response(response: _ResponseLike, *, token_endpoint: bool = False) -> OpttError | None:
    """The typed error for a response, or None if it is a success (status below 400).

    ``token_endpoint`` reads the body as an RFC 6749 error and answers a :class:`TokenError`.
    """
    status = int(response.status_code)
    if status < 400:
        return None
    body = _json_body(response.content)
    request_id = response.headers.get("x-request-id")
    obj: Mapping[str, Any] = body if isinstance(body, Mapping) else {}

    if token_endpoint or ("error" in obj and "status" not in obj and status in (400, 401)):
        code = obj.get("error") if isinstance(obj.get("error"), str) else None
        description = obj.get("error_description")
        description = description if isinstance(description, str) else None
        text = code or _reason(status)
        if description:
            text = f"{text}: {description}"
        return TokenError(
            text,
            error=code,
            error_description=description,
            status=status,
            body=body,
            request_id=request_id,
        )

    reason = obj.get("error") if isinstance(obj.get("error"), str) else _reason(status)
    detail = obj.get("message")
    text = f"{reason}: {detail}" if isinstance(detail, str) and detail else str(reason)
    common: dict[str, Any] = {"status": status, "body": body, "request_id": request_id}

    cls = _BY_STATUS.get(status)
    if cls is ValidationError:
        raw = obj.get("errors")
        items = raw if isinstance(raw, list) else []
        field_errors = [
            FieldError(str(item.get("field", "")), str(item.get("message", "")))
            for item in items
            if isinstance(item, Mapping)
        ]
        return ValidationError(text, field_errors=field_errors, **common)
    if cls is RateLimited:
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return RateLimited(text, retry_after=retry_after, **common)
    if cls is not None:
        return cls(text, **common)
    if status >= 500:
        return ServerError(text, **common)
    return OpttError(text, **common)


def raise_for_status(response: R) -> R:
    """Raise the typed :class:`OpttError` for an error response; return the response otherwise.

    Works with an ``httpx.Response`` (read it first) and with the generated client's ``Response``.
    """
    error = error_for_response(response)
    if error is not None:
        raise error
    return response
