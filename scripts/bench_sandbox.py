"""Benchmark (not a test): the sandbox against Stoplight Prism mocking the same openapi.yaml.

    uv run python scripts/bench_sandbox.py [--requests N] [--concurrency C] [--json PATH]

Starts both servers on free loopback ports (the sandbox as ``python -m optt.sandbox`` with a temporary
data directory, Prism as ``node_modules/.bin/prism mock openapi.yaml``), then for each workload sends
the same fixed number of requests from C threads, each with its own httpx client:

* token:  ``POST /uaa/oauth/token`` (password grant, HTTP Basic)
* read:   ``GET /profile/clinic/client/1`` with a bearer token
* create: ``POST /profile/clinic/client`` with a fresh e-mail each time

Prints requests/second for both, the sandbox/Prism ratio, and the peak resident memory (RSS) of each
server process, sampled with psutil every 20 ms. Prism answers documented examples without state or
crypto, so it is an upper bound for a mock of this contract; the sandbox signs RS256 tokens and writes
SQLite. Needs ``npm install`` (Prism is pinned in package.json).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO_ROOT = Path(__file__).resolve().parent.parent
SPEC = REPO_ROOT / "openapi.yaml"
PRISM = REPO_ROOT / "node_modules" / ".bin" / "prism"
CLIENT_ID = "optt-02ee77dc-ac45-4344-817e-17ca52b58b5d"
SECRET = "bench-secret"
PASSWORD = "bench-password"
BASIC = "Basic " + base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()

__all__ = ["main"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    name: str
    base: str
    process: subprocess.Popen[bytes]
    peak_rss: int = 0
    _stop: bool = False

    def sample(self) -> None:
        try:
            proc = psutil.Process(self.process.pid)
            while not self._stop:
                rss = proc.memory_info().rss + sum(c.memory_info().rss for c in proc.children(recursive=True))
                self.peak_rss = max(self.peak_rss, rss)
                time.sleep(0.02)
        except psutil.Error:
            pass

    def stop(self) -> None:
        self._stop = True
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode} before {url} answered")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def start_sandbox(data_dir: Path) -> Server:
    port = free_port()
    command = [sys.executable, "-m", "optt.sandbox", "--port", str(port), "--data-dir", str(data_dir)]
    command += ["--client-secret", SECRET, "--user-password", PASSWORD]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO_ROOT)
    wait_ready(f"http://127.0.0.1:{port}/health", process)
    return Server("sandbox", f"http://127.0.0.1:{port}/gateway", process)


def start_prism() -> Server:
    if not PRISM.exists():
        raise SystemExit(f"{PRISM} not found: run `npm install` first")
    port = free_port()
    command = [str(PRISM), "mock", str(SPEC), "--host", "127.0.0.1", "--port", str(port), "--errors", "false"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=REPO_ROOT)
    wait_ready(f"http://127.0.0.1:{port}/profile/book", process)
    # Prism mocks the paths of the spec without the servers' base path.
    return Server("prism", f"http://127.0.0.1:{port}", process)


Request = Callable[[httpx.Client, int], httpx.Response]


def workloads(token: str) -> dict[str, Request]:
    bearer = {"Authorization": f"Bearer {token}"}
    form = {"grant_type": "password", "username": "laleh@optt.ca", "password": PASSWORD}

    def grant(http: httpx.Client, _: int) -> httpx.Response:
        return http.post("/uaa/oauth/token", data=form, headers={"Authorization": BASIC})

    def read(http: httpx.Client, _: int) -> httpx.Response:
        return http.get("/profile/clinic/client/1", headers=bearer)

    def create(http: httpx.Client, n: int) -> httpx.Response:
        body = {"name": f"Bench {n}", "email": f"bench-{n}-{uuid.uuid4().hex[:8]}@example.com", "language": "EN"}
        return http.post("/profile/clinic/client", json=body, headers=bearer)

    return {"token grant": grant, "authenticated read": read, "create": create}


def run(base: str, request: Request, total: int, concurrency: int) -> tuple[float, dict[int, int]]:
    """Send ``total`` requests from ``concurrency`` threads; requests per second and the status counts."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def worker() -> None:
        with httpx.Client(base_url=base, timeout=30) as http:
            for _ in range(3):  # warm the connection
                request(http, -1)
            barrier.wait()
            while True:
                with lock:
                    n = next(counter, None)
                if n is None:
                    return
                status = request(http, n).status_code
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

    barrier = threading.Barrier(concurrency + 1)
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return total / (time.perf_counter() - started), statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1000, help="requests per workload and server")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)

    data_dir = Path(tempfile.mkdtemp(prefix="optt-bench-"))
    servers: list[Server] = []
    results: dict[str, Any] = {"requests": args.requests, "concurrency": args.concurrency, "workloads": {}}
    try:
        servers = [start_sandbox(data_dir), start_prism()]
        samplers = [threading.Thread(target=s.sample, daemon=True) for s in servers]
        for sampler in samplers:
            sampler.start()
        with httpx.Client(base_url=servers[0].base) as http:
            grant = http.post(
                "/uaa/oauth/token",
                data={"grant_type": "password", "username": "laleh@optt.ca", "password": PASSWORD},
                headers={"Authorization": BASIC},
            )
            grant.raise_for_status()
            token = grant.json()["access_token"]
        print(f"{args.requests} requests per workload, {args.concurrency} client threads, {os.cpu_count()} CPUs\n")
        print(f"{'workload':<20} {'sandbox req/s':>14} {'prism req/s':>12} {'ratio':>7}   statuses (sandbox | prism)")
        for name, request in workloads(token).items():
            row: dict[str, Any] = {}
            for server in servers:
                rate, statuses = run(server.base, request, args.requests, args.concurrency)
                row[server.name] = {"rps": round(rate, 1), "statuses": statuses}
            row["ratio"] = round(row["sandbox"]["rps"] / row["prism"]["rps"], 2)
            results["workloads"][name] = row
            print(
                f"{name:<20} {row['sandbox']['rps']:>14.1f} {row['prism']['rps']:>12.1f} {row['ratio']:>7.2f}"
                f"   {row['sandbox']['statuses']} | {row['prism']['statuses']}"
            )
        for server in servers:
            results[f"{server.name}_peak_rss_mib"] = round(server.peak_rss / 2**20, 1)
        print(f"\npeak RSS: sandbox {results['sandbox_peak_rss_mib']} MiB, prism {results['prism_peak_rss_mib']} MiB")
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
