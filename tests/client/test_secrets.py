"""No password, client secret or token in a repr, a str, an exception or a log line."""

from __future__ import annotations

import logging
import time

import pytest
from optt_client.api.clinic import get_client_using_get, list_clients_using_get
from optt_client.api.institute import get_token_by_google_using_post
from optt_client.models import GetTokenByGoogleUsingPostGrantType, UserType

import optt
from optt.auth import OAuth2PasswordAuth, Token
from optt.redact import redact_url

from .conftest import CLIENT_ID, CLIENT_SECRET, CLINIC_TOKEN, INSTITUTE_USER, PASSWORD, Sandbox


def _secrets_in(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s and s in text]


def test_settings_repr_hides_secrets() -> None:
    settings = optt.Settings(client_secret="the-secret", username="u@example.com", password="the-password", token="tok")
    for text in (repr(settings), str(settings)):
        assert _secrets_in(text, ["the-secret", "the-password", "tok'"]) == []
        assert "u@example.com" in text
        assert "client_secret='***'" in text


def test_settings_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPTT_BASE_URL", "https://gateway.example/gateway/")
    monkeypatch.setenv("OPTT_CLIENT_SECRET", "s")
    monkeypatch.setenv("OPTT_USERNAME", "u")
    monkeypatch.setenv("OPTT_PASSWORD", "p")
    monkeypatch.delenv("OPTT_TOKEN", raising=False)
    monkeypatch.delenv("OPTT_CLIENT_ID", raising=False)
    settings = optt.Settings.from_env(password="override")
    assert settings.base_url == "https://gateway.example/gateway"
    assert settings.token_url == "https://gateway.example/gateway/uaa/oauth/token"
    assert settings.password == "override"
    assert settings.uses_password_grant
    assert settings.client_id == "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d"


def test_settings_default_to_the_sandbox() -> None:
    settings = optt.Settings.from_env({})
    assert settings.base_url == "http://127.0.0.1:8080/gateway"
    with pytest.raises(ValueError, match="no credentials"):
        optt.connect(env={})


def test_auth_and_client_reprs_hide_secrets(sandbox: Sandbox) -> None:
    with sandbox.connect() as client:
        client.access_token()
        auth = client.auth
        assert isinstance(auth, OAuth2PasswordAuth) and auth.token is not None
        token = auth.token
        secrets = [PASSWORD, CLIENT_SECRET, token.access_token, token.refresh_token or ""]
        for text in (repr(auth), repr(client), str(client), repr(token), repr(client.settings)):
            assert _secrets_in(text, secrets) == []
    static = optt.StaticTokenAuth(CLINIC_TOKEN)
    assert CLINIC_TOKEN not in repr(static)


def test_token_repr_hides_tokens() -> None:
    token = Token.from_response(
        {"access_token": "aaa.bbb.ccc", "refresh_token": "rrr.sss.ttt", "expires_in": 60, "scope": "read write"},
        obtained_at=time.monotonic(),
    )
    assert "aaa.bbb" not in repr(token) and "rrr.sss" not in repr(token)


def test_exceptions_hide_secrets(sandbox: Sandbox) -> None:
    with sandbox.connect(password="wrong-password-123") as client, pytest.raises(optt.TokenError) as caught:
        client.access_token()
    for text in (str(caught.value), repr(caught.value), str(caught.value.body)):
        assert "wrong-password-123" not in text and CLIENT_SECRET not in text
    with sandbox.connect(client_secret="wrong-secret-456") as client, pytest.raises(optt.TokenError) as caught:
        client.access_token()
    assert "wrong-secret-456" not in str(caught.value) + repr(caught.value)


def test_debug_logs_hide_secrets(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # every logger: optt, httpx, httpcore
    with sandbox.connect() as client:
        assert list_clients_using_get.sync_detailed(client=client, size=1).status_code == 200
        auth = client.auth
        assert isinstance(auth, OAuth2PasswordAuth)
        auth.invalidate()  # force a refresh
        assert get_client_using_get.sync_detailed(987654321, client=client).status_code == 404
        assert auth.token is not None
        secrets = [PASSWORD, CLIENT_SECRET, auth.token.access_token, auth.token.refresh_token or ""]
    with sandbox.connect(token=CLINIC_TOKEN) as client:
        list_clients_using_get.sync_detailed(client=client, size=1)
    assert "refreshing the access token" in caplog.text  # the logs are on...
    assert "HTTP Request" in caplog.text
    assert _secrets_in(caplog.text, [*secrets, CLINIC_TOKEN]) == []  # ...and free of secrets


def test_query_string_secrets_are_masked_in_httpx_logs(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    # getTokenByGoogleUsingPOST takes the client secret and the identity-provider code in the query string.
    caplog.set_level(logging.DEBUG)
    with sandbox.connect(username=INSTITUTE_USER) as client:
        response = get_token_by_google_using_post.sync_detailed(
            client=client,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            grant_type=GetTokenByGoogleUsingPostGrantType.AUTHORIZATION_CODE,
            code="idp-code-0123456789",
            user_type=UserType.CLIENT,
            clinic_optt_id=1,
        )
        assert response.status_code < 500
        assert isinstance(client.auth, OAuth2PasswordAuth) and client.auth.token is not None
        access = client.auth.token.access_token
    assert "/profile/token/google?" in caplog.text
    assert "client_secret=%2A%2A%2A" in caplog.text or "client_secret=***" in caplog.text
    assert _secrets_in(caplog.text, [CLIENT_SECRET, "idp-code-0123456789", PASSWORD, access]) == []


def test_redact_url() -> None:
    masked = redact_url("https://x.test/p?client_id=a&client_secret=s3&code=c0de&size=5")
    assert "s3" not in masked and "c0de" not in masked
    assert "client_id=a" in masked and "size=5" in masked
    assert redact_url("https://x.test/p") == "https://x.test/p"
