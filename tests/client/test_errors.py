"""Typed errors: each status against the sandbox (429 and 5xx, which it cannot make, with a mock)."""

from __future__ import annotations

import time
import uuid

import httpx
import pytest
from optt_client.api.clinic import create_client_using_post, get_client_using_get, list_clients_using_get
from optt_client.models import ApiError, ClientAccount, ClientCreateRequest, ClientPage

import optt
from optt.errors import error_for_response

from .conftest import CLIENT_TOKEN, CLINIC_TOKEN, EXPIRED, Sandbox


def _email() -> str:
    return f"errors.{uuid.uuid4().hex[:12]}@example.com"


@pytest.fixture
def clinic(sandbox: Sandbox) -> optt.OpttClient:
    return sandbox.connect(token=CLINIC_TOKEN)


def test_400_is_a_validation_error_with_field_errors(clinic: optt.OpttClient) -> None:
    response = create_client_using_post.sync_detailed(
        client=clinic, body=ClientCreateRequest(name="Bad Mail", email="not-an-email")
    )
    assert isinstance(response.parsed, ApiError)  # the generated function is unchanged
    with pytest.raises(optt.ValidationError) as caught:
        optt.raise_for_status(response)
    error = caught.value
    assert error.status == 400
    assert [f.field for f in error.field_errors] == ["email"]
    assert error.field_errors[0].message
    assert error.request_id
    assert error.body["status"] == 400
    assert error.request_id in str(error)


def test_401_is_an_authentication_error(sandbox: Sandbox) -> None:
    with sandbox.connect(token=CLINIC_TOKEN[:-4] + "AAAA") as client, pytest.raises(optt.AuthenticationError) as caught:
        optt.call(list_clients_using_get.sync_detailed, client=client)
    assert caught.value.status == 401
    assert caught.value.request_id


def test_403_is_permission_denied(sandbox: Sandbox) -> None:
    with sandbox.connect(token=CLIENT_TOKEN) as client, pytest.raises(optt.PermissionDenied) as caught:
        optt.call(list_clients_using_get.sync_detailed, client=client)
    assert caught.value.status == 403


def test_404_is_not_found(clinic: optt.OpttClient) -> None:
    with pytest.raises(optt.NotFound) as caught:
        optt.call(get_client_using_get.sync_detailed, 987654321, client=clinic)
    assert caught.value.status == 404
    assert caught.value.body["path"].endswith("/profile/clinic/client/987654321")


def test_409_is_a_conflict(clinic: optt.OpttClient) -> None:
    body = ClientCreateRequest(name="Twice", email=_email())
    optt.call(create_client_using_post.sync_detailed, client=clinic, body=body)
    with pytest.raises(optt.Conflict) as caught:
        optt.call(create_client_using_post.sync_detailed, client=clinic, body=body)
    assert caught.value.status == 409


def test_every_typed_error_is_an_optt_error() -> None:
    for cls in (
        optt.AuthenticationError,
        optt.PermissionDenied,
        optt.NotFound,
        optt.Conflict,
        optt.ValidationError,
        optt.RateLimited,
        optt.ServerError,
        optt.TokenError,
    ):
        assert issubclass(cls, optt.OpttError)


def test_call_returns_the_parsed_body(clinic: optt.OpttClient) -> None:
    created = optt.call(
        create_client_using_post.sync_detailed, client=clinic, body=ClientCreateRequest(name="Ok", email=_email())
    )
    assert isinstance(created, ClientAccount)
    again = optt.call(get_client_using_get.sync_detailed, created.id, client=clinic)
    assert again.email == created.email


@pytest.mark.anyio
async def test_acall_raises_and_returns_the_same_way(sandbox: Sandbox) -> None:
    async with sandbox.connect(token=CLINIC_TOKEN) as client:
        page = await optt.acall(list_clients_using_get.asyncio_detailed, client=client, size=1)
        assert isinstance(page, ClientPage)
        with pytest.raises(optt.NotFound):
            await optt.acall(get_client_using_get.asyncio_detailed, 987654321, client=client)


def test_raise_errors_makes_the_generated_functions_raise(sandbox: Sandbox) -> None:
    with sandbox.connect(token=CLINIC_TOKEN, raise_errors=True) as client:
        assert isinstance(list_clients_using_get.sync(client=client, size=1), ClientPage)
        with pytest.raises(optt.NotFound):
            get_client_using_get.sync(987654321, client=client)


@pytest.mark.anyio
async def test_raise_errors_works_for_async_too(sandbox: Sandbox) -> None:
    async with sandbox.connect(token=CLINIC_TOKEN, raise_errors=True) as client:
        with pytest.raises(optt.NotFound):
            await get_client_using_get.asyncio(987654321, client=client)


def test_raise_errors_still_refreshes_after_a_401(short_lived_sandbox: Sandbox) -> None:
    # The check runs after the auth flow, so a 401 that a refresh cures never raises.
    with short_lived_sandbox.connect(raise_errors=True, leeway=-1000.0) as client:
        assert isinstance(list_clients_using_get.sync(client=client, size=1), ClientPage)
        time.sleep(EXPIRED)
        assert isinstance(list_clients_using_get.sync(client=client, size=1), ClientPage)


def _mock_client(status: int, headers: dict[str, str] | None = None, body: object = None) -> optt.OpttClient:
    def handler(request: httpx.Request) -> httpx.Response:
        payload = body or {
            "timestamp": "2026-12-04T15:30:00Z",
            "status": status,
            "error": httpx.codes.get_reason_phrase(status),
            "message": "from the mock",
            "path": request.url.path,
        }
        return httpx.Response(status, json=payload, headers={"X-Request-Id": "req-1", **(headers or {})})

    return optt.connect(
        base_url="http://optt.test/gateway",
        token="t",
        env={},
        transport=httpx.MockTransport(handler),
        retry=optt.RetryPolicy.disabled(),
    )


def test_429_is_rate_limited_with_retry_after() -> None:
    with _mock_client(429, {"Retry-After": "17"}) as client, pytest.raises(optt.RateLimited) as caught:
        optt.call(list_clients_using_get.sync_detailed, client=client)
    assert caught.value.retry_after == 17.0
    assert caught.value.request_id == "req-1"


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_is_a_server_error(status: int) -> None:
    with _mock_client(status) as client, pytest.raises(optt.ServerError) as caught:
        optt.call(list_clients_using_get.sync_detailed, client=client)
    assert caught.value.status == status
    assert "from the mock" in str(caught.value)


def test_other_4xx_is_a_plain_optt_error() -> None:
    response = httpx.Response(405, json={"status": 405, "error": "Method Not Allowed", "message": "no"})
    error = error_for_response(response)
    assert type(error) is optt.OpttError
    assert error is not None and error.status == 405


def test_raise_for_status_passes_successes_through() -> None:
    response = httpx.Response(200, json={})
    assert optt.raise_for_status(response) is response


def test_an_error_without_a_json_body_still_maps() -> None:
    error = error_for_response(httpx.Response(502, text="<html>bad gateway</html>"))
    assert isinstance(error, optt.ServerError)
    assert str(error) == "502 Bad Gateway"


def test_token_endpoint_errors_are_token_errors() -> None:
    response = httpx.Response(400, json={"error": "invalid_grant", "error_description": "Bad credentials"})
    error = error_for_response(response)
    assert isinstance(error, optt.TokenError)
    assert error.error == "invalid_grant"
    assert str(error) == "400 invalid_grant: Bad credentials"
