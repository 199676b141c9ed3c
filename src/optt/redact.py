"""Keeping secrets out of logs: masking the sensitive query parameters of URLs that httpx logs.

Most secrets travel in headers or form bodies, which httpx does not log. One OPTT operation
(``getTokenByGoogleUsingPOST``) takes ``client_secret`` and an identity-provider ``code`` in the query
string, and httpx logs every request's full URL at INFO (``HTTP Request: POST http://...?client_secret=...``).
:func:`install_log_redaction` adds a filter to httpx's logger that masks those values.
"""

from __future__ import annotations

import logging
import threading

import httpx

__all__ = ["SENSITIVE_PARAMS", "RedactingFilter", "install_log_redaction", "redact_url"]

#: Query parameters whose values never reach a log.
SENSITIVE_PARAMS = frozenset(
    {"password", "client_secret", "refresh_token", "access_token", "token", "code", "id_token", "assertion"}
)
MASK = "***"

_installed_lock = threading.Lock()


def redact_url(url: httpx.URL | str) -> str:
    """The URL with the value of every sensitive query parameter replaced by ``***``."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    if not parsed.query:
        return str(parsed)
    params = [(k, MASK if k.lower() in SENSITIVE_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params))


class RedactingFilter(logging.Filter):
    """Rewrites ``httpx.URL`` arguments of a log record with :func:`redact_url`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and any(isinstance(a, httpx.URL) for a in args):
            record.args = tuple(redact_url(a) if isinstance(a, httpx.URL) else a for a in args)
        return True


def install_log_redaction(logger_names: tuple[str, ...] = ("httpx",)) -> None:
    """Add :class:`RedactingFilter` to these loggers (once; safe to call again)."""
    with _installed_lock:
        for name in logger_names:
            logger = logging.getLogger(name)
            if not any(isinstance(f, RedactingFilter) for f in logger.filters):
                logger.addFilter(RedactingFilter())
