"""Fixtures for the client layer's tests: the real sandbox, served by uvicorn on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import uvicorn

import optt
from optt.sandbox.app import create_app
from optt.sandbox.seed import TEST_TOKENS
from optt.sandbox.settings import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_USER_PASSWORD, SandboxSettings

CLINIC_USER = "laleh@optt.ca"
CAREGIVER_USER = "lalehdehnavi.ld@gmail.com"
CLIENT_USER = "laleh@citronity.com"
INSTITUTE_USER = "institute"
CLIENT_SECRET = DEFAULT_CLIENT_SECRET
PASSWORD = DEFAULT_USER_PASSWORD
CLIENT_ID = DEFAULT_CLIENT_ID
CLINIC_TOKEN = TEST_TOKENS["CLINIC"]
CLIENT_TOKEN = TEST_TOKENS["CLIENT"]
SHORT_TTL = 3
"""Access-token lifetime of ``short_lived_sandbox``. ``exp`` has one-second resolution, so such a token
is good on the server for between SHORT_TTL - 1 and SHORT_TTL seconds."""
EXPIRED = SHORT_TTL + 0.2
"""Seconds to wait until a ``short_lived_sandbox`` token has surely expired on the server."""


@dataclass
class Sandbox:
    """A running sandbox: its base URL and the settings it was started with."""

    base_url: str
    settings: SandboxSettings

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/uaa/oauth/token"

    def connect(self, **kwargs: Any) -> optt.OpttClient:
        """A client of this sandbox as the CLINIC user (password grant), unless told otherwise."""
        if "token" not in kwargs:
            kwargs.setdefault("username", CLINIC_USER)
            kwargs.setdefault("password", PASSWORD)
        kwargs.setdefault("client_id", CLIENT_ID)
        kwargs.setdefault("client_secret", CLIENT_SECRET)
        return optt.connect(base_url=self.base_url, env={}, **kwargs)


@contextmanager
def run_sandbox(**overrides: Any) -> Iterator[Sandbox]:
    """Start the sandbox app under uvicorn in a thread, on a port the OS picks; stop it afterwards."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = SandboxSettings(host="127.0.0.1", port=port, **overrides)
    config = uvicorn.Config(create_app(settings), log_level="warning", access_log=False, lifespan="auto")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    try:
        yield Sandbox(base_url=f"http://127.0.0.1:{port}/gateway", settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """One sandbox for the whole session, with the default (long) token lifetimes."""
    with run_sandbox() as running:
        yield running


@pytest.fixture(scope="session")
def short_lived_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose access tokens last SHORT_TTL seconds (refresh tokens stay long-lived)."""
    with run_sandbox(access_token_ttl=SHORT_TTL) as running:
        yield running


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@dataclass
class Wire:
    """What went over the wire: every request, and the token requests' grant types, in order."""

    requests: list[tuple[str, str]] = field(default_factory=list)
    grants: list[str] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def on_request(self, request: httpx.Request) -> None:
        with self.lock:
            self.requests.append((request.method, request.url.path))
            if request.url.path.endswith("/uaa/oauth/token"):
                form = dict(httpx.QueryParams(request.content.decode()))
                self.grants.append(form.get("grant_type", "?"))

    def on_response(self, response: httpx.Response) -> None:
        with self.lock:
            self.statuses.append(response.status_code)

    async def aon_request(self, request: httpx.Request) -> None:
        self.on_request(request)

    async def aon_response(self, response: httpx.Response) -> None:
        self.on_response(response)

    def hooks(self) -> dict[str, Any]:
        return {"event_hooks": {"request": [self.on_request], "response": [self.on_response]}}

    def async_hooks(self) -> dict[str, Any]:
        return {"event_hooks": {"request": [self.aon_request], "response": [self.aon_response]}}


@pytest.fixture
def wire() -> Wire:
    return Wire()
