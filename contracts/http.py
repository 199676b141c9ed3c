"""The dedicated tests' HTTP helper: calls one operation as one caller, with manners and the ledger."""

from __future__ import annotations

from typing import Any

import httpx
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contracts import runtime
from contracts.checks import OPTT_CHECKS
from contracts.spec import Operation, operation_by_id

__all__ = ["VALIDATION_CHECKS", "call", "caller_headers", "raw_get"]

# Every response of a dedicated test is held to the contract too: the built-in response checks
# plus the OPTT ones.
VALIDATION_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    *OPTT_CHECKS,
]

_client: httpx.Client | None = None


def _http() -> httpx.Client:
    global _client
    if _client is None:
        _client = httpx.Client(timeout=30.0)
    return _client


def caller_headers(caller: str) -> dict[str, str]:
    """The Authorization header a caller sends: a role's token, Basic, or a deliberately bad token."""
    tokens = runtime.current().tokens
    if caller == "none":
        return {}
    if caller == "basic":
        return {"Authorization": tokens.basic_header()}
    if caller == "expired":
        token = tokens.expired_token()
        if token is None:
            raise LookupError("no expired token available")
        return {"Authorization": f"Bearer {token}"}
    if caller == "tampered":
        return {"Authorization": f"Bearer {tokens.tampered_token()}"}
    return {"Authorization": f"Bearer {tokens.token(caller)}"}


def call(
    operation_id: str,
    caller: str,
    *,
    path_params: dict[str, Any] | None = None,
    query: dict[str, Any] | None = None,
    json: Any = None,
    data: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    validate: bool = True,
) -> httpx.Response:
    """Send one request to an operation and record its status in the ledger under ``caller``."""
    rt = runtime.current()
    op: Operation = operation_by_id(operation_id)
    path = op.path
    for name, value in (path_params or {}).items():
        path = path.replace("{" + name + "}", str(value))
    sent_headers = {**caller_headers(caller), **(headers or {})}
    rt.politeness.before_request(op.method, op.security == "basic")
    response = _http().request(
        op.method.upper(),
        f"{rt.target.base_url}{path}",
        params=query,
        json=json,
        data=data,
        headers=sent_headers,
    )
    # Recorded under who the Authorization header really names (a wrong Basic is "bad-basic").
    rt.ledger.record(operation_id, response.status_code, rt.tokens.caller_of(sent_headers.get("Authorization")))
    if validate:
        _validate(op, response, path_params, query, json if json is not None else data, sent_headers)
    if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
        rt.note_created(operation_id, response.json())
    return response


def _validate(
    op: Operation,
    response: httpx.Response,
    path_params: dict[str, Any] | None,
    query: dict[str, Any] | None,
    body: Any,
    headers: dict[str, str],
) -> None:
    """Raise schemathesis' failure group when the response breaks the contract."""
    from contracts.schema import shared_schema

    __tracebackhide__ = True
    operation = shared_schema().find_operation_by_label(op.label)
    assert operation is not None, op.label
    kwargs: dict[str, Any] = {"path_parameters": path_params, "query": query, "headers": headers}
    if body is not None:
        kwargs["body"] = body
    case = operation.Case(**kwargs)
    case.validate_response(response, checks=VALIDATION_CHECKS)


def raw_get(path: str, caller: str) -> httpx.Response:
    """GET a path that is not an operation of the spec (for the unknown-path rule); not in the ledger."""
    rt = runtime.current()
    rt.politeness.before_request("GET", False)
    return _http().get(f"{rt.target.base_url}{path}", headers=caller_headers(caller))
