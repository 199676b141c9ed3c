"""Connection settings: where the OPTT API is and how to authenticate, from arguments or the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_CLIENT_ID",
    "ENV_VARS",
    "Settings",
]

#: The local sandbox (`optt sandbox`), the default target so nothing reaches production by accident.
DEFAULT_BASE_URL = "http://127.0.0.1:8080/gateway"
#: The client id OPTT's documentation shows, which the sandbox also accepts.
DEFAULT_CLIENT_ID = "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d"

#: Settings field -> environment variable.
ENV_VARS: Mapping[str, str] = {
    "base_url": "OPTT_BASE_URL",
    "client_id": "OPTT_CLIENT_ID",
    "client_secret": "OPTT_CLIENT_SECRET",
    "username": "OPTT_USERNAME",
    "password": "OPTT_PASSWORD",
    "token": "OPTT_TOKEN",
}

_SECRET_FIELDS = frozenset({"client_secret", "password", "token"})


@dataclass(frozen=True, slots=True)
class Settings:
    """How to reach and authenticate to OPTT.

    Either ``username`` and ``password`` (the password grant, with ``client_id`` and ``client_secret``
    as HTTP Basic client authentication) or a fixed ``token`` (for example one of OPTT's test tokens).
    ``repr()`` shows whether a secret is set, never its value.
    """

    base_url: str = DEFAULT_BASE_URL
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str | None = None
    username: str | None = None
    password: str | None = None
    token: str | None = None

    def __post_init__(self) -> None:
        if not self.base_url.startswith(("http://", "https://")):
            raise ValueError(f"base_url must be an http(s) URL, got {self.base_url!r}")
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``OPTT_*`` environment variables; keyword arguments that are not None win."""
        source = os.environ if env is None else env
        values: dict[str, Any] = {}
        for name, var in ENV_VARS.items():
            value = source.get(var)
            if value:
                values[name] = value
        values.update({k: v for k, v in overrides.items() if v is not None})
        unknown = set(values) - set(ENV_VARS)
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        return cls(**values)

    @property
    def token_url(self) -> str:
        """The UAA token endpoint (``POST``, RFC 6749 section 3.2)."""
        return f"{self.base_url}/uaa/oauth/token"

    @property
    def uses_password_grant(self) -> bool:
        """True when a username and password are set (they win over a fixed token)."""
        return bool(self.username and self.password)

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some fields changed."""
        return replace(self, **changes)

    def __repr__(self) -> str:
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            secret = f.name in _SECRET_FIELDS
            shown = ("None" if value is None else "'***'") if secret else repr(value)
            parts.append(f"{f.name}={shown}")
        return f"Settings({', '.join(parts)})"

    __str__ = __repr__
