"""The UAA over HTTP: both grants, every RFC 6749 error, the public key, refresh-token rotation."""

from __future__ import annotations

import base64
import json

import jwt
import pytest
from sandbox_helpers import PASSWORD, RunningSandbox

from optt.sandbox.seed import DEFAULT_CLIENT_ID

CLINIC = "laleh@optt.ca"


def _claims(token: str) -> dict[str, object]:
    payload = token.split(".")[1]
    decoded: dict[str, object] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return decoded


@pytest.mark.parametrize("path", ["/uaa/oauth/token", "/uaa/token"])
def test_password_grant_in_form_body(sandbox: RunningSandbox, path: str) -> None:
    with sandbox.client() as http:
        response = http.post(
            path,
            data={"grant_type": "password", "username": CLINIC, "password": PASSWORD},
            headers=sandbox.basic(),
        )
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["scope"] == "read write"
    assert body["expires_in"] == 43200
    access = _claims(body["access_token"])
    assert access["user_name"] == CLINIC
    assert access["authorities"] == ["CLINIC"]
    assert access["client_id"] == DEFAULT_CLIENT_ID
    assert access["scope"] == ["read", "write"]
    assert access["jti"] == body["jti"]
    refresh = _claims(body["refresh_token"])
    assert refresh["ati"] == body["jti"]
    assert refresh["jti"] != body["jti"]
    assert isinstance(refresh["exp"], int) and isinstance(access["exp"], int)
    assert refresh["exp"] > access["exp"]


def test_password_grant_in_query_string_as_optt_documents(sandbox: RunningSandbox) -> None:
    with sandbox.client() as http:
        response = http.post(
            "/uaa/oauth/token",
            params={"grant_type": "password", "username": CLINIC, "password": PASSWORD},
            headers=sandbox.basic(),
        )
    assert response.status_code == 200
    assert response.json()["token_type"] == "bearer"


def test_client_secret_post_is_accepted(sandbox: RunningSandbox) -> None:
    form = {"grant_type": "password", "username": CLINIC, "password": PASSWORD}
    with sandbox.client() as http:
        response = http.post(
            "/uaa/oauth/token", data={**form, "client_id": DEFAULT_CLIENT_ID, "client_secret": "test-secret"}
        )
    assert response.status_code == 200


def test_access_token_verifies_with_published_key_and_jwks(sandbox: RunningSandbox) -> None:
    token = sandbox.login(CLINIC)["access_token"]
    with sandbox.client() as http:
        key = http.get("/uaa/oauth/token_key").json()
        jwks = http.get("/uaa/.well-known/jwks.json").json()
    assert key["alg"] == "SHA256withRSA"
    claims = jwt.decode(token, key["value"], algorithms=["RS256"])
    assert claims["user_name"] == CLINIC
    public = jwt.PyJWK(jwks["keys"][0]).key
    assert jwt.decode(token, public, algorithms=["RS256"])["user_name"] == CLINIC
    assert jwt.get_unverified_header(token)["kid"] == jwks["keys"][0]["kid"]


def test_refresh_grant_rotates_and_old_refresh_token_is_refused(sandbox: RunningSandbox) -> None:
    first = sandbox.login(CLINIC)
    with sandbox.client() as http:
        refreshed = http.post(
            "/uaa/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
            headers=sandbox.basic(),
        )
        assert refreshed.status_code == 200
        second = refreshed.json()
        assert second["refresh_token"] != first["refresh_token"]
        assert second["access_token"] != first["access_token"]
        again = http.post(
            "/uaa/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"]},
            headers=sandbox.basic(),
        )
        assert again.status_code == 400
        assert again.json()["error"] == "invalid_grant"
        # the new access token works
        me = http.get("/profile/clinic/client", headers={"Authorization": f"Bearer {second['access_token']}"})
        assert me.status_code == 200


def test_refresh_grant_can_narrow_scope_but_not_widen_it(sandbox: RunningSandbox) -> None:
    first = sandbox.login(CLINIC)
    with sandbox.client() as http:
        narrowed = http.post(
            "/uaa/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": first["refresh_token"], "scope": "read"},
            headers=sandbox.basic(),
        )
        assert narrowed.status_code == 200
        assert narrowed.json()["scope"] == "read"
        widened = http.post(
            "/uaa/oauth/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": narrowed.json()["refresh_token"],
                "scope": "read write",
            },
            headers=sandbox.basic(),
        )
        assert widened.status_code == 400
        assert widened.json()["error"] == "invalid_scope"


