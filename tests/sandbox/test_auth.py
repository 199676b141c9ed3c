"""Bearer authentication and roles: OPTT's test tokens, forged tokens, and the order of the checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from sandbox_helpers import RunningSandbox

from optt.sandbox.seed import TEST_TOKENS

OWN_READ = {
    "CLIENT": "/profile/client/session",
    "CAREGIVER": "/profile/caregiver/session",
    "CLINIC": "/profile/clinic/client",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(username: str = "laleh@optt.ca", role: str = "CLINIC", exp_in: int = 600) -> dict[str, Any]:
    return {
        "exp": int(time.time()) + exp_in,
        "user_name": username,
        "authorities": [role],
        "jti": str(uuid.uuid4()),
        "client_id": "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d",
        "scope": ["read", "write"],
    }


def _private_key(sandbox: RunningSandbox) -> rsa.RSAPrivateKey:
    key: rsa.RSAPrivateKey = sandbox.app.state.sandbox.services.tokens.key.private_key
    return key


def _get(sandbox: RunningSandbox, path: str, token: str | None) -> tuple[int, dict[str, str], Any]:
    headers = {"Authorization": f"bearer {token}"} if token is not None else {}
    with sandbox.client() as http:
        response = http.get(path, headers=headers)
    return response.status_code, dict(response.headers), response.json()


@pytest.mark.parametrize("role", ["CLIENT", "CAREGIVER", "CLINIC"])
def test_published_test_token_works_for_its_role(sandbox: RunningSandbox, role: str) -> None:
    status, _, body = _get(sandbox, OWN_READ[role], TEST_TOKENS[role])
    assert status == 200
    assert "content" in body


@pytest.mark.parametrize(
    ("role", "other"),
    [(role, other) for role in OWN_READ for other in OWN_READ if role != other],
)
def test_published_test_token_is_forbidden_on_another_roles_operation(
    sandbox: RunningSandbox, role: str, other: str
) -> None:
    status, _, body = _get(sandbox, OWN_READ[other], TEST_TOKENS[role])
    assert status == 403
    assert body["status"] == 403 and body["error"] == "Forbidden"


def test_clinic_test_token_sees_the_seeded_clinic(sandbox: RunningSandbox) -> None:
    status, _, body = _get(sandbox, "/profile/clinic/client/1", TEST_TOKENS["CLINIC"])
    assert status == 200
    assert body["email"] == "laleh@citronity.com"
    assert body["clinicId"] == 1


@pytest.mark.parametrize("where", ["signature", "payload"])
def test_a_modified_test_token_is_refused(sandbox: RunningSandbox, where: str) -> None:
    token = TEST_TOKENS["CLINIC"]
    header, payload, signature = token.split(".")
    if where == "signature":
        signature = signature[:-2] + ("AA" if signature[-2:] != "AA" else "BB")
    else:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["authorities"] = ["INSTITUTE"]
        payload = _b64(json.dumps(claims).encode())
    status, headers, _ = _get(sandbox, OWN_READ["CLINIC"], f"{header}.{payload}.{signature}")
    assert status == 401
    assert headers["www-authenticate"] == 'Bearer realm="optt", error="invalid_token"'


def test_missing_token_is_401_with_bearer_challenge(sandbox: RunningSandbox) -> None:
    status, headers, body = _get(sandbox, OWN_READ["CLINIC"], None)
    assert status == 401
    assert headers["www-authenticate"] == 'Bearer realm="optt"'
    assert body["error"] == "Unauthorized"


def test_expired_token_is_401(sandbox: RunningSandbox) -> None:
    token = jwt.encode(_claims(exp_in=-60), _private_key(sandbox), algorithm="RS256")
    status, headers, body = _get(sandbox, OWN_READ["CLINIC"], token)
    assert status == 401
    assert "expired" in body["message"].lower()
    assert 'error="invalid_token"' in headers["www-authenticate"]


def test_properly_signed_token_is_accepted(sandbox: RunningSandbox) -> None:
    token = jwt.encode(_claims(), _private_key(sandbox), algorithm="RS256")
    assert _get(sandbox, OWN_READ["CLINIC"], token)[0] == 200


def test_tampered_token_is_401(sandbox: RunningSandbox) -> None:
    header, _, signature = sandbox.login("laleh@citronity.com")["access_token"].split(".")
    forged_payload = _b64(json.dumps(_claims()).encode())
    assert _get(sandbox, OWN_READ["CLINIC"], f"{header}.{forged_payload}.{signature}")[0] == 401


def test_alg_none_token_is_401(sandbox: RunningSandbox) -> None:
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    assert _get(sandbox, OWN_READ["CLINIC"], f"{header}.{payload}.")[0] == 401


def test_hs256_token_signed_with_the_public_key_is_401(sandbox: RunningSandbox) -> None:
    with sandbox.client() as http:
        pem = http.get("/uaa/oauth/token_key").json()["value"]
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64(json.dumps(_claims()).encode())
    signature = _b64(hmac.new(pem.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest())
    assert _get(sandbox, OWN_READ["CLINIC"], f"{header}.{payload}.{signature}")[0] == 401


def test_token_signed_by_another_key_is_401(sandbox: RunningSandbox) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _get(sandbox, OWN_READ["CLINIC"], jwt.encode(_claims(), other, algorithm="RS256"))[0] == 401


def test_refresh_token_is_not_an_access_token(sandbox: RunningSandbox) -> None:
    refresh = sandbox.login("laleh@optt.ca")["refresh_token"]
    assert _get(sandbox, OWN_READ["CLINIC"], refresh)[0] == 401


def test_token_of_unknown_user_is_401(sandbox: RunningSandbox) -> None:
    token = jwt.encode(_claims(username="ghost@example.com"), _private_key(sandbox), algorithm="RS256")
    assert _get(sandbox, OWN_READ["CLINIC"], token)[0] == 401


@pytest.mark.parametrize("garbage", ["abc", "a.b.c", "....", "eyJ9.eyJ9.x"])
def test_garbage_tokens_are_401(sandbox: RunningSandbox, garbage: str) -> None:
    assert _get(sandbox, OWN_READ["CLINIC"], garbage)[0] == 401


def test_order_is_authentication_then_role_then_validation(sandbox: RunningSandbox) -> None:
    bad_body = {"name": "", "email": "not-an-email"}
    with sandbox.client() as http:
        anonymous = http.post("/profile/clinic/client", json=bad_body)
        wrong_role = http.post(
            "/profile/clinic/client", json=bad_body, headers={"Authorization": f"bearer {TEST_TOKENS['CLIENT']}"}
        )
        right_role = http.post(
            "/profile/clinic/client", json=bad_body, headers={"Authorization": f"bearer {TEST_TOKENS['CLINIC']}"}
        )
        bad_id_anonymous = http.get("/profile/clinic/client/not-a-number")
    assert anonymous.status_code == 401
    assert wrong_role.status_code == 403
    assert right_role.status_code == 400
    assert bad_id_anonymous.status_code == 401


def test_institute_user_logs_in_and_is_forbidden_on_clinic_operations(sandbox: RunningSandbox) -> None:
    token = sandbox.login("institute")["access_token"]
    assert _get(sandbox, OWN_READ["CLINIC"], token)[0] == 403
