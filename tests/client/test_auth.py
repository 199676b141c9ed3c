"""The auth flows against the real sandbox: login, refresh (proactive, reactive, refused), concurrency."""

from __future__ import annotations

import asyncio
import base64
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import jwt
import pytest
from optt_client.api.clinic import list_clients_using_get
from optt_client.models import ApiError, ClientPage

import optt
from optt.auth import OAuth2PasswordAuth

from .conftest import CLIENT_ID, CLIENT_SECRET, CLINIC_TOKEN, CLINIC_USER, EXPIRED, PASSWORD, SHORT_TTL, Sandbox, Wire


def _list(client: optt.OpttClient) -> int:
    return int(list_clients_using_get.sync_detailed(client=client, size=1).status_code)


def test_logs_in_on_first_use_and_reuses_the_token(sandbox: Sandbox, wire: Wire) -> None:
    with sandbox.connect(httpx_args=wire.hooks()) as client:
        assert wire.grants == []
        page = list_clients_using_get.sync(client=client, size=5)
        assert isinstance(page, ClientPage)
        assert _list(client) == 200
    assert wire.grants == ["password"]
    assert wire.statuses == [200, 200, 200]


def test_token_request_is_a_form_with_basic_client_auth(sandbox: Sandbox) -> None:
    seen: list[httpx.Request] = []
    with sandbox.connect(httpx_args={"event_hooks": {"request": [seen.append]}}) as client:
        _list(client)
    token_request = seen[0]
    assert token_request.method == "POST"
    assert token_request.url == sandbox.token_url
    assert token_request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert token_request.headers["authorization"].startswith("Basic ")
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token_request.headers["authorization"] == f"Basic {expected}"
    form = dict(httpx.QueryParams(token_request.content.decode()))
    assert form == {"grant_type": "password", "username": CLINIC_USER, "password": PASSWORD}
    assert token_request.url.query == b""  # nothing secret in the URL
    assert seen[1].headers["authorization"].startswith("Bearer ey")


def test_access_token_gives_a_current_jwt_for_the_role(sandbox: Sandbox) -> None:
    with sandbox.connect() as client:
        token = client.access_token()
        assert client.access_token() == token
        claims = jwt.decode(token, options={"verify_signature": False})
        assert claims["user_name"] == CLINIC_USER
        assert claims["authorities"] == ["CLINIC"]
        assert isinstance(client.auth, OAuth2PasswordAuth)
        assert client.auth.token_requests == 1


def test_access_token_works_without_a_client(sandbox: Sandbox) -> None:
    auth = OAuth2PasswordAuth(sandbox.token_url, CLIENT_ID, CLIENT_SECRET, "lalehdehnavi.ld@gmail.com", PASSWORD)
    try:
        claims = jwt.decode(auth.access_token(), options={"verify_signature": False})
    finally:
        auth.close()
    assert claims["authorities"] == ["CAREGIVER"]


def test_refreshes_before_expiry(short_lived_sandbox: Sandbox, wire: Wire) -> None:
    # A leeway longer than the lifetime: refresh is due after half of it (1.5 s of 3), before the server
    # would refuse the token (after 2 s at the earliest).
    with short_lived_sandbox.connect(httpx_args=wire.hooks(), leeway=5.0) as client:
        assert _list(client) == 200
        time.sleep(SHORT_TTL / 2 + 0.2)
        assert _list(client) == 200
    assert wire.grants == ["password", "refresh_token"]
    assert 401 not in wire.statuses


def test_refreshes_and_retries_once_after_a_401(short_lived_sandbox: Sandbox, wire: Wire) -> None:
    # A negative leeway turns proactive refresh off, so the expired token reaches the server.
    with short_lived_sandbox.connect(httpx_args=wire.hooks(), leeway=-1000.0) as client:
        assert _list(client) == 200
        time.sleep(EXPIRED)
        assert _list(client) == 200
    assert wire.grants == ["password", "refresh_token"]
    assert wire.statuses == [200, 200, 401, 200, 200]


