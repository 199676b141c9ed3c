"""The schemathesis schema under test: ``openapi.yaml`` aimed at the target, with per-operation auth."""

from __future__ import annotations

import functools
from typing import Any

import schemathesis
from schemathesis import AuthContext, Case
from schemathesis.specs.openapi.schemas import OpenApiSchema

from contracts import runtime
from contracts.spec import SPEC_PATH, operations

__all__ = ["SEMANTICALLY_VALIDATED", "load_schema", "shared_schema"]

_OPS = {op.label: op for op in operations()}
# Writes whose schema-valid bodies can still be refused (400) for referential or calendar reasons.
SEMANTICALLY_VALIDATED = (
    "createClientUsingPOST",
    "updateClientUsingPUT",
    "createCaregiverUsingPOST",
    "updateCaregiverUsingPUT",
    "createSessionUsingPOST",
    "updateSessionUsingPUT",
    "assignHomeworkUsingPUT",
)


def _config(max_examples: int | None, seed: int | None, selected: list[str] | None = None) -> schemathesis.Config:
    rt = runtime.current()
    checks: dict[str, dict[str, Any]] = {}
    for op_id in ("issueToken", "issueTokenLive"):
        # Valid-looking but unknown credentials are refused with 400 invalid_grant by design.
        checks[op_id] = {"positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401"]}}
    for op_id in SEMANTICALLY_VALIDATED:
        # Schema-valid writes naming ids of another clinic, unknown books or impossible dates are
        # refused with 400 and a field error: allowed for positive data, and reported as a spec gap.
        statuses = ["2xx", "400", "401", "403", "404", "409"]
        checks[op_id] = {"positive_data_acceptance": {"expected-statuses": statuses}}
    # schemathesis reads PUT /profile/caregiver/session/assignment as a sub-resource of the POST
    # /profile/caregiver/session collection and calls any 404 there "created resource not found",
    # even for a negative body whose sessionId did not come from the link (ST302 false positive).
    checks["assignHomeworkUsingPUT"]["ensure_resource_availability"] = {"enabled": False}
    per_operation: list[dict[str, Any]] = [
        {"include-operation-id": op_id, "checks": op_checks} for op_id, op_checks in checks.items()
    ]
    for entry in per_operation[:2]:
        # Random credentials are 400 by design, so schemathesis' "only 4xx" warning is noise here.
        entry["warnings"] = False
    if selected is not None:
        # Deselection goes through the config: with [[operations]] entries present, schemathesis
        # ignores schema.include() filters. First match wins, so this entry comes first.
        per_operation.insert(0, {"exclude-operation-id": selected, "enabled": False})
    data: dict[str, Any] = {
        "base-url": rt.target.base_url,
        "generation": {"database": "none"},
        # Only the spec's own links: inferred ones chain list answers whose content changes as the
        # run goes, which makes Hypothesis' replays diverge without a contract failure.
        "phases": {"stateful": {"max-steps": 8, "inference": {"algorithms": []}}},
        "operations": per_operation,
    }
    if max_examples is not None:
        data["generation"]["max-examples"] = max_examples
    if seed is not None:
        data["seed"] = seed
    if rt.read_only:
        # No TRACE/DELETE/... probes of undocumented methods either: a read-only run sends GETs only.
        data["phases"]["coverage"] = {"unexpected-methods": []}
    # Passing a config stops schemathesis from discovering a schemathesis.toml with ${VAR}s in it.
    return schemathesis.Config.from_dict(data)


def _register_auth(schema: OpenApiSchema) -> None:
    """Bearer per operation's ``x-optt-roles``, Basic for the token endpoints, nothing for public ones."""

    @schema.auth(refresh_interval=None)
    class PerOperationAuth:
        # No schemathesis caching: the client layer caches and refreshes each role's token itself.
        def get(self, case: Case, ctx: AuthContext) -> str | None:
            op = _OPS[case.operation.label]
            tokens = runtime.current().tokens
            if op.security == "basic":
                return tokens.basic_header()
            if op.security == "bearer":
                role = next((r for r in op.roles if tokens.has(r)), None)
                return f"Bearer {tokens.token(role)}" if role else None
            return None

        def set(self, case: Case, data: str | None, ctx: AuthContext) -> None:
            if data:
                case.headers = case.headers or {}
                case.headers["Authorization"] = data


def load_schema(max_examples: int | None = None, seed: int | None = None) -> OpenApiSchema:
    rt = runtime.current()
    # Operations whose role has no credentials cannot be tested positively (the authorization
    # matrix reports the skip); a read-only run keeps GETs and the token endpoints only.
    selected = [
        op.operation_id
        for op in operations()
        if (op.security != "bearer" or any(rt.tokens.has(role) for role in op.roles))
        and (op.is_read_only or not rt.read_only)
    ]
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=_config(max_examples, seed, selected))
    _register_auth(schema)
    return schema


@functools.cache
def shared_schema() -> OpenApiSchema:
    """Every operation, unfiltered: the dedicated tests validate their responses against it."""
    schema = schemathesis.openapi.from_path(SPEC_PATH, config=_config(None, None))
    _register_auth(schema)
    return schema
