"""Masking of secrets and personal data before anything reaches a report or the terminal."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable

__all__ = ["Masker", "masker"]

# A JWT is three base64url parts; every token the UAA mints is one.
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_BASIC = re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]+")


class Masker:
    """Replaces known secrets (registered at run time) and anything shaped like a token or e-mail."""

    def __init__(self) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def register(self, values: Iterable[str | None]) -> None:
        with self._lock:
            # Very short values would mask innocent text; real secrets are longer.
            self._secrets.update(v for v in values if v and len(v) >= 4)

    def mask(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            text = text.replace(secret, "***")
        text = _BASIC.sub(lambda m: f"{m.group(1)} ***", text)
        text = _JWT.sub("<jwt>", text)
        return _EMAIL.sub("<email>", text)


masker = Masker()
