"""OPTT-specific schemathesis checks, run on every response next to the built-in ones.

Each check is a plain function ``(ctx, response, case)`` registered with ``@schemathesis.check``;
it raises ``AssertionError`` with a message that names the rule. Importing this module registers
them globally, so the stateless tests and the state machine both run them.
"""

from __future__ import annotations

import base64
import itertools
import math
import time
from typing import Any
from urllib.parse import parse_qsl, unquote, unquote_plus, urlsplit

import schemathesis
from schemathesis import Case, CheckContext, Response

from contracts import runtime
from contracts.spec import ROLES, operations
from contracts.tokens import decode_jwt_unverified

__all__ = [
    "OPTT_CHECKS",
    "assert_token_claims",
    "authorization_follows_roles",
    "error_body_matches_response",
    "no_secret_echoed",
    "pages_are_consistent",
    "request_id_present",
    "tenant_scoped_bodies",
    "token_endpoint_rfc6749",
    "writes_echo_the_request",
]

_OPS = {op.label: op for op in operations()}
TOKEN_OPERATIONS = {"issueToken", "issueTokenLive"}
# The second clinic's users hold the same roles as the first's.
ROLE_OF_CALLER = {"OTHER_CLINIC": "CLINIC", "OTHER_CAREGIVER": "CAREGIVER"}
USER_TOKEN_OPERATIONS = {"getTokenByGoogleUsingPOST", "instituteSsoUsingPOST"}


def _op_id(case: Case) -> str:
    return _OPS[case.operation.label].operation_id


def _is_probe(case: Case) -> bool:
    """schemathesis' unsupported-method probes (TRACE, DELETE...) are judged by its own checks."""
    return case.method.lower() != _OPS[case.operation.label].method


def _printable(text: str) -> str:
    """Servers drop control characters (a %0A in a path segment) before they echo a path."""
    return "".join(char for char in text if char.isprintable())


def _header(response: Response, name: str) -> str | None:
    values = response.headers.get(name.lower())
    return values[0] if values else None


def _json(response: Response) -> Any:
    try:
        return response.json()
    except Exception:
        return None


def _caller(response: Response) -> str:
    authorization = response.request.headers.get("Authorization")
    return runtime.current().tokens.caller_of(authorization)


def _token_params(case: Case) -> dict[str, str]:
    """The token request's parameters from the query string and the form body, as sent."""
    params: dict[str, str] = {}
    for source in (case.query, case.body):
        if isinstance(source, dict):
            params.update({str(k): v for k, v in source.items() if isinstance(v, str)})
    return params


