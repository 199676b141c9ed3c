"""connect(): what the built client carries (timeouts, retries under the auth flow, httpx_args)."""

from __future__ import annotations

import httpx
import pytest
from optt_client import AuthenticatedClient
from optt_client.api.clinic import create_client_using_post, list_clients_using_get
from optt_client.api.library import list_books_using_get
from optt_client.models import BookPage, ClientCreateRequest

import optt

from .conftest import CLINIC_TOKEN, Sandbox

ACCOUNT = {
    "id": 3,
    "name": "n",
    "email": "n@example.com",
    "mobile": None,
    "language": "EN",
    "status": "ACTIVE",
    "clinicId": 1,
    "externalClientId": None,
    "caregiverList": [],
    "fromCpm": False,
    "imageExtension": None,
}
PAGE = {"content": [], "page": 0, "size": 50, "totalElements": 0, "totalPages": 0}


def _scripted(*statuses: int) -> tuple[httpx.MockTransport, list[str]]:
    queue = list(statuses)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.headers.get('authorization', '')}")
        status = queue.pop(0) if len(queue) > 1 else queue[0]
        headers = {"Retry-After": "0"} if status in (429, 503) else {}
        body = (ACCOUNT if request.method == "POST" else PAGE) if status == 200 else {}
        return httpx.Response(status, json=body, headers=headers)

    return httpx.MockTransport(handler), seen


def test_connect_returns_the_generated_authenticated_client(sandbox: Sandbox) -> None:
    with sandbox.connect(token=CLINIC_TOKEN) as client:
        assert isinstance(client, AuthenticatedClient)
        assert isinstance(list_books_using_get.sync(client=client), BookPage)


def test_timeouts_are_on_by_default(sandbox: Sandbox) -> None:
    with sandbox.connect(token=CLINIC_TOKEN) as client:
        timeout = client.get_httpx_client().timeout
        assert (timeout.connect, timeout.read) == (5.0, 10.0)
        assert client.get_async_httpx_client().timeout == timeout


def test_idempotent_calls_are_retried_through_connect() -> None:
    transport, seen = _scripted(503, 502, 200)
    client = optt.connect(base_url="http://optt.test/gateway", token="tok", env={}, transport=transport)
    with client:
        assert list_clients_using_get.sync_detailed(client=client).status_code == 200
    assert seen == ["GET Bearer tok"] * 3


def test_post_is_not_retried_through_connect_unless_opted_in() -> None:
    body = ClientCreateRequest(name="n", email="n@example.com")
    transport, seen = _scripted(503, 200)
    with optt.connect(base_url="http://optt.test/gateway", token="t", env={}, transport=transport) as client:
        assert create_client_using_post.sync_detailed(client=client, body=body).status_code == 503
    assert len(seen) == 1
    transport, seen = _scripted(503, 200)
    policy = optt.RetryPolicy(retry_non_idempotent=True)
    with optt.connect(base_url="http://optt.test/gateway", token="t", env={}, transport=transport, retry=policy) as c:
        assert create_client_using_post.sync_detailed(client=c, body=body).status_code == 200
    assert len(seen) == 2


@pytest.mark.anyio
async def test_async_calls_are_retried_through_connect() -> None:
    transport, seen = _scripted(429, 200)
    async with optt.connect(base_url="http://optt.test/gateway", token="t", env={}, transport=transport) as client:
        response = await list_clients_using_get.asyncio_detailed(client=client)
    assert response.status_code == 200
    assert len(seen) == 2


def _sent_tokens() -> tuple[list[str], dict[str, object]]:
    sent: list[str] = []

    def hook(request: httpx.Request) -> None:
        sent.append(request.headers["authorization"].removeprefix("Bearer "))

    return sent, {"event_hooks": {"request": [hook]}}


def test_settings_and_keyword_overrides(sandbox: Sandbox) -> None:
    settings = optt.Settings(base_url=sandbox.base_url, token="from-settings")
    sent, hooks = _sent_tokens()
    with optt.connect(settings, token=CLINIC_TOKEN, httpx_args=hooks) as client:
        assert list_clients_using_get.sync_detailed(client=client).status_code == 200
        assert client.settings is not None and client.settings.base_url == sandbox.base_url
    assert sent == [CLINIC_TOKEN]


def test_the_environment_is_read(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPTT_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("OPTT_TOKEN", CLINIC_TOKEN)
    monkeypatch.delenv("OPTT_USERNAME", raising=False)
    sent, hooks = _sent_tokens()
    with optt.connect(httpx_args=hooks) as client:
        assert list_clients_using_get.sync_detailed(client=client).status_code == 200
    assert sent == [CLINIC_TOKEN]


def test_the_password_grant_needs_a_client_secret() -> None:
    with pytest.raises(ValueError, match="client secret"):
        optt.connect(username="u", password="p", env={})


def test_username_and_password_win_over_a_fixed_token() -> None:
    client = optt.connect(username="u", password="p", client_secret="s", token="t", env={})
    assert isinstance(client.auth, optt.OAuth2PasswordAuth)


def test_httpx_args_reach_both_clients(sandbox: Sandbox) -> None:
    limits = httpx.Limits(max_connections=3)
    with sandbox.connect(token=CLINIC_TOKEN, httpx_args={"headers": {"X-Extra": "1"}, "limits": limits}) as client:
        assert client.get_httpx_client().headers["x-extra"] == "1"
        assert client.get_async_httpx_client().headers["x-extra"] == "1"
        # Connection arguments reach the transports under the retry layer (httpx would ignore them).
        retry = client.get_httpx_client()._transport
        assert isinstance(retry, optt.RetryTransport)
        assert retry.transport._pool._max_connections == 3  # type: ignore[attr-defined]
        assert retry.async_transport._pool._max_connections == 3  # type: ignore[attr-defined]
        assert list_books_using_get.sync_detailed(client=client).status_code == 200
