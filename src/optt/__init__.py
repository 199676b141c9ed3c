"""OPTT API client layer: ``optt.connect()`` around the generated ``optt_client``.

``optt.connect()`` reads ``OPTT_BASE_URL``, ``OPTT_TOKEN`` or ``OPTT_USERNAME``/``OPTT_PASSWORD`` (with
``OPTT_CLIENT_ID``/``OPTT_CLIENT_SECRET``) and returns a generated ``AuthenticatedClient`` that every
``optt_client.api`` function takes; ``optt.call(fn.sync_detailed, ...)`` returns the parsed body or
raises a typed :class:`optt.OpttError`.
"""

from optt.auth import BearerAuth, OAuth2PasswordAuth, StaticTokenAuth, Token
from optt.client import OpttClient, acall, auth_from_settings, call, connect
from optt.errors import (
    AuthenticationError,
    Conflict,
    FieldError,
    NotFound,
    OpttError,
    PermissionDenied,
    RateLimited,
    ServerError,
    TokenError,
    ValidationError,
    raise_for_status,
)
from optt.redact import install_log_redaction, redact_url
from optt.retry import DEFAULT_TIMEOUT, RetryPolicy, RetryTransport
from optt.settings import Settings

__all__ = [
    "DEFAULT_TIMEOUT",
    "AuthenticationError",
    "BearerAuth",
    "Conflict",
    "FieldError",
    "NotFound",
    "OAuth2PasswordAuth",
    "OpttClient",
    "OpttError",
    "PermissionDenied",
    "RateLimited",
    "RetryPolicy",
    "RetryTransport",
    "ServerError",
    "Settings",
    "StaticTokenAuth",
    "Token",
    "TokenError",
    "ValidationError",
    "acall",
    "auth_from_settings",
    "call",
    "connect",
    "install_log_redaction",
    "raise_for_status",
    "redact_url",
]
