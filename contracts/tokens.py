"""Access tokens per role, minted through the client layer (``optt.auth``) and refreshed when they expire."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable
from typing import Any, Protocol

from contracts.masking import masker
from contracts.target import Target

__all__ = ["TokenBroker", "decode_jwt_unverified", "tamper_token"]


class _TokenSource(Protocol):
    def access_token(self) -> str: ...


class _StaticToken:
    def __init__(self, token: str) -> None:
        self._token = token

    def access_token(self) -> str:
        return self._token


def decode_jwt_unverified(token: str) -> dict[str, Any]:
    """The claims of a JWT, without checking its signature (tests check signatures separately)."""
    payload = token.split(".")[1]
    payload += "=" * (-len(payload) % 4)
    return json.loads(base64.urlsafe_b64decode(payload))  # type: ignore[no-any-return]


def tamper_token(token: str) -> str:
    """The same token with its payload raised to every role: the signature no longer matches."""
    header, _, signature = token.split(".")
    claims = decode_jwt_unverified(token)
    claims["authorities"] = ["CLINIC", "CAREGIVER", "CLIENT", "INSTITUTE"]
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


def _client_layer_source(target: Target, username: str, password: str) -> _TokenSource:
    # The client layer owns the password grant and its refresh; the suite never re-implements it.
    from optt.auth import OAuth2PasswordAuth

    return OAuth2PasswordAuth(
        token_url=f"{target.base_url}/uaa/oauth/token",
        client_id=target.client_id,
        client_secret=target.client_secret,
        username=username,
        password=password,
    )


class TokenBroker:
    """Gives the current access token of each role, and names the caller behind any token seen."""

    def __init__(
        self,
        target: Target,
        source_factory: Callable[[Target, str, str], _TokenSource] = _client_layer_source,
        expired_token_factory: Callable[[], str | None] | None = None,
    ) -> None:
        self.target = target
        self._factory = source_factory
        self._sources: dict[str, _TokenSource] = {}
        self._owner: dict[str, str] = {}  # token -> caller name, for the ledger
        self._lock = threading.Lock()
        self._expired_factory = expired_token_factory
        self._expired: str | None = target.expired_token
        self._tampered: str | None = None
        # Logins that are e-mails are masked by shape; a bare login such as "institute" is no secret.
        masker.register(target.secrets())

    def has(self, role: str) -> bool:
        return self.target.user(role).usable

    def token(self, role: str) -> str:
        """The role's current access token; the client layer refreshes it when it expires."""
        with self._lock:
            source = self._sources.get(role)
            if source is None:
                creds = self.target.user(role)
                if creds.username and creds.password:
                    source = self._factory(self.target, creds.username, creds.password)
                elif creds.token:
                    source = _StaticToken(creds.token)
                else:
                    raise LookupError(f"no credentials for role {role}")
                self._sources[role] = source
        token = source.access_token()
        with self._lock:
            if token not in self._owner:
                self._owner[token] = role
                masker.register([token])
        return token

    def adopt(self, token: str, caller: str) -> str:
        """Name the caller behind a token the suite got elsewhere (a published test token, a forgery)."""
        with self._lock:
            self._owner[token] = caller
        masker.register([token])
        return token

    def expired_token(self) -> str | None:
        if self._expired is None and self._expired_factory is not None:
            self._expired = self._expired_factory()
        if self._expired:
            self._owner.setdefault(self._expired, "expired")
            masker.register([self._expired])
        return self._expired

    def tampered_token(self) -> str:
        if self._tampered is None:
            base_role = next(r for r in ("CLINIC", "CAREGIVER", "CLIENT", "INSTITUTE") if self.has(r))
            self._tampered = tamper_token(self.token(base_role))
            self._owner[self._tampered] = "tampered"
            masker.register([self._tampered])
        return self._tampered

    def basic_header(self, client_id: str | None = None, client_secret: str | None = None) -> str:
        cid = self.target.client_id if client_id is None else client_id
        secret = self.target.client_secret if client_secret is None else client_secret
        return "Basic " + base64.b64encode(f"{cid}:{secret}".encode()).decode()

    def caller_of(self, authorization: str | None) -> str:
        """Which caller sent this Authorization header (``none``, a role, ``basic``, ``expired``...)."""
        if not authorization:
            return "none"
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "basic":
            return "basic" if authorization == self.basic_header() else "bad-basic"
        if scheme.lower() == "bearer":
            with self._lock:
                return self._owner.get(value, "bad-bearer")
        return "other"
