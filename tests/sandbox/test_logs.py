"""Logs are JSON lines with the request's facts, and never carry a secret."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

import pytest
from sandbox_helpers import PASSWORD, SECRET, RunningSandbox

from optt.sandbox.seed import TEST_TOKENS


def test_logs_are_structured_and_free_of_secrets(
    fresh_sandbox: Callable[..., RunningSandbox], caplog: pytest.LogCaptureFixture
) -> None:
    running = fresh_sandbox()
    caplog.set_level(logging.INFO, logger="optt.sandbox")
    tokens = running.login("laleh@optt.ca")
    idp_code = "4/secret-idp-code-123"
    with running.client() as http:
        http.post(
            "/uaa/oauth/token",
            params={"grant_type": "password", "username": "laleh@optt.ca", "password": PASSWORD},
            headers=running.basic(),
        )
        http.post(
            "/uaa/oauth/token",
            data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
            headers=running.basic(),
        )
        http.post("/uaa/oauth/token", data={"grant_type": "password"}, headers=running.basic(secret="wrong-secret-456"))
        institute = running.bearer("institute")
        http.post(
            "/profile/token/google",
            params={
                "client_id": running.settings.client_id,
                "client_secret": SECRET,
                "grant_type": "authorization_code",
                "code": idp_code,
                "user_type": "CLIENT",
                "clinic_optt_id": 1,
            },
            headers=institute,
        )
        http.get("/profile/clinic/client", headers={"Authorization": f"bearer {TEST_TOKENS['CLINIC']}"})
    text = caplog.text
    for secret in (
        PASSWORD,
        SECRET,
        "wrong-secret-456",
        idp_code,
        tokens["access_token"],
        tokens["refresh_token"],
        TEST_TOKENS["CLINIC"],
        institute["Authorization"].split()[1],
        "Basic ",
    ):
        assert secret not in text
    access = [json.loads(r.getMessage()) for r in caplog.records if r.name == "optt.sandbox.access"]
    assert access, "no access log records"
    record = access[-1]
    assert {"method", "path", "status", "duration_ms", "request_id", "role"} <= record.keys()
    assert record["role"] == "CLINIC" and record["status"] == 200 and "?" not in record["path"]
    google = next(r for r in access if r["path"].endswith("/token/google"))
    assert "code=***" in google["query"] and idp_code not in google["query"]
