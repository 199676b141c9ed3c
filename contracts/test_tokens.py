"""The UAA token endpoint against RFC 6749: success body and caching, error codes per situation,
JWT claims, refresh rotation and signatures that verify with the published keys.

Both token paths (``/uaa/oauth/token`` and the live host's ``/uaa/token``) are held to the same rules.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from contracts import runtime
from contracts.checks import assert_token_claims
from contracts.http import call
from contracts.spec import ROLES
from contracts.tokens import decode_jwt_unverified

TOKEN_OPERATIONS = ("issueToken", "issueTokenLive")


def _login(role: str) -> dict[str, str]:
    creds = runtime.current().target.user(role)
    if not (creds.username and creds.password):
        pytest.skip(f"no OPTT_{role}_USERNAME/PASSWORD: the password grant cannot be tested for {role}")
    return {"grant_type": "password", "username": creds.username, "password": creds.password}


def _error(response: Any) -> str | None:
    body = response.json()
    return body.get("error") if isinstance(body, dict) else None


@pytest.mark.parametrize("operation", TOKEN_OPERATIONS)
@pytest.mark.parametrize("role", ROLES)
def test_password_grant_issues_a_bearer_jwt(operation: str, role: str) -> None:
    response = call(operation, "basic", data=_login(role))

    assert response.status_code == 200, response.text
    assert response.headers.get("cache-control") == "no-store"
    assert response.headers.get("pragma") == "no-cache"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["expires_in"], int)
    assert_token_claims(body, operation)
    claims = decode_jwt_unverified(body["access_token"])
    assert claims["user_name"] == runtime.current().target.user(role).username
    assert role in claims["authorities"]


def test_parameters_in_the_query_string_are_accepted() -> None:
    """OPTT documents the grant's parameters in the query string."""
    response = call("issueToken", "basic", query=_login("CLINIC"))

    assert response.status_code == 200, response.text


def test_a_parameter_in_both_query_and_body_is_invalid_request() -> None:
    login = _login("CLINIC")
    response = call("issueToken", "basic", query={"grant_type": "password"}, data=login)

    assert (response.status_code, _error(response)) == (400, "invalid_request")


@pytest.mark.parametrize("operation", TOKEN_OPERATIONS)
def test_a_wrong_password_is_invalid_grant(operation: str) -> None:
    login = {**_login("CLINIC"), "password": "not-the-password"}
    response = call(operation, "basic", data=login)

    assert (response.status_code, _error(response)) == (400, "invalid_grant")
    assert response.headers.get("cache-control") == "no-store"


def test_an_unknown_user_is_invalid_grant() -> None:
    response = call("issueToken", "basic", data={**_login("CLINIC"), "username": "nobody@example.invalid"})

    assert (response.status_code, _error(response)) == (400, "invalid_grant")


def test_a_missing_grant_type_is_invalid_request() -> None:
    login = _login("CLINIC")
    del login["grant_type"]
    response = call("issueToken", "basic", data=login)

    assert (response.status_code, _error(response)) == (400, "invalid_request")


def test_an_unsupported_grant_type_is_reported_as_such() -> None:
    response = call("issueToken", "basic", data={"grant_type": "client_credentials"}, validate=False)

    assert (response.status_code, _error(response)) == (400, "unsupported_grant_type")


def test_an_unknown_scope_is_invalid_scope() -> None:
    response = call("issueToken", "basic", data={**_login("CLINIC"), "scope": "admin"})

    assert (response.status_code, _error(response)) == (400, "invalid_scope")


@pytest.mark.parametrize("operation", TOKEN_OPERATIONS)
def test_wrong_client_credentials_are_invalid_client(operation: str) -> None:
    tokens = runtime.current().tokens
    wrong = {"Authorization": tokens.basic_header(client_secret="wrong-secret-0123456789")}
    response = call(operation, "basic", data=_login("CLINIC"), headers=wrong)

    assert (response.status_code, _error(response)) == (401, "invalid_client")
    assert response.headers.get("www-authenticate")
    assert "wrong-secret-0123456789" not in response.text


def test_no_client_authentication_is_401() -> None:
    response = call("issueToken", "none", data=_login("CLINIC"))

    assert (response.status_code, _error(response)) == (401, "invalid_client")
    assert response.headers.get("www-authenticate")


def test_a_refresh_token_is_exchanged_once() -> None:
    first = call("issueToken", "basic", data=_login("CAREGIVER")).json()

    renewed = call("issueToken", "basic", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]})
    assert renewed.status_code == 200, renewed.text
    assert_token_claims(renewed.json(), "issueToken")
    assert renewed.json()["jti"] != first["jti"]

    replayed = call(
        "issueToken", "basic", data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    )
    assert (replayed.status_code, _error(replayed)) == (400, "invalid_grant")


def test_an_access_token_is_not_a_refresh_token() -> None:
    access = call("issueToken", "basic", data=_login("CAREGIVER")).json()["access_token"]
    response = call("issueToken", "basic", data={"grant_type": "refresh_token", "refresh_token": access})

    assert (response.status_code, _error(response)) == (400, "invalid_grant")


def test_issued_tokens_verify_with_the_published_keys() -> None:
    access = call("issueToken", "basic", data=_login("CLINIC")).json()["access_token"]
    jwks = call("getJwks", "none").json()
    pem = call("getTokenKey", "none").json()["value"]
    kid = jwt.get_unverified_header(access).get("kid")
    jwk = next((key for key in jwks["keys"] if key["kid"] == kid), jwks["keys"][0])

    from_jwks = jwt.decode(access, jwt.PyJWK(jwk).key, algorithms=["RS256"], options={"verify_aud": False})
    from_pem = jwt.decode(access, pem, algorithms=["RS256"], options={"verify_aud": False})
    assert from_jwks == from_pem
