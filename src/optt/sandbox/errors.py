"""The two error shapes of the contract: Spring Boot's ``Error`` body (Data API) and RFC 6749's (UAA)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

__all__ = [
    "ApiError",
    "FieldError",
    "OAuthFailure",
    "error_body",
    "reason",
    "utc_now_iso",
]


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str


@dataclass
class ApiError(Exception):
    """A Data API error, answered with the ``Error`` body."""

    status: int
    message: str
    errors: list[FieldError] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.message}"


@dataclass
class OAuthFailure(Exception):
    """A UAA error (RFC 6749 section 5.2)."""

    status: int
    error: str
    description: str
    headers: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.status} {self.error}"


def error_body(status: int, message: str, path: str, errors: list[FieldError] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "timestamp": utc_now_iso(),
        "status": status,
        "error": reason(status),
        "message": message,
        "path": path,
    }
    if errors:
        body["errors"] = [{"field": item.field, "message": item.message} for item in errors]
    return body
