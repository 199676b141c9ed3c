"""Helpers for the sandbox tests: a real sandbox on loopback (uvicorn in a background thread, a free port)."""

from __future__ import annotations

import base64
import socket
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import httpx
import uvicorn
from starlette.applications import Starlette

from optt.sandbox import create_app
from optt.sandbox.seed import DEFAULT_CLIENT_ID
from optt.sandbox.settings import SandboxSettings

SECRET = "test-secret"
PASSWORD = "test-password"


@dataclass
class RunningSandbox:
    url: str
    app: Starlette
    settings: SandboxSettings
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def base(self) -> str:
        return self.url + "/gateway"

    @property
    def violations(self) -> list[str]:
        found: list[str] = self.app.state.violations
        return found

    def client(self, **kwargs: Any) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=10, **kwargs)

    def basic(self, client_id: str = DEFAULT_CLIENT_ID, secret: str = SECRET) -> dict[str, str]:
        raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
        return {"Authorization": f"Basic {raw}"}

    def login(self, username: str, password: str = PASSWORD) -> dict[str, Any]:
        with self.client() as http:
            response = http.post(
                "/uaa/oauth/token",
                data={"grant_type": "password", "username": username, "password": password},
                headers=self.basic(),
            )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    def bearer(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(username)['access_token']}"}

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_sandbox(settings: SandboxSettings) -> RunningSandbox:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = replace(settings, port=port)
    app = create_app(settings)
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="on", timeout_graceful_shutdown=2)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    return RunningSandbox(f"http://127.0.0.1:{port}", app, settings, server, thread)


def make_settings(**overrides: Any) -> SandboxSettings:
    base = {"client_secret": SECRET, "user_password": PASSWORD, "validate_responses": True}
    return SandboxSettings(**{**base, **overrides})