def _token(
    sandbox: RunningSandbox, data: dict[str, str], headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], dict[str, str]]:
    with sandbox.client() as http:
        response = http.post("/uaa/oauth/token", data=data, headers=sandbox.basic() if headers is None else headers)
    return response.status_code, response.json(), dict(response.headers)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"username": CLINIC, "password": PASSWORD}, "invalid_request"),
        ({"grant_type": "password", "password": PASSWORD}, "invalid_request"),
        ({"grant_type": "password", "username": CLINIC}, "invalid_request"),
        ({"grant_type": "refresh_token"}, "invalid_request"),
        ({"grant_type": "password", "username": CLINIC, "password": "wrong"}, "invalid_grant"),
        ({"grant_type": "password", "username": "nobody@example.com", "password": PASSWORD}, "invalid_grant"),
        ({"grant_type": "refresh_token", "refresh_token": "not-a-jwt"}, "invalid_grant"),
        ({"grant_type": "client_credentials"}, "unsupported_grant_type"),
        ({"grant_type": "authorization_code", "code": "x"}, "unsupported_grant_type"),
        ({"grant_type": "password", "username": CLINIC, "password": PASSWORD, "scope": "read admin"}, "invalid_scope"),
    ],
    ids=[
        "missing-grant-type",
        "missing-username",
        "missing-password",
        "missing-refresh-token",
        "bad-password",
        "unknown-user",
        "garbage-refresh-token",
        "client-credentials",
        "authorization-code",
        "scope-not-subset",
    ],
)
def test_rfc6749_errors(sandbox: RunningSandbox, data: dict[str, str], error: str) -> None:
    status, body, headers = _token(sandbox, data)
    assert (status, body["error"]) == (400, error)
    assert headers["cache-control"] == "no-store"
    assert "error_description" in body


def test_same_parameter_in_query_and_body_is_invalid_request(sandbox: RunningSandbox) -> None:
    with sandbox.client() as http:
        response = http.post(
            "/uaa/oauth/token",
            params={"grant_type": "password"},
            data={"grant_type": "password", "username": CLINIC, "password": PASSWORD},
            headers=sandbox.basic(),
        )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Basic bm90LWJhc2U2NA=="}, {"Authorization": "Basic ###"}, {"Authorization": "Bearer x"}],
    ids=["missing", "no-colon", "not-base64", "wrong-scheme"],
)
def test_missing_or_malformed_client_auth_is_invalid_client(sandbox: RunningSandbox, headers: dict[str, str]) -> None:
    status, body, response_headers = _token(
        sandbox, {"grant_type": "password", "username": CLINIC, "password": PASSWORD}, headers
    )
    assert (status, body["error"]) == (401, "invalid_client")
    assert response_headers["www-authenticate"] == 'Basic realm="optt"'


def test_wrong_client_secret_is_invalid_client_and_not_echoed(sandbox: RunningSandbox) -> None:
    status, body, headers = _token(
        sandbox,
        {"grant_type": "password", "username": CLINIC, "password": PASSWORD},
        sandbox.basic(secret="guess-me-123"),
    )
    assert (status, body["error"]) == (401, "invalid_client")
    assert "guess-me-123" not in json.dumps(body)
    assert headers["www-authenticate"] == 'Basic realm="optt"'


def test_wrong_client_id_is_invalid_client(sandbox: RunningSandbox) -> None:
    status, body, _ = _token(
        sandbox, {"grant_type": "password", "username": CLINIC, "password": PASSWORD}, sandbox.basic(client_id="optt-x")
    )
    assert (status, body["error"]) == (401, "invalid_client")


def test_access_token_is_not_a_refresh_token(sandbox: RunningSandbox) -> None:
    access = sandbox.login(CLINIC)["access_token"]
    status, body, _ = _token(sandbox, {"grant_type": "refresh_token", "refresh_token": access})
    assert (status, body["error"]) == (400, "invalid_grant")


def test_json_body_on_token_endpoint_is_invalid_request(sandbox: RunningSandbox) -> None:
    with sandbox.client() as http:
        response = http.post(
            "/uaa/oauth/token", json={"grant_type": "password", "username": CLINIC}, headers=sandbox.basic()
        )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_token_endpoint_allows_only_post(sandbox: RunningSandbox) -> None:
    with sandbox.client() as http:
        response = http.get("/uaa/oauth/token")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
