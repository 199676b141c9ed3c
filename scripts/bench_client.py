"""Benchmark: the client layer's per-call cost against raw httpx + json.loads.

One authenticated read of a 1,000-item list (``GET /profile/clinic/client?size=1000``) from the sandbox,
done four ways, in interleaved rounds (the order shuffled each round), reporting medians:

* ``raw``: ``httpx.Client.get`` with a fixed bearer header, then ``json.loads`` of the body;
* ``optt auth+retry``: the httpx client ``optt.connect()`` builds (auth flow + retry transport), then
  ``json.loads``: the layer's own cost, without the generated models;
* ``optt detailed``: ``optt.connect()`` (auth flow + retry transport) and the generated
  ``list_clients_using_get.sync_detailed`` (which also parses the body into attrs models);
* ``optt call``: the same through ``optt.call`` (raises typed errors, returns the ``ClientPage``).

Each round times every case once, so its ratios compare calls made moments apart; the headline is
the median of those paired ratios (robust to a busy machine's drift). The goal is at most 1.3 against
raw. Starts its own in-memory sandbox on a free port unless ``--base-url`` points at a running one.

Usage: ``uv run python scripts/bench_client.py [--rounds 100]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
from optt_client.api.clinic import create_client_using_post, list_clients_using_get
from optt_client.models import ClientCreateRequest, ClientPage

import optt

CLIENT_ID = "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d"
CLIENT_SECRET = "sandbox-secret"
CLINIC_USER = "laleh@optt.ca"
PASSWORD = "sandbox-password"
ITEMS = 1000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def _sandbox(base_url: str | None) -> Iterator[str]:
    if base_url:
        yield base_url
        return
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "optt.sandbox", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith("OPTT_SANDBOX_FAULTS")},
    )
    url = f"http://127.0.0.1:{port}/gateway"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the sandbox did not start")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _seed(client: optt.OpttClient) -> int:
    page = optt.call(list_clients_using_get.sync_detailed, client=client, size=ITEMS)
    missing = ITEMS - len(page.content)
    run = uuid.uuid4().hex[:8]
    for n in range(max(0, missing)):
        body = ClientCreateRequest(name=f"Bench Client {n}", email=f"bench.{run}.{n}@example.com")
        optt.call(create_client_using_post.sync_detailed, client=client, body=body)
    return max(0, missing)


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="a running sandbox (default: start one)")
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)

    with _sandbox(args.base_url) as base_url:
        client = optt.connect(
            base_url=base_url,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            username=CLINIC_USER,
            password=PASSWORD,
            env={},
        )
        created = _seed(client)
        token = client.access_token()
        raw = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=30)

        def run_raw() -> None:
            response = raw.get("/profile/clinic/client", params={"size": ITEMS})
            response.raise_for_status()
            body = json.loads(response.content)
            assert len(body["content"]) == ITEMS

        def run_layers() -> None:
            response = client.get_httpx_client().get("/profile/clinic/client", params={"size": ITEMS})
            response.raise_for_status()
            assert len(json.loads(response.content)["content"]) == ITEMS

        def run_detailed() -> None:
            response = list_clients_using_get.sync_detailed(client=client, size=ITEMS)
            assert isinstance(response.parsed, ClientPage) and len(response.parsed.content) == ITEMS

        def run_call() -> None:
            page = optt.call(list_clients_using_get.sync_detailed, client=client, size=ITEMS)
            assert len(page.content) == ITEMS

        cases: dict[str, Callable[[], None]] = {
            "raw httpx + json.loads": run_raw,
            "optt auth+retry, json.loads": run_layers,
            "optt detailed (models)": run_detailed,
            "optt.call (models)": run_call,
        }
        times: dict[str, list[float]] = {name: [] for name in cases}
        rng = random.Random(1)
        for _ in range(args.warmup):
            for fn in cases.values():
                fn()
        for _ in range(args.rounds):
            order = list(cases)
            rng.shuffle(order)
            for name in order:
                times[name].append(_timed(cases[name]))
        raw.close()
        client.close()

    raw_times = times["raw httpx + json.loads"]
    base = statistics.median(raw_times)
    print(f"seeded {created} clients; {args.rounds} interleaved rounds of GET ?size={ITEMS} (medians)")
    print(f"{'':28} {'median':>9}   {'ratio of medians':>16}   {'median of paired ratios':>23}")
    for name, samples in times.items():
        median = statistics.median(samples)
        paired = statistics.median(t / r for t, r in zip(samples, raw_times, strict=True))
        print(f"{name:28} {median * 1000:6.2f} ms   {median / base:15.2f}x   {paired:22.2f}x")
    paired_call = statistics.median(t / r for t, r in zip(times["optt.call (models)"], raw_times, strict=True))
    print(f"client/raw ratio (optt.call, median of paired ratios): {paired_call:.2f} (goal <= 1.30)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
