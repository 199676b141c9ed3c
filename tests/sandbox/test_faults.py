"""Planted faults: each one, switched on, breaks the contract the way its description says; none is on by default."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from sandbox_helpers import RunningSandbox

from optt.sandbox.faults import FAULTS, FaultSet, UnknownFaultError
from optt.sandbox.seed import TEST_TOKENS
from optt.sandbox.server import build_parser, settings_from_args

CLINIC1 = {"Authorization": f"bearer {TEST_TOKENS['CLINIC']}"}
CAREGIVER1 = {"Authorization": f"bearer {TEST_TOKENS['CAREGIVER']}"}
CLIENT1 = {"Authorization": f"bearer {TEST_TOKENS['CLIENT']}"}

Probe = Callable[[RunningSandbox, httpx.Client], bool]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(exp_in: int = 600) -> dict[str, Any]:
    return {
        "exp": int(time.time()) + exp_in,
        "user_name": "laleh@optt.ca",
        "authorities": ["CLINIC"],
        "jti": str(uuid.uuid4()),
        "client_id": "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d",
        "scope": ["read", "write"],
    }


def _new_client(http: httpx.Client, **extra: Any) -> httpx.Response:
    return http.post(
        "/profile/clinic/client",
        json={"name": "Probe", "email": f"p-{uuid.uuid4().hex[:8]}@example.com", **extra},
        headers=CLINIC1,
    )


def _session(http: httpx.Client, date: str = "2020/01/06") -> dict[str, Any]:
    created: dict[str, Any] = http.post(
        "/profile/caregiver/session",
        json={"clientId": 1, "title": "P", "date": date, "time": "09:00"},
        headers=CAREGIVER1,
    ).json()[0]
    return created


def _bearer_get(http: httpx.Client, token: str) -> int:
    return http.get("/profile/clinic/client", headers={"Authorization": f"Bearer {token}"}).status_code


def _token_call(
    sb: RunningSandbox, http: httpx.Client, data: dict[str, str], secret: str | None = None
) -> httpx.Response:
    headers = sb.basic() if secret is None else sb.basic(secret=secret)
    return http.post("/uaa/oauth/token", data=data, headers=headers)


def _login(sb: RunningSandbox, http: httpx.Client) -> httpx.Response:
    return _token_call(sb, http, {"grant_type": "password", "username": "laleh@optt.ca", "password": "test-password"})


def _tampered(sb: RunningSandbox, http: httpx.Client) -> bool:
    header, _, signature = _login(sb, http).json()["access_token"].split(".")
    claims = {**_claims(), "user_name": "clinic2@sandbox.optt.local"}
    return _bearer_get(http, f"{header}.{_b64(json.dumps(claims).encode())}.{signature}") == 200


def _alg_none(sb: RunningSandbox, http: httpx.Client) -> bool:
    header = _b64(b'{"alg":"none","typ":"JWT"}')
    return _bearer_get(http, f"{header}.{_b64(json.dumps(_claims()).encode())}.") == 200


def _hs256(sb: RunningSandbox, http: httpx.Client) -> bool:
    pem = http.get("/uaa/oauth/token_key").json()["value"]
    header = _b64(b'{"alg":"HS256","typ":"JWT"}')
    signing_input = f"{header}.{_b64(json.dumps(_claims()).encode())}"
    signature = _b64(hmac.new(pem.encode(), signing_input.encode(), hashlib.sha256).digest())
    return _bearer_get(http, f"{signing_input}.{signature}") == 200


def _expired(sb: RunningSandbox, http: httpx.Client) -> bool:
    key = sb.app.state.sandbox.services.tokens.key.private_key
    return _bearer_get(http, jwt.encode(_claims(exp_in=-120), key, algorithm="RS256")) == 200


def _refresh_twice(sb: RunningSandbox, http: httpx.Client) -> bool:
    refresh = _login(sb, http).json()["refresh_token"]
    data = {"grant_type": "refresh_token", "refresh_token": refresh}
    return _token_call(sb, http, data).status_code == 200 and _token_call(sb, http, data).status_code == 200


def _prefix_token(sb: RunningSandbox, http: httpx.Client) -> bool:
    token = TEST_TOKENS["CLINIC"]
    changed = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    return _bearer_get(http, changed) == 200


def _cross_tenant(sb: RunningSandbox, http: httpx.Client) -> bool:
    return http.get("/profile/clinic/client/1", headers=sb.bearer("clinic2@sandbox.optt.local")).status_code == 200


def _lost(sb: RunningSandbox, http: httpx.Client) -> bool:
    created = _new_client(http).json()
    return http.get(f"/profile/clinic/client/{created['id']}", headers=CLINIC1).status_code == 404


def _close_lost(sb: RunningSandbox, http: httpx.Client) -> bool:
    session = _session(http)
    http.put(f"/profile/caregiver/session/{session['id']}/close", headers=CAREGIVER1)
    detail = http.get(f"/profile/caregiver/session/{session['id']}", headers=CAREGIVER1).json()
    return bool(detail["session"]["status"] != "CLOSED")


def _assign_closed(sb: RunningSandbox, http: httpx.Client) -> bool:
    session = _session(http)
    http.put(f"/profile/caregiver/session/{session['id']}/close", headers=CAREGIVER1)
    body = {"sessionId": session["id"], "bookIds": [1], "startDate": "2020/01/06", "endDate": "2020/01/07"}
    return http.put("/profile/caregiver/session/assignment", json=body, headers=CAREGIVER1).status_code == 200


def _cross_caregiver(sb: RunningSandbox, http: httpx.Client) -> bool:
    session = _session(http)
    other = sb.bearer("caregiver2@sandbox.optt.local")
    return http.get(f"/profile/caregiver/session/{session['id']}", headers=other).status_code == 200


def _update_lost(sb: RunningSandbox, http: httpx.Client) -> bool:
    created = _new_client(http).json()
    http.put(f"/profile/clinic/client/{created['id']}", json={"name": "Renamed"}, headers=CLINIC1)
    return bool(http.get(f"/profile/clinic/client/{created['id']}", headers=CLINIC1).json()["name"] != "Renamed")


def _duplicate(sb: RunningSandbox, http: httpx.Client) -> bool:
    email = f"d-{uuid.uuid4().hex[:8]}@example.com"
    first = http.post("/profile/clinic/client", json={"name": "A", "email": email}, headers=CLINIC1)
    second = http.post("/profile/clinic/client", json={"name": "B", "email": email}, headers=CLINIC1)
    return first.status_code == second.status_code == 200


PROBES: dict[str, Probe] = {
    "client_drops_required_field": lambda sb, http: (
        "email" not in http.get(f"/profile/clinic/client/{_new_client(http).json()['id']}", headers=CLINIC1).json()
    ),
    "create_client_wrong_status": lambda sb, http: _new_client(http).status_code == 201,
    "wrong_content_type": lambda sb, http: (
        http.get("/profile/book", headers=CLINIC1).headers["content-type"].startswith("text/plain")
    ),
    "caregiver_role_check_skipped": lambda sb, http: (
        http.post(
            "/profile/clinic/caregiver",
            json={"name": "X", "email": f"x-{uuid.uuid4().hex[:8]}@example.com"},
            headers=CLIENT1,
        ).status_code
        == 200
    ),
    "expired_token_accepted": _expired,
    "cross_tenant_client_read": _cross_tenant,
    "created_client_lost": _lost,
    "server_error_on_long_name": lambda sb, http: _new_client(http, name="n" * 100).status_code == 500,
    "enum_out_of_spec": lambda sb, http: _session(http)["status"] == "ACTIVE",
    "date_wrong_format": lambda sb, http: "-" in _session(http)["endDate"],
    "token_missing_cache_control": lambda sb, http: "cache-control" not in _login(sb, http).headers,
    "token_wrong_error_code": lambda sb, http: (
        _token_call(sb, http, {"grant_type": "password", "username": "laleh@optt.ca", "password": "wrong"}).json()[
            "error"
        ]
        != "invalid_grant"
    ),
    "refresh_token_not_rotated": _refresh_twice,
    "tampered_token_accepted": _tampered,
    "alg_none_accepted": _alg_none,
    "hs256_public_key_accepted": _hs256,
    "secret_echoed": lambda sb, http: (
        "echo-me-789" in _token_call(sb, http, {"grant_type": "password"}, secret="echo-me-789").text
    ),
    "list_total_wrong": lambda sb, http: http.get("/profile/book", headers=CLINIC1).json()["totalElements"] != 10,
    "missing_request_id": lambda sb, http: "x-request-id" not in http.get("/profile/book", headers=CLINIC1).headers,
    "validation_skipped": lambda sb, http: (
        http.post(
            "/profile/clinic/client",
            json={"name": "V", "email": f"not-an-email-{uuid.uuid4().hex[:6]}"},
            headers=CLINIC1,
        ).status_code
        == 200
    ),
    "close_not_persisted": _close_lost,
    "assignment_on_closed_session_allowed": _assign_closed,
    "test_token_prefix_accepted": _prefix_token,
    "unknown_path_500": lambda sb, http: http.get("/profile/nowhere").status_code == 500,
    "method_not_allowed_without_allow": lambda sb, http: (
        "allow" not in http.delete("/profile/book", headers=CLINIC1).headers
    ),
    "duplicate_email_allowed": _duplicate,
    "expires_in_string": lambda sb, http: isinstance(_login(sb, http).json()["expires_in"], str),
    "session_cross_caregiver_read": _cross_caregiver,
    "www_authenticate_missing": lambda sb, http: "www-authenticate" not in http.get("/profile/book").headers,
    "error_body_wrong_shape": lambda sb, http: (
        "status" not in http.get("/profile/clinic/client/99999", headers=CLINIC1).json()
    ),
    "update_not_persisted": _update_lost,
    "page_size_ignored": lambda sb, http: (
        len(http.get("/profile/book", params={"size": 2}, headers=CLINIC1).json()["content"]) > 2
    ),
}


def test_every_fault_has_a_probe_and_there_are_enough() -> None:
    assert set(PROBES) == set(FAULTS)
    assert len(FAULTS) >= 22


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_breaks_the_contract_when_on(fresh_sandbox: Callable[..., RunningSandbox], name: str) -> None:
    running = fresh_sandbox(faults=frozenset({name}), validate_responses=False)
    with running.client() as http:
        assert PROBES[name](running, http), f"fault {name} had no visible effect"


@pytest.mark.parametrize("name", sorted(FAULTS))
def test_fault_is_off_by_default(sandbox: RunningSandbox, name: str) -> None:
    with sandbox.client() as http:
        assert not PROBES[name](sandbox, http)


def test_faults_in_test_mode_are_caught_as_contract_violations(fresh_sandbox: Callable[..., RunningSandbox]) -> None:
    running = fresh_sandbox(faults=frozenset({"list_total_wrong", "date_wrong_format"}), validate_responses=True)
    with running.client() as http:
        response = http.post(
            "/profile/caregiver/session",
            json={"clientId": 1, "title": "P", "date": "2020/01/06", "time": "09:00"},
            headers=CAREGIVER1,
        )
    assert response.status_code == 500
    assert "endDate" in response.json()["message"]
    assert running.violations and "createSessionUsingPOST" in running.violations[0]


def test_unknown_fault_names_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UnknownFaultError):
        FaultSet({"no_such_fault"})
    monkeypatch.setenv("OPTT_SANDBOX_FAULTS", "list_total_wrong, missing_request_id")
    settings = settings_from_args(build_parser().parse_args(["--fault", "alg_none_accepted"]))
    assert settings.faults == {"list_total_wrong", "missing_request_id", "alg_none_accepted"}
    monkeypatch.setenv("OPTT_SANDBOX_FAULTS", "bogus")
    with pytest.raises(UnknownFaultError):
        settings_from_args(build_parser().parse_args([]))