@schemathesis.check
def request_id_present(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every response carries a non-empty ``X-Request-Id`` (the spec promises it in its description)."""
    value = _header(response, "X-Request-Id")
    assert value and 1 <= len(value) <= 64, "Missing or malformed X-Request-Id header"
    return True


@schemathesis.check
def error_body_matches_response(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A Spring error body repeats the HTTP status and the request's path."""
    if _is_probe(case):
        return None
    body = _json(response)
    if response.status_code < 400 or not isinstance(body, dict) or "timestamp" not in body:
        return None
    assert body.get("status") == response.status_code, (
        f"Error body status {body.get('status')!r} differs from the HTTP status {response.status_code}"
    )
    sent_path = _printable(unquote(urlsplit(str(response.request.url)).path))
    echoed = _printable(unquote(str(body.get("path"))))
    assert echoed == sent_path, f"Error body path {body.get('path')!r} is not the request path"
    if response.status_code == 400:
        assert body.get("errors"), "A 400 error body must list the bad fields in `errors`"
    return True


def _client_credentials_ok(op_id: str, case: Case) -> bool:
    """The identity-provider operations also carry the organisation's client credentials; wrong ones are 401."""
    target = runtime.current().target
    if op_id == "getTokenByGoogleUsingPOST":
        query = case.query if isinstance(case.query, dict) else {}
        return query.get("client_id") == target.client_id and query.get("client_secret") == target.client_secret
    if op_id == "instituteSsoUsingPOST":
        return isinstance(case.body, dict) and case.body.get("apiKey") == target.client_id
    return True


@schemathesis.check
def authorization_follows_roles(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A bearer operation answers by the caller's role: 401 without a valid token, 403 for another role."""
    if _is_probe(case):
        return None
    op = _OPS[case.operation.label]
    caller = _caller(response)
    status = response.status_code
    if op.security == "none":
        assert status not in (401, 403), f"Public operation answered {status}"
        return True
    if op.security == "basic":
        if caller != "basic":
            assert status == 401, f"Token endpoint without valid client credentials answered {status}"
        return True
    role = ROLE_OF_CALLER.get(caller, caller)
    if role in ROLES:
        if role in op.roles:
            if _client_credentials_ok(op.operation_id, case):
                assert status not in (401, 403), f"{caller} may call {op.operation_id} but got {status}"
            else:
                assert status != 403, f"{caller} may call {op.operation_id} but got 403"
        else:
            assert status == 403, f"{caller} may not call {op.operation_id} but got {status}"
    else:
        assert status == 401, f"Request without a valid bearer token ({caller}) answered {status}"
    return True


@schemathesis.check
def no_secret_echoed(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """No response repeats the client secret, a password, or a token other than the ones it issues."""
    rt = runtime.current()
    text = response.text_lossy() if hasattr(response, "text_lossy") else response.text
    headers = " ".join(v for values in response.headers.values() for v in values)
    haystack = f"{text}\n{headers}"
    issued: set[str] = set()
    body = _json(response)
    if isinstance(body, dict):
        issued = {v for k, v in body.items() if k in ("access_token", "refresh_token") and isinstance(v, str)}
    secrets: dict[str, str] = {"client secret": rt.target.client_secret}
    for role, creds in rt.target.users.items():
        if creds.password:
            secrets[f"{role} password"] = creds.password
    authorization = response.request.headers.get("Authorization", "")
    if authorization.lower().startswith("bearer "):
        secrets["the caller's bearer token"] = authorization[7:]
    if authorization.lower().startswith("basic "):
        try:
            sent_secret = base64.b64decode(authorization[6:]).decode().partition(":")[2]
        except ValueError:
            sent_secret = ""
        secrets["the client secret sent"] = unquote_plus(sent_secret)
    # What the request itself sent as a secret must not come back either (long enough to be meaningful).
    for name, value in _token_params(case).items():
        if name in ("password", "client_secret", "refresh_token") and len(value) >= 8:
            secrets[f"the request's {name}"] = value
    for what, secret in secrets.items():
        if secret and secret not in issued and len(secret) >= 4:
            assert secret not in haystack, f"The response echoes {what}"
    return True


def assert_token_claims(body: dict[str, Any], op_id: str) -> None:
    access = decode_jwt_unverified(body["access_token"])
    for claim in ("exp", "user_name", "authorities", "jti", "client_id", "scope"):
        assert claim in access, f"Access token lacks the `{claim}` claim"
    assert isinstance(access["authorities"], list) and access["authorities"], "`authorities` must be a list"
    assert set(access["authorities"]) <= set(ROLES), f"Unknown authorities {access['authorities']}"
    assert isinstance(access["scope"], list), "The `scope` claim must be a list"
    assert access["jti"] == body["jti"], "The body's `jti` differs from the access token's"
    remaining = access["exp"] - time.time()
    assert remaining > 0, "The access token is already expired"
    assert abs(remaining - body["expires_in"]) <= 60, "`expires_in` disagrees with the token's `exp`"
    assert " ".join(access["scope"]) == body["scope"] or set(access["scope"]) == set(body["scope"].split()), (
        "The body's `scope` differs from the token's"
    )
    refresh = decode_jwt_unverified(body["refresh_token"])
    assert refresh.get("ati") == access["jti"], "The refresh token's `ati` is not the access token's `jti`"
    if op_id in TOKEN_OPERATIONS:
        assert access["client_id"] == runtime.current().target.client_id, "Token issued to another client"


def _expected_token_error(case: Case, caller: str) -> tuple[int, set[str]] | None:
    """What RFC 6749 (section 5.2) makes the token endpoint answer, where the situation is unambiguous."""
    if caller != "basic":
        return 401, {"invalid_client"}
    if isinstance(case.query, dict) and isinstance(case.body, dict) and set(case.query) & set(case.body):
        return 400, {"invalid_request"}
    params = _token_params(case)
    grant = params.get("grant_type")
    if grant is None:
        return 400, {"invalid_request"}
    if not grant:
        # Spring reads an empty grant_type as missing (invalid_request); the sandbox calls it unsupported.
        return 400, {"invalid_request", "unsupported_grant_type"}
    if grant not in ("password", "refresh_token"):
        return 400, {"unsupported_grant_type", "invalid_request"}
    if grant == "password":
        known = {c.username: c.password for c in runtime.current().target.users.values() if c.username}
        username, password = params.get("username"), params.get("password")
        if not username or not password:
            return 400, {"invalid_request", "invalid_grant"}
        if known.get(username) != password:
            return 400, {"invalid_grant", "invalid_scope", "invalid_request"}
    if grant == "refresh_token" and not params.get("refresh_token"):
        return 400, {"invalid_request", "invalid_grant"}
    return None


@schemathesis.check
def token_endpoint_rfc6749(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Token responses: no-store caching, RFC 6749 error codes per situation, JWT claims shape."""
    if _is_probe(case):
        return None
    op_id = _op_id(case)
    if op_id not in TOKEN_OPERATIONS | USER_TOKEN_OPERATIONS:
        return None
    body = _json(response)
    if op_id in TOKEN_OPERATIONS:
        assert _header(response, "Cache-Control") == "no-store", "Token endpoint answers must not be cached"
        expected = _expected_token_error(case, _caller(response))
        if expected is not None:
            status, codes = expected
            assert response.status_code == status, f"Expected {status} {sorted(codes)}, got {response.status_code}"
            assert isinstance(body, dict) and body.get("error") in codes, (
                f"Expected error in {sorted(codes)}, got {body.get('error') if isinstance(body, dict) else body!r}"
            )
        if response.status_code == 401:
            assert _header(response, "WWW-Authenticate"), "401 without WWW-Authenticate"
    if response.status_code == 200 and isinstance(body, dict) and "access_token" in body:
        assert body.get("token_type") == "bearer", "token_type must be `bearer`"
        assert_token_claims(body, op_id)
    return True


def _caller_clinic(caller: str) -> int | None:
    from contracts.discovery import known

    return known().clinic_ids.get(caller)


def _items_with_clinic(body: Any) -> list[dict[str, Any]]:
    if isinstance(body, list):
        return [item for item in body if isinstance(item, dict)]
    if isinstance(body, dict):
        if isinstance(body.get("content"), list):
            return [item for item in body["content"] if isinstance(item, dict)]
        if isinstance(body.get("session"), dict):
            return [body["session"]]
        return [body]
    return []


@schemathesis.check
def tenant_scoped_bodies(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Everything a clinic's user receives belongs to that clinic."""
    if _is_probe(case):
        return None
    if response.status_code != 200:
        return None
    clinic = _caller_clinic(_caller(response))
    if clinic is None:
        return None
    for item in _items_with_clinic(_json(response)):
        if "clinicId" in item:
            assert item["clinicId"] == clinic, f"Caller of clinic {clinic} received data of clinic {item['clinicId']}"
    return True


@schemathesis.check
def pages_are_consistent(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A page answers the requested page and size, and its totals add up."""
    if _is_probe(case):
        return None
    body = _json(response)
    if response.status_code != 200 or not isinstance(body, dict) or "totalPages" not in body:
        return None
    query = dict(parse_qsl(urlsplit(str(response.request.url)).query))
    try:
        page = int(query.get("page", 0))
        size = int(query.get("size", 50))
    except ValueError:
        return None
    content, total = body.get("content"), body.get("totalElements")
    if not isinstance(content, list) or not isinstance(total, int):
        return None
    assert body.get("page") == page, f"Asked for page {page}, got {body.get('page')}"
    assert body.get("size") == size, f"Asked for size {size}, got {body.get('size')}"
    assert len(content) <= size, f"{len(content)} items on a page of size {size}"
    assert body.get("totalPages") == math.ceil(total / size), "totalPages does not match totalElements / size"
    expected_items = max(0, min(size, total - page * size))
    assert len(content) == expected_items, f"Expected {expected_items} items on page {page}, got {len(content)}"
    return True


# Request fields a write must store and return as sent.
_ECHOED = {
    "createClientUsingPOST": ("name", "email", "mobile", "language", "status", "externalClientId", "fromCpm"),
    "updateClientUsingPUT": ("name", "mobile", "language", "status", "externalClientId"),
    "createCaregiverUsingPOST": ("name", "email", "mobile", "position", "language", "activationStatus"),
    "updateCaregiverUsingPUT": ("name", "mobile", "position", "language", "activationStatus"),
    "updateSessionUsingPUT": ("title", "description", "date", "time", "remindDays"),
    "registerFcmTokenUsingPOST": ("userId",),
}


def _same(field: str, sent: Any, got: Any) -> bool:
    if field in ("email", "userId") and isinstance(sent, str) and isinstance(got, str):
        return sent.lower() == got.lower()
    return bool(sent == got)


@schemathesis.check
def writes_echo_the_request(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """A successful write returns what was written, for the caller's clinic and the targeted resource."""
    if _is_probe(case):
        return None
    if response.status_code != 200:
        return None
    op_id = _op_id(case)
    body = _json(response)
    sent = case.body if isinstance(case.body, dict) else {}
    if op_id in _ECHOED and isinstance(body, dict):
        for field in _ECHOED[op_id]:
            if field in sent and field in body:
                assert _same(field, sent[field], body[field]), f"`{field}` was sent but not stored as sent"
    path_params = {k: str(v) for k, v in (case.path_parameters or {}).items()}
    if op_id in ("getClientUsingGET", "updateClientUsingPUT") and isinstance(body, dict):
        assert str(body.get("id")) == path_params.get("clientId"), "Answered another client than the one asked for"
    if op_id in ("getCaregiverUsingGET", "updateCaregiverUsingPUT") and isinstance(body, dict):
        assert str(body.get("id")) == path_params.get("caregiverId"), "Answered another care provider"
    if op_id in ("updateSessionUsingPUT", "closeSessionUsingPUT") and isinstance(body, dict):
        assert str(body.get("id")) == path_params.get("sessionId"), "Answered another session"
    if op_id == "getSessionUsingGET" and isinstance(body, dict) and isinstance(body.get("session"), dict):
        assert str(body["session"].get("id")) == path_params.get("sessionId"), "Answered another session"
    if op_id == "closeSessionUsingPUT" and isinstance(body, dict):
        assert body.get("status") == "CLOSED", "A closed session must have status CLOSED"
    if op_id == "createSessionUsingPOST" and isinstance(body, list):
        count = sent.get("sessionCount", 1)
        if isinstance(count, int):
            assert len(body) == count, f"Asked for {count} sessions, got {len(body)}"
        for item in body:
            if isinstance(item, dict) and "clientId" in sent:
                assert item.get("clientId") == sent["clientId"], "A session was created for another client"
        if body and isinstance(body[0], dict):
            for field in ("title", "date", "time"):
                if field in sent:
                    assert body[0].get(field) == sent[field], f"The first session's `{field}` is not as sent"
            for earlier, later in itertools.pairwise(body):
                assert later.get("date") == earlier.get("endDate"), "Sessions must chain end date to start date"
    if op_id == "assignHomeworkUsingPUT" and isinstance(body, list):
        book_ids = sent.get("bookIds") if isinstance(sent.get("bookIds"), list) else None
        if book_ids is not None:
            assert sorted(i.get("bookId") for i in body if isinstance(i, dict)) == sorted(book_ids), (
                "One assignment per book was expected"
            )
        for item in body:
            if isinstance(item, dict):
                assert item.get("sessionId") == sent.get("sessionId"), "Homework landed in another session"
    if op_id == "triageUsingPUT" and isinstance(body, dict):
        assert body.get("clinicCode") == path_params.get("clinicCode"), "Triage report for another clinic"
    return True


OPTT_CHECKS = [
    request_id_present,
    error_body_matches_response,
    authorization_follows_roles,
    no_secret_echoed,
    token_endpoint_rfc6749,
    tenant_scoped_bodies,
    pages_are_consistent,
    writes_echo_the_request,
]