def test_logs_in_afresh_when_the_refresh_token_is_refused(sandbox: Sandbox, wire: Wire) -> None:
    with sandbox.connect(httpx_args=wire.hooks()) as client:
        assert _list(client) == 200
        auth = client.auth
        assert isinstance(auth, OAuth2PasswordAuth) and auth.token is not None
        # Someone else uses the refresh token first: refresh tokens are single-use, so ours is now refused.
        stolen = auth.token.refresh_token
        assert stolen is not None
        response = httpx.post(
            sandbox.token_url,
            data={"grant_type": "refresh_token", "refresh_token": stolen},
            auth=(CLIENT_ID, CLIENT_SECRET),
        )
        assert response.status_code == 200
        auth.invalidate()
        assert _list(client) == 200
    assert wire.grants == ["password", "refresh_token", "password"]
    assert wire.statuses == [200, 200, 400, 200, 200]


def test_a_bad_password_is_a_token_error(sandbox: Sandbox) -> None:
    with sandbox.connect(password="wrong-password") as client, pytest.raises(optt.TokenError) as caught:
        _list(client)
    assert caught.value.status == 400
    assert caught.value.error == "invalid_grant"
    assert caught.value.request_id


def test_a_bad_client_secret_is_a_token_error(sandbox: Sandbox) -> None:
    with sandbox.connect(client_secret="wrong-secret") as client, pytest.raises(optt.TokenError) as caught:
        _list(client)
    assert caught.value.status == 401
    assert caught.value.error == "invalid_client"


def test_a_fixed_token_is_sent_as_is(sandbox: Sandbox, wire: Wire) -> None:
    with sandbox.connect(token=CLINIC_TOKEN, httpx_args=wire.hooks()) as client:
        assert _list(client) == 200
        assert client.access_token() == CLINIC_TOKEN
    assert wire.grants == []


def test_a_refused_fixed_token_is_not_retried(sandbox: Sandbox, wire: Wire) -> None:
    with sandbox.connect(token=CLINIC_TOKEN[:-4] + "AAAA", httpx_args=wire.hooks()) as client:
        response = list_clients_using_get.sync_detailed(client=client)
    assert response.status_code == 401
    assert isinstance(response.parsed, ApiError)
    assert wire.statuses == [401]


@pytest.mark.parametrize("how", ["proactive", "reactive"])
def test_fifty_threads_on_an_expired_token_cause_one_token_request(
    short_lived_sandbox: Sandbox, wire: Wire, how: str
) -> None:
    leeway = 0.5 if how == "proactive" else -1000.0
    with short_lived_sandbox.connect(httpx_args=wire.hooks(), leeway=leeway) as client:
        assert _list(client) == 200
        time.sleep(EXPIRED)  # expired on the server; due locally only for "proactive"
        start = threading.Barrier(50)

        def call(_: int) -> int:
            start.wait()
            return _list(client)

        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(call, range(50)))
    assert statuses == [200] * 50
    assert wire.grants == ["password", "refresh_token"]


@pytest.mark.anyio
@pytest.mark.parametrize("how", ["proactive", "reactive"])
async def test_fifty_tasks_on_an_expired_token_cause_one_token_request(
    short_lived_sandbox: Sandbox, wire: Wire, how: str
) -> None:
    leeway = 0.5 if how == "proactive" else -1000.0
    async with short_lived_sandbox.connect(httpx_args=wire.async_hooks(), leeway=leeway) as client:
        first = await list_clients_using_get.asyncio_detailed(client=client, size=1)
        assert first.status_code == 200
        await asyncio.sleep(EXPIRED)
        responses = await asyncio.gather(
            *(list_clients_using_get.asyncio_detailed(client=client, size=1) for _ in range(50))
        )
    assert [r.status_code for r in responses] == [200] * 50
    assert wire.grants == ["password", "refresh_token"]


def test_one_client_serves_sync_and_async_calls(sandbox: Sandbox) -> None:
    with sandbox.connect() as client:
        assert _list(client) == 200

        async def both() -> int:
            response = await list_clients_using_get.asyncio_detailed(client=client, size=1)
            await client.get_async_httpx_client().aclose()
            return int(response.status_code)

        assert asyncio.run(both()) == 200
        assert isinstance(client.auth, OAuth2PasswordAuth)
        assert client.auth.token_requests == 1
