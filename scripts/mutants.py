"""The mutation harness: the contract suite's ``ci`` profile against each fault planted in the sandbox.

    uv run python scripts/mutants.py [--jobs N] [--max-examples N] [--only NAME ...] [-k EXPR]

First a baseline run with no fault must pass (otherwise a "killed" mutant means nothing), then one
run per fault in ``optt.sandbox.faults.FAULTS``: the same tests, with ``-x`` and fewer examples so
each mutant costs seconds. A mutant is killed when the suite fails against it. Prints a table
(fault, seconds, killed, first failing test) and ``killed K/N``; exits non-zero below 95 %.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

__all__ = ["MutantResult", "main", "run_suite"]

THRESHOLD = 0.95
_FAILED = re.compile(r"^(?:FAILED|ERROR) (\S+)", re.MULTILINE)


@dataclass
class MutantResult:
    fault: str
    seconds: float
    exit_code: int
    first_failure: str | None

    @property
    def killed(self) -> bool:
        return self.exit_code == 1  # pytest: 1 = tests failed; other codes are harness errors

    @property
    def verdict(self) -> str:
        if self.fault == "(baseline)" and self.exit_code in (0, 1):
            return "passed" if self.exit_code == 0 else "FAILED"
        if self.exit_code in (0, 1):
            return "yes" if self.killed else "NO"
        return f"error ({self.exit_code})"


def run_suite(fault: str | None, max_examples: int, stateful_examples: int, extra: list[str]) -> MutantResult:
    """One pytest run of contracts/ with the ci profile against a sandbox planted with ``fault``."""
    reports = Path(tempfile.mkdtemp(prefix=f"optt-mutant-{fault or 'baseline'}-"))
    env = {
        **os.environ,
        "OPTT_PROFILE": "ci",
        "OPTT_MAX_EXAMPLES": str(max_examples),
        "OPTT_STATEFUL_EXAMPLES": str(stateful_examples),
        "OPTT_REPORTS_DIR": str(reports),
        "OPTT_SANDBOX_FAULTS": fault or "",
    }
    env.pop("OPTT_BASE_URL", None)  # mutants are always the local sandbox
    command = [sys.executable, "-m", "pytest", "contracts", "-x", "-q", "-p", "no:cacheprovider", *extra]
    command += ["--hypothesis-profile", "ci", "--junitxml", str(reports / "junit.xml")]
    started = time.monotonic()
    result = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    failed = _FAILED.search(result.stdout)
    (reports / "pytest.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    return MutantResult(fault or "(baseline)", seconds, result.returncode, failed.group(1) if failed else None)


def _table(results: list[MutantResult]) -> str:
    width = max(len(r.fault) for r in results)
    lines = [f"{'fault':<{width}}  {'seconds':>7}  killed  first failing test", "-" * (width + 60)]
    for r in results:
        lines.append(f"{r.fault:<{width}}  {r.seconds:7.1f}  {r.verdict:<6}  {r.first_failure or ''}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="mutants run side by side (default 2)")
    parser.add_argument("--max-examples", type=int, default=10, help="fuzzing examples per operation")
    parser.add_argument("--stateful-examples", type=int, default=20, help="state-machine scenarios")
    parser.add_argument("--only", nargs="*", default=None, help="run these faults only")
    parser.add_argument(
        "-k", dest="keyword", default=None, help="pytest -k filter, e.g. to see what a part of the suite kills"
    )
    args = parser.parse_args(argv)
    extra = ["-k", args.keyword] if args.keyword else []

    sys.path.insert(0, str(REPO_ROOT / "src"))
    from optt.sandbox.faults import FAULTS

    faults = sorted(args.only or FAULTS)
    started = time.monotonic()
    baseline = run_suite(None, args.max_examples, args.stateful_examples, extra)
    print(_table([baseline]), flush=True)
    if baseline.exit_code != 0:
        print(f"baseline failed ({baseline.first_failure}): the harness is meaningless until it passes")
        return 2
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_suite, fault, args.max_examples, args.stateful_examples, extra) for fault in faults]
        results = []
        for future in futures:
            result = future.result()
            results.append(result)
            print(f"  {result.fault}: {result.verdict} in {result.seconds:.1f}s", flush=True)
    print()
    print(_table([baseline, *results]))
    killed = sum(r.killed for r in results)
    print(f"\ntotal {time.monotonic() - started:.0f} s")
    print(f"killed {killed}/{len(results)}")
    return 0 if killed >= THRESHOLD * len(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
