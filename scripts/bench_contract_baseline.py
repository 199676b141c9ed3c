"""What the contract suite's schemathesis part costs without the sandbox: the same spec and settings
against a trivial app that answers every operation with its first documented example.

    uv run python scripts/bench_contract_baseline.py [--max-examples N]

Starts the trivial app (uvicorn, free port), runs the schemathesis CLI over every phase with the
``ci`` profile's numbers, counts the requests the app served and prints requests per second.
Failures are expected (a trivial app breaks the contract everywhere); only throughput is measured.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from contracts.profiles import MAX_EXAMPLES, STATEFUL  # noqa: E402
from contracts.spec import first_response_example, operations  # noqa: E402
from contracts.target import free_port  # noqa: E402

__all__ = ["build_app", "main"]


def build_app() -> object:
    """A Starlette app: one route per path, each method answering its first example."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route

    served = {"count": 0}
    by_path: dict[str, dict[str, tuple[int, object]]] = {}
    for op in operations():
        by_path.setdefault(op.path, {})[op.method.upper()] = first_response_example(op)

    def endpoint_for(answers: dict[str, tuple[int, object]]) -> object:
        async def endpoint(request: Request) -> Response:
            served["count"] += 1
            status, body = answers[request.method]
            return JSONResponse(body, status_code=status, headers={"X-Request-Id": "bench"})

        return endpoint

    async def count(_: Request) -> Response:
        return PlainTextResponse(str(served["count"]))

    routes = [
        Route(f"/gateway{path}", endpoint_for(answers), methods=list(answers))  # type: ignore[arg-type]
        for path, answers in by_path.items()
    ]
    routes.append(Route("/__served", count))
    return Starlette(routes=routes)


def _serve(port: int) -> None:
    import uvicorn

    uvicorn.run(build_app(), host="127.0.0.1", port=port, log_level="warning")  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=MAX_EXAMPLES["ci"])
    args = parser.parse_args(argv)

    import httpx

    port = free_port()
    threading.Thread(target=_serve, args=(port,), daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{base}/__served", timeout=0.5)
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    scenarios, steps = STATEFUL["ci"]
    config = REPO_ROOT / "reports" / "bench-baseline.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[phases.stateful]\nmax-steps = {steps}\n", encoding="utf-8")
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "--config-file",
        str(config),
        "run",
        str(REPO_ROOT / "openapi.yaml"),
        "--url",
        f"{base}/gateway",
        "--max-examples",
        str(args.max_examples),
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--generation-deterministic",
        "--continue-on-failure",
        "--workers",
        "1",
        "-H",
        "Authorization: Bearer bench",
    ]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, env=dict(os.environ))
    elapsed = time.monotonic() - started
    served = int(httpx.get(f"{base}/__served", timeout=5).text)
    generated = re.search(r"(\d+) generated", result.stdout)
    figures = {
        "app": "trivial (first example per operation)",
        "max_examples": args.max_examples,
        "stateful_steps": steps,
        "stateful_scenarios_cli_default": "schemathesis default",
        "seconds": round(elapsed, 2),
        "requests_served": served,
        "requests_per_second": round(served / elapsed, 1),
        "cli_test_cases": int(generated.group(1)) if generated else None,
        "cli_exit_code": result.returncode,
    }
    (REPO_ROOT / "reports" / "bench-baseline.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))
    _ = scenarios  # the CLI has no scenario count option; its stateful phase runs its own default
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
