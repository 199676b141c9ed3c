"""Structured, secret-free logs: one JSON object per line.

Access records carry method, path (never the query string's values), status, duration_ms, request_id and role.
Nothing here ever sees an Authorization header, a password, a client secret, a token or an identity-provider code.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

__all__ = ["ACCESS_LOGGER", "LOGGER", "JsonLineFormatter", "configure_logging", "log_event", "mask_query"]

LOGGER = logging.getLogger("optt.sandbox")
ACCESS_LOGGER = logging.getLogger("optt.sandbox.access")


def mask_query(query: str) -> str:
    """The query string with every value masked: ``grant_type=***&password=***``."""
    if not query:
        return ""
    return "&".join(f"{name}=***" for name, _ in parse_qsl(query, keep_blank_values=True))


def log_event(logger: logging.Logger, level: int, event: str, **fields: Any) -> None:
    """Log ``fields`` as one JSON object (the message itself is the JSON line)."""
    record = {"event": event, **fields}
    logger.log(level, json.dumps(record, ensure_ascii=False, default=str), extra={"fields": record})


class JsonLineFormatter(logging.Formatter):
    """Formats every record as a JSON line, merging structured ``fields`` when a record has them."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        if record.exc_info and record.exc_info[0] is not None:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """Send the sandbox's (and uvicorn's) logs to stderr as JSON lines."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLineFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
