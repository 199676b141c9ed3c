"""The UAA: the token endpoint (password and refresh_token grants) and the public signing key.

Errors follow RFC 6749 section 5.2. Refresh tokens are single-use: each exchange answers a new pair and the old
refresh token is refused from then on (``invalid_grant``).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, unquote_plus

from optt.sandbox.calls import Call, Handler, Reply, Services
from optt.sandbox.errors import OAuthFailure
from optt.sandbox.spec import Operation, field_errors
from optt.sandbox.tokens import DEFAULT_SCOPE, InvalidTokenError

__all__ = ["BASIC_CHALLENGE", "HANDLERS", "TOKEN_OPERATIONS", "issue_for_user", "token_endpoint"]

BASIC_CHALLENGE = 'Basic realm="optt"'
TOKEN_OPERATIONS = frozenset({"issueToken", "issueTokenLive"})
_NO_STORE = {"Cache-Control": "no-store"}
_PARAMS = ("grant_type", "username", "password", "refresh_token", "scope")


def _invalid_client(services: Services, description: str, secret: str | None = None) -> OAuthFailure:
    if secret is not None and services.faults.on("secret_echoed"):
        description = f"{description} (client_secret was '{secret}')"
    return OAuthFailure(401, "invalid_client", description, {"WWW-Authenticate": BASIC_CHALLENGE, **_NO_STORE})


def _bad(error: str, description: str) -> OAuthFailure:
    return OAuthFailure(400, error, description, dict(_NO_STORE))


def _client_credentials(headers: Mapping[str, str], form: list[tuple[str, str]]) -> tuple[str, str] | None:
    authorization = headers.get("authorization")
    form_id = [v for k, v in form if k == "client_id"]
    form_secret = [v for k, v in form if k == "client_secret"]
    if authorization is not None:
        if form_id or form_secret:
            raise _bad("invalid_request", "Use one client authentication method only")
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() != "basic":
            return None
        try:
            decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            return None
        return unquote_plus(client_id), unquote_plus(secret)
    if len(form_id) == 1 and len(form_secret) == 1:  # client_secret_post (RFC 6749 section 2.3.1)
        return form_id[0], form_secret[0]
    return None


def _authenticate_client(services: Services, headers: Mapping[str, str], form: list[tuple[str, str]]) -> None:
    credentials = _client_credentials(headers, form)
    if credentials is None:
        raise _invalid_client(services, "Full authentication is required to access this resource")
    client_id, secret = credentials
    settings = services.settings
    good_id = hmac.compare_digest(client_id.encode(), settings.client_id.encode())
    good_secret = hmac.compare_digest(secret.encode(), settings.client_secret.encode())
    if not (good_id and good_secret):
        raise _invalid_client(services, "Bad client credentials", secret)


def _parse_form(headers: Mapping[str, str], body: bytes) -> list[tuple[str, str]]:
    if not body:
        return []
    ctype = headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype != "application/x-www-form-urlencoded":
        raise _bad("invalid_request", "Parameters go in an application/x-www-form-urlencoded body or the query")
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except (UnicodeDecodeError, ValueError) as exc:
        raise _bad("invalid_request", "The form body is not valid") from exc


def _scope(requested: str | None, allowed: Sequence[str]) -> list[str]:
    if requested is None or not requested.strip():
        return list(allowed)
    wanted = requested.split()
    if not set(wanted) <= set(allowed):
        raise _bad("invalid_scope", f"Invalid scope; allowed: {' '.join(allowed)}")
    return [item for item in allowed if item in wanted]


def issue_for_user(services: Services, user: Mapping[str, Any], scope: list[str], access_ttl: int) -> Reply:
    body = services.tokens.issue(
        str(user["username"]), [str(user["role"])], scope, access_ttl, services.settings.refresh_token_ttl
    )
    if services.faults.on("expires_in_string"):
        body["expires_in"] = str(body["expires_in"])
    headers = {"Pragma": "no-cache"}
    if not services.faults.on("token_missing_cache_control"):
        headers["Cache-Control"] = "no-store"
    return Reply(200, body, headers)


def token_endpoint(
    services: Services, op: Operation, headers: Mapping[str, str], query: list[tuple[str, str]], body: bytes
) -> Reply:
    """``POST /uaa/oauth/token`` and ``/uaa/token``: client authentication first, then the grant."""
    form = _parse_form(headers, body)
    _authenticate_client(services, headers, form)
    params: dict[str, str] = {}
    for name, value in [*query, *form]:
        if name in ("client_id", "client_secret"):
            continue
        if name in params:
            raise _bad("invalid_request", f"Parameter {name} is given more than once")
        params[name] = value
    grant = params.get("grant_type")
    if grant is None:
        raise _bad("invalid_request", "Missing grant type")
    by_name = {p.name: p for p in op.parameters if p.location == "query"}
    if field_errors(by_name["grant_type"].validator, grant):
        raise _bad("unsupported_grant_type", "Unsupported grant type")
    for name in _PARAMS:
        if name in params and field_errors(by_name[name].validator, params[name]):
            error = "invalid_scope" if name == "scope" else "invalid_request"
            raise _bad(error, f"Invalid parameter: {name}")
    if grant == "password":
        return _password_grant(services, params)
    return _refresh_grant(services, params)


def _password_grant(services: Services, params: dict[str, str]) -> Reply:
    for name in ("username", "password"):
        if name not in params:
            raise _bad("invalid_request", f"Missing {name}")
    scope = _scope(params.get("scope"), DEFAULT_SCOPE)
    user = services.store.user_by_name(params["username"].lower())
    good = hmac.compare_digest(params["password"].encode(), services.settings.user_password.encode())
    if user is None or not good:
        if services.faults.on("token_wrong_error_code"):
            raise _bad("invalid_request", "Bad credentials")
        raise _bad("invalid_grant", "Bad credentials")
    return issue_for_user(services, user, scope, services.settings.access_token_ttl)


def _refresh_grant(services: Services, params: dict[str, str]) -> Reply:
    if "refresh_token" not in params:
        raise _bad("invalid_request", "Missing refresh_token")
    try:
        claims = services.tokens.verify_refresh(params["refresh_token"])
    except InvalidTokenError as exc:
        raise _bad("invalid_grant", str(exc)) from exc
    scope = _scope(params.get("scope"), [str(item) for item in claims["scope"]])
    user = services.store.user_by_name(str(claims["user_name"]))
    if user is None:
        raise _bad("invalid_grant", "Unknown user")
    if not services.store.use_refresh_token(str(claims["jti"])) and not services.faults.on("refresh_token_not_rotated"):
        raise _bad("invalid_grant", "Refresh token already used")
    return issue_for_user(services, user, scope, services.settings.access_token_ttl)


def token_key(call: Call) -> Reply:
    return Reply(200, {"alg": "SHA256withRSA", "value": call.services.tokens.key.public_pem})


def jwks(call: Call) -> Reply:
    return Reply(200, {"keys": [call.services.tokens.key.jwk()]})


HANDLERS: dict[str, Handler] = {"getTokenKey": token_key, "getJwks": jwks}
