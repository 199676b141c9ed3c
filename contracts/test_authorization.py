"""The authorization matrix: every operation x every caller gets the status the spec documents.

Callers are the four roles, no token, an expired token and a tampered one. A role listed in the
operation's ``x-optt-roles`` must get past authorization (no 401/403); another role gets 403;
no token, an expired or a tampered one gets 401 with ``WWW-Authenticate``. The token endpoints
want client credentials, so any bearer caller gets 401 there; public operations ignore callers.
Forged tokens (``alg: none``, HS256 signed with the public key, a published test token with a
changed signature) are 401 too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

import pytest

from contracts import runtime
from contracts.http import call
from contracts.spec import ROLES, ExampleRequest, Operation, first_example_request, operation_by_id, operations
from contracts.tokens import decode_jwt_unverified

CALLERS = (*ROLES, "none", "expired", "tampered")


def _example(op: Operation) -> ExampleRequest:
    """The spec's example request, with the target's real organisation credentials and ids."""
    from contracts.discovery import known

    rt = runtime.current()
    request = first_example_request(op)
    facts = known()
    if op.operation_id == "getTokenByGoogleUsingPOST":
        request.query.update(client_id=rt.target.client_id, client_secret=rt.target.client_secret)
        if facts.clinic_ids.get("CLINIC"):
            request.query["clinic_optt_id"] = facts.clinic_ids["CLINIC"]
    if op.operation_id == "instituteSsoUsingPOST":
        request.body = {**request.body, "apiKey": rt.target.client_id}
        if rt.target.user("CLINIC").username:
            request.body["clinicEmail"] = rt.target.user("CLINIC").username
    if op.operation_id == "createSessionUsingPOST" and facts.client_id:
        request.body = {**request.body, "clientId": facts.client_id, "bookIdList": facts.book_ids[:2]}
    if op.operation_id == "createClientUsingPOST":
        # No care provider of another clinic, and a fresh e-mail each time (a duplicate is 409).
        import uuid

        request.body = {k: v for k, v in request.body.items() if k != "caregiverList"}
        request.body["email"] = f"matrix-{uuid.uuid4().hex[:12]}@example.com"
    if op.operation_id == "createCaregiverUsingPOST":
        import uuid

        request.body = {**request.body, "email": f"matrix-{uuid.uuid4().hex[:12]}@example.com"}
    if op.operation_id == "triageUsingPUT" and facts.clinic_code:
        request.path_params["clinicCode"] = facts.clinic_code
    return request


def _send(op: Operation, caller: str) -> Any:
    request = _example(op)
    kwargs: dict[str, Any] = {"path_params": request.path_params, "query": request.query}
    if request.media_type == "application/x-www-form-urlencoded":
        kwargs["data"] = request.body
    elif request.body is not None:
        kwargs["json"] = request.body
    return call(op.operation_id, caller, **kwargs)


def _skip_unusable(op: Operation, caller: str) -> None:
    rt = runtime.current()
    if rt.read_only and not op.is_read_only:
        pytest.skip("read-only run: writes need --allow-writes")
    if caller in ROLES and not rt.tokens.has(caller):
        pytest.skip(f"no credentials for {caller} (OPTT_{caller}_USERNAME/PASSWORD or OPTT_{caller}_TOKEN)")
    if caller == "expired" and rt.tokens.expired_token() is None:
        pytest.skip("no expired token: set OPTT_EXPIRED_TOKEN for a live target")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("operation", [op.operation_id for op in operations()])
def test_caller_gets_the_documented_status(operation: str, caller: str) -> None:
    op = operation_by_id(operation)
    _skip_unusable(op, caller)

    response = _send(op, caller)

    status = response.status_code
    if op.security == "none":
        assert status not in (401, 403), f"public operation refused {caller}: {status}"
    elif op.security == "basic" or caller not in ROLES:
        assert status == 401, f"{caller} on {operation}: expected 401, got {status}"
        assert response.headers.get("www-authenticate"), "401 without WWW-Authenticate"
    elif caller in op.roles:
        assert status not in (401, 403), f"{caller} may call {operation} but got {status}: {response.text}"
    else:
        assert status == 403, f"{caller} may not call {operation} but got {status}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims_of(role: str) -> dict[str, Any]:
    return decode_jwt_unverified(runtime.current().tokens.token(role))


def _forged_tokens() -> dict[str, str]:
    claims = _claims_of("CLINIC")
    payload = _b64(json.dumps(claims).encode())
    unsigned = f"{_b64(json.dumps({'alg': 'none', 'typ': 'JWT'}).encode())}.{payload}."
    public_pem = call("getTokenKey", "none").json()["value"]
    hs_header = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    signing_input = f"{hs_header}.{payload}"
    signature = hmac.new(public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return {"alg-none": unsigned, "hs256-with-public-key": f"{signing_input}.{_b64(signature)}"}


@pytest.mark.parametrize("forgery", ["alg-none", "hs256-with-public-key"])
def test_forged_tokens_are_401(forgery: str) -> None:
    if not runtime.current().tokens.has("CLINIC"):
        pytest.skip("no CLINIC credentials")
    token = runtime.current().tokens.adopt(_forged_tokens()[forgery], "forged")

    response = call("listClientsUsingGET", "none", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401, f"{forgery} token accepted: {response.status_code}"


def _published_tokens() -> dict[str, str]:
    try:
        from optt.sandbox.published_tokens import TEST_TOKENS
    except ImportError:  # the suite can run without the sandbox installed
        pytest.skip("optt.sandbox is not installed")
    return dict(TEST_TOKENS)


_READ_AS = {"CLIENT": "listMySessionsUsingGET", "CAREGIVER": "listSessionsUsingGET", "CLINIC": "listClientsUsingGET"}


@pytest.mark.parametrize("role", sorted(_READ_AS))
def test_published_test_tokens_work_and_their_forgeries_do_not(role: str) -> None:
    if not runtime.current().target.is_sandbox:
        pytest.skip("OPTT's published test tokens are only known to hold on the sandbox")
    tokens = runtime.current().tokens
    token = tokens.adopt(_published_tokens()[role], role)
    header_and_payload, _, signature = token.rpartition(".")
    forged = tokens.adopt(f"{header_and_payload}.{signature[:-4]}AAAA", "forged")

    genuine = call(_READ_AS[role], "none", headers={"Authorization": f"Bearer {token}"})
    altered = call(_READ_AS[role], "none", headers={"Authorization": f"Bearer {forged}"})

    assert genuine.status_code == 200, genuine.text
    assert altered.status_code == 401, f"a test token with another signature was accepted: {altered.status_code}"
