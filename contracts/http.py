"""The dedicated tests' HTTP helper: calls one operation as one caller, with manners and the ledger."""

from __future__ import annotations

from typing import Any

import httpx

from contracts import runtime
from contracts.spec import Operation, operation_by_id

__all__ = ["call", "caller_headers"]

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
    rt.ledger.record(operation_id, response.status_code, caller)
    if response.status_code == 200 and "json" in response.headers.get("content-type", ""):
        rt.note_created(operation_id, response.json())
    return response
