"""Minting and verifying the UAA's RS256 JWTs (Spring Security OAuth2's claim set)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import jwt

from optt.sandbox.faults import FaultSet
from optt.sandbox.keys import SigningKey
from optt.sandbox.published_tokens import TEST_TOKENS

__all__ = ["DEFAULT_SCOPE", "InvalidTokenError", "Principal", "TokenService"]

DEFAULT_SCOPE = ("read", "write")


class InvalidTokenError(Exception):
    """A token that is not acceptable; the message is safe to show (it never contains the token)."""


@dataclass(frozen=True)
class Principal:
    """Who a verified access token speaks for."""

    username: str
    authorities: tuple[str, ...]
    client_id: str
    jti: str


def _b64decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def _unverified_parts(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        header_b64, payload_b64, _ = token.split(".")
        header = json.loads(_b64decode(header_b64))
        payload = json.loads(_b64decode(payload_b64))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidTokenError("Malformed access token") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise InvalidTokenError("Malformed access token")
    return header, payload


class TokenService:
    """Mints access/refresh token pairs and verifies presented tokens."""

    def __init__(self, key: SigningKey, client_id: str, faults: FaultSet) -> None:
        self.key = key
        self.client_id = client_id
        self.faults = faults
        self._test_tokens = {token: role for role, token in TEST_TOKENS.items()}

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.key.private_key, algorithm="RS256", headers={"kid": self.key.kid})

    def issue(
        self, username: str, authorities: list[str], scope: list[str], access_ttl: int, refresh_ttl: int
    ) -> dict[str, Any]:
        """A token pair in the UAA's token JSON (RFC 6749 section 5.1 plus Spring's ``scope`` and ``jti``)."""
        now = int(time.time())
        access_jti = str(uuid.uuid4())
        common = {"user_name": username, "authorities": authorities, "client_id": self.client_id, "scope": scope}
        access = self._sign({"exp": now + access_ttl, **common, "jti": access_jti})
        refresh = self._sign({"exp": now + refresh_ttl, **common, "jti": str(uuid.uuid4()), "ati": access_jti})
        return {
            "access_token": access,
            "token_type": "bearer",
            "refresh_token": refresh,
            "expires_in": access_ttl,
            "scope": " ".join(scope),
            "jti": access_jti,
        }

    def _decode(self, token: str, verify_exp: bool) -> dict[str, Any]:
        header, payload = _unverified_parts(token)
        alg = header.get("alg")
        if alg == "none" and self.faults.on("alg_none_accepted"):
            return payload
        if alg == "HS256" and self.faults.on("hs256_public_key_accepted"):
            signing_input, _, signature = token.rpartition(".")
            expected = hmac.new(self.key.public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
            try:
                if hmac.compare_digest(expected, _b64decode(signature)):
                    return payload
            except ValueError:
                pass
        if self.faults.on("tampered_token_accepted"):
            return payload
        try:
            decoded: dict[str, Any] = jwt.decode(
                token,
                self.key.public_key,
                algorithms=["RS256"],
                options={"require": ["exp"], "verify_exp": verify_exp, "verify_aud": False},
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidTokenError("Access token expired") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidTokenError("Invalid access token") from exc
        return decoded

    def _published(self, token: str) -> dict[str, Any] | None:
        """The claims of one of OPTT's published test tokens, matched as the exact whole string."""
        if token in self._test_tokens:
            return _unverified_parts(token)[1]
        if self.faults.on("test_token_prefix_accepted"):
            prefix = token.rpartition(".")[0]
            for published in self._test_tokens:
                if published.rpartition(".")[0] == prefix:
                    return _unverified_parts(token)[1]
        return None

    def verify_access(self, token: str) -> Principal:
        claims = self._published(token)
        if claims is None:
            verify_exp = not self.faults.on("expired_token_accepted")
            claims = self._decode(token, verify_exp)
            expiry = claims.get("exp")
            if verify_exp and (not isinstance(expiry, int) or expiry < time.time()):
                raise InvalidTokenError("Access token expired")
        if "ati" in claims:
            raise InvalidTokenError("A refresh token is not an access token")
        username = claims.get("user_name")
        authorities = claims.get("authorities")
        if not isinstance(username, str) or not isinstance(authorities, list):
            raise InvalidTokenError("Invalid access token")
        if not all(isinstance(item, str) for item in authorities):
            raise InvalidTokenError("Invalid access token")
        return Principal(username, tuple(authorities), str(claims.get("client_id", "")), str(claims.get("jti", "")))

    def verify_refresh(self, token: str) -> dict[str, Any]:
        """The claims of a valid refresh token; raises :class:`InvalidTokenError` otherwise."""
        try:
            claims: dict[str, Any] = jwt.decode(
                token, self.key.public_key, algorithms=["RS256"], options={"require": ["exp", "jti", "ati"]}
            )
        except jwt.ExpiredSignatureError as exc:
            raise InvalidTokenError("Refresh token expired") from exc
        except jwt.InvalidTokenError as exc:
            raise InvalidTokenError("Invalid refresh token") from exc
        if claims.get("client_id") != self.client_id:
            raise InvalidTokenError("Refresh token was issued to another client")
        if not isinstance(claims.get("user_name"), str) or not isinstance(claims.get("scope"), list):
            raise InvalidTokenError("Invalid refresh token")
        return claims
