"""The coverage ledger: operation x documented status x role, each seen or not.

Every response the suite gets is recorded (schemathesis' ``after_call`` hook and the dedicated
tests' HTTP helper both call :meth:`Ledger.record`), and the ledger is written as JSON and
Markdown at the end of the session.
"""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from contracts.spec import Operation, operations

__all__ = ["UNREACHABLE", "Ledger", "LedgerRow"]

# Documented statuses argued to be unreachable against the sandbox, with the reason. Anything
# else not seen is MISSING, a gap of the suite (or of the target) to look at.
# Empty: against the sandbox every documented status is reached.
UNREACHABLE: dict[tuple[str, str], str] = {}


@dataclass(frozen=True)
class LedgerRow:
    operation: str
    label: str
    status: str
    documented: bool
    seen: int
    roles: tuple[str, ...]

    @property
    def state(self) -> str:
        if self.seen:
            return "seen" if self.documented else "UNDOCUMENTED"
        return "unreachable" if (self.operation, self.status) in UNREACHABLE else "MISSING"


class Ledger:
    """Thread-safe counts of (operationId, status, caller) triples."""

    def __init__(self, ops: tuple[Operation, ...] | None = None) -> None:
        self._ops = ops or operations()
        self._counts: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self._lock = threading.Lock()
        self.calls = 0
        self.schemathesis_calls = 0

    def record(self, operation_id: str, status: int, caller: str, *, generated: bool = False) -> None:
        with self._lock:
            self._counts[(operation_id, str(status))][caller] += 1
            self.calls += 1
            if generated:
                self.schemathesis_calls += 1

    def rows(self) -> list[LedgerRow]:
        with self._lock:
            counts = {key: dict(value) for key, value in self._counts.items()}
        rows = []
        for op in self._ops:
            seen_statuses = {status for (op_id, status) in counts if op_id == op.operation_id}
            for status in sorted(set(op.statuses) | seen_statuses):
                by_caller = counts.get((op.operation_id, status), {})
                rows.append(
                    LedgerRow(
                        operation=op.operation_id,
                        label=op.label,
                        status=status,
                        documented=status in op.statuses,
                        seen=sum(by_caller.values()),
                        roles=tuple(sorted(by_caller)),
                    )
                )
        return rows

    def missing(self) -> list[LedgerRow]:
        return [row for row in self.rows() if row.state == "MISSING"]

    def summary(self) -> dict[str, Any]:
        rows = self.rows()
        documented = [r for r in rows if r.documented]
        return {
            "calls": self.calls,
            "operations": len(self._ops),
            "operations_seen": len({r.operation for r in rows if r.seen}),
            "documented_statuses": len(documented),
            "documented_statuses_seen": sum(1 for r in documented if r.seen),
            "undocumented_statuses_seen": sum(1 for r in rows if r.state == "UNDOCUMENTED"),
            "missing": [f"{r.operation} {r.status}" for r in rows if r.state == "MISSING"],
            "unreachable": {f"{op} {st}": why for (op, st), why in UNREACHABLE.items()},
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "summary": self.summary(),
            "rows": [
                {
                    "operation": r.operation,
                    "label": r.label,
                    "status": r.status,
                    "documented": r.documented,
                    "state": r.state,
                    "count": r.seen,
                    "callers": list(r.roles),
                }
                for r in self.rows()
            ],
        }

    def to_markdown(self) -> str:
        summary = self.summary()
        lines = [
            "# Contract coverage ledger",
            "",
            f"{summary['calls']} responses recorded; {summary['operations_seen']}/{summary['operations']} "
            f"operations and {summary['documented_statuses_seen']}/{summary['documented_statuses']} "
            "documented (operation, status) pairs seen.",
            "",
            "| operation | status | state | count | seen with |",
            "|---|---|---|---|---|",
        ]
        for r in self.rows():
            lines.append(f"| `{r.label}` ({r.operation}) | {r.status} | {r.state} | {r.seen} | {', '.join(r.roles)} |")
        if UNREACHABLE:
            lines += ["", "## Unreachable statuses", ""]
            lines += [f"* `{op} {st}`: {why}" for (op, st), why in UNREACHABLE.items()]
        return "\n".join(lines) + "\n"

    def write(self, directory: Path) -> tuple[Path, Path]:
        from contracts.masking import masker

        directory.mkdir(parents=True, exist_ok=True)
        json_path = directory / "ledger.json"
        md_path = directory / "ledger.md"
        json_path.write_text(masker.mask(json.dumps(self.to_json(), indent=2)) + "\n", encoding="utf-8")
        md_path.write_text(masker.mask(self.to_markdown()), encoding="utf-8")
        return json_path, md_path

    def terminal_lines(self) -> list[str]:
        summary = self.summary()
        lines = [
            f"ledger: {summary['calls']} responses, {summary['operations_seen']}/{summary['operations']} "
            f"operations, {summary['documented_statuses_seen']}/{summary['documented_statuses']} "
            "documented statuses seen",
        ]
        width = max(len(r.label) for r in self.rows())
        for r in self.rows():
            mark = {"seen": "ok", "UNDOCUMENTED": "!!", "MISSING": "--", "unreachable": ".."}[r.state]
            lines.append(f"  {mark} {r.label:<{width}} {r.status} {r.state:<12} {r.seen:>6}  {','.join(r.roles)}")
        return lines
