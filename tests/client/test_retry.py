"""Retry rules, with faults the sandbox cannot make (MockTransport) and a fake clock and sleep."""

from __future__ import annotations

import email.utils
import random

import httpx
import pytest

from optt.retry import RetryPolicy, RetryTransport

URL = "http://optt.test/gateway/profile/clinic/client"


class FakeTime:
    """A clock that only moves when something sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_800_000_000.0 + self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


def scripted(*steps: int | type[Exception] | tuple[int, dict[str, str]]) -> tuple[httpx.MockTransport, list[str]]:
    """A transport answering each request with the next step: a status, (status, headers) or an exception."""
    seen: list[str] = []
    queue = list(steps)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        step = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(step, type):
            raise step("boom", request=request)  # type: ignore[call-arg]
        if isinstance(step, tuple):
            return httpx.Response(step[0], headers=step[1], json={})
        return httpx.Response(step, json={})

    return httpx.MockTransport(handler), seen


def make(transport: httpx.MockTransport, fake: FakeTime, policy: RetryPolicy | None = None) -> RetryTransport:
    return RetryTransport(
        transport,
        policy=policy or RetryPolicy(),
        sleep=fake.sleep,
        async_sleep=fake.async_sleep,
        clock=fake.clock,
        wall=fake.wall,
        rng=random.Random(7),
    )


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_idempotent_request_is_retried_on_retryable_status(status: int) -> None:
    fake = FakeTime()
    transport, seen = scripted(status, status, 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        response = client.get(URL)
    assert response.status_code == 200
    assert seen == ["GET", "GET", "GET"]
    assert len(fake.sleeps) == 2


@pytest.mark.parametrize("method", ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
def test_every_idempotent_method_is_retried(method: str) -> None:
    fake = FakeTime()
    transport, seen = scripted(503, 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        response = client.request(method, URL)
    assert response.status_code == 200
    assert seen == [method, method]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 500, 501])
def test_other_statuses_are_not_retried(status: int) -> None:
    fake = FakeTime()
    transport, seen = scripted(status, 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.get(URL).status_code == status
    assert seen == ["GET"]
    assert fake.sleeps == []


@pytest.mark.parametrize("exc", [httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadError, httpx.RemoteProtocolError])
def test_connection_errors_are_retried(exc: type[Exception]) -> None:
    fake = FakeTime()
    transport, seen = scripted(exc, exc, 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.get(URL).status_code == 200
    assert len(seen) == 3


def test_connection_error_is_raised_after_the_last_attempt() -> None:
    fake = FakeTime()
    transport, seen = scripted(httpx.ConnectError)
    with (
        httpx.Client(transport=make(transport, fake, RetryPolicy(max_attempts=3))) as client,
        pytest.raises(httpx.ConnectError),
    ):
        client.get(URL)
    assert len(seen) == 3
    assert len(fake.sleeps) == 2


def test_read_timeout_is_not_retried() -> None:
    fake = FakeTime()
    transport, seen = scripted(httpx.ReadTimeout, 200)
    with httpx.Client(transport=make(transport, fake)) as client, pytest.raises(httpx.ReadTimeout):
        client.get(URL)
    assert seen == ["GET"]


def test_post_is_not_retried_by_default() -> None:
    fake = FakeTime()
    transport, seen = scripted(503, 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.post(URL, json={"name": "x"}).status_code == 503
    assert seen == ["POST"]
    transport, seen = scripted(httpx.ConnectError, 200)
    with httpx.Client(transport=make(transport, fake)) as client, pytest.raises(httpx.ConnectError):
        client.post(URL, json={"name": "x"})
    assert seen == ["POST"]


def test_post_is_retried_when_the_caller_opts_in() -> None:
    fake = FakeTime()
    bodies: list[bytes] = []
    statuses = [503, 200]

    def handler(request: httpx.Request) -> httpx.Response:
        bodies.append(request.content)
        return httpx.Response(statuses.pop(0))

    policy = RetryPolicy(retry_non_idempotent=True)
    with httpx.Client(transport=make(httpx.MockTransport(handler), fake, policy)) as client:
        assert client.post(URL, json={"name": "x"}).status_code == 200
    assert bodies == [b'{"name":"x"}', b'{"name":"x"}']


def test_attempts_are_bounded_and_the_last_response_is_returned() -> None:
    fake = FakeTime()
    transport, seen = scripted(503)
    with httpx.Client(transport=make(transport, fake, RetryPolicy(max_attempts=4))) as client:
        assert client.get(URL).status_code == 503
    assert len(seen) == 4
    assert len(fake.sleeps) == 3


def test_backoff_is_exponential_with_full_jitter() -> None:
    fake = FakeTime()
    transport, _ = scripted(503)
    policy = RetryPolicy(max_attempts=6, backoff_base=1.0, backoff_max=100.0, max_elapsed=1000.0)
    with httpx.Client(transport=make(transport, fake, policy)) as client:
        client.get(URL)
    assert len(fake.sleeps) == 5
    for n, slept in enumerate(fake.sleeps):
        assert 0.0 <= slept <= 2.0**n
    # Full jitter draws from the whole range, so the waits are not simply 1, 2, 4, 8, 16.
    assert fake.sleeps != [1.0, 2.0, 4.0, 8.0, 16.0]


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=3.0)
    rng = random.Random(1)
    assert all(policy.backoff(10, rng) <= 3.0 for _ in range(200))


def test_retry_after_seconds_is_honoured() -> None:
    fake = FakeTime()
    transport, _ = scripted((503, {"Retry-After": "7"}), 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.get(URL).status_code == 200
    assert fake.sleeps == [7.0]


def test_retry_after_http_date_is_honoured() -> None:
    fake = FakeTime()
    when = email.utils.formatdate(fake.wall() + 12, usegmt=True)
    transport, _ = scripted((429, {"Retry-After": when}), 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.get(URL).status_code == 200
    assert fake.sleeps == [pytest.approx(12.0, abs=1.0)]


def test_retry_after_in_the_past_means_now() -> None:
    fake = FakeTime()
    when = email.utils.formatdate(fake.wall() - 60, usegmt=True)
    transport, _ = scripted((503, {"Retry-After": when}), 200)
    with httpx.Client(transport=make(transport, fake)) as client:
        assert client.get(URL).status_code == 200
    assert fake.sleeps == [0.0]


def test_too_long_retry_after_is_not_waited_for() -> None:
    fake = FakeTime()
    transport, seen = scripted((429, {"Retry-After": "3600"}), 200)
    with httpx.Client(transport=make(transport, fake, RetryPolicy(max_retry_after=60))) as client:
        assert client.get(URL).status_code == 429
    assert seen == ["GET"]
    assert fake.sleeps == []


def test_total_time_is_bounded() -> None:
    fake = FakeTime()
    transport, seen = scripted((503, {"Retry-After": "4"}))
    policy = RetryPolicy(max_attempts=100, max_elapsed=10.0)
    with httpx.Client(transport=make(transport, fake, policy)) as client:
        assert client.get(URL).status_code == 503
    # Waits of 4 s: the third would end at 12 s, past the 10 s budget.
    assert fake.sleeps == [4.0, 4.0]
    assert len(seen) == 3


def test_disabled_policy_never_retries() -> None:
    fake = FakeTime()
    transport, seen = scripted(503, 200)
    with httpx.Client(transport=make(transport, fake, RetryPolicy.disabled())) as client:
        assert client.get(URL).status_code == 503
    assert seen == ["GET"]


@pytest.mark.anyio
async def test_async_requests_are_retried_the_same_way() -> None:
    fake = FakeTime()
    transport, seen = scripted((503, {"Retry-After": "2"}), httpx.ConnectError, 200)
    async with httpx.AsyncClient(transport=make(transport, fake)) as client:
        assert (await client.get(URL)).status_code == 200
        assert (await client.post(URL, json={})).status_code == 200
    assert seen == ["GET", "GET", "GET", "POST"]
    assert fake.sleeps[0] == 2.0
    assert len(fake.sleeps) == 2


def test_retry_logs_name_the_attempt_without_the_query(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakeTime()
    transport, _ = scripted(503, 200)
    caplog.set_level("INFO", logger="optt.retry")
    with httpx.Client(transport=make(transport, fake)) as client:
        client.get(URL, params={"secret": "s3cr3t"})
    assert "retrying GET" in caplog.text
    assert "s3cr3t" not in caplog.text
