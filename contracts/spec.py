"""What the suite reads straight from ``openapi.yaml``: operations, their roles, statuses and examples."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "HTTP_METHODS",
    "ROLES",
    "SPEC_PATH",
    "ExampleRequest",
    "Operation",
    "first_example_request",
    "load_raw_spec",
    "operation_by_id",
    "operations",
]

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
# The four JWT authorities the spec knows, in the order reports list them.
ROLES = ("CLIENT", "CAREGIVER", "CLINIC", "INSTITUTE")


@dataclass(frozen=True)
class Operation:
    """One operation of the spec, with the OPTT vendor extensions the suite needs."""

    operation_id: str
    method: str
    path: str
    roles: tuple[str, ...]
    security: str  # "bearer", "basic" or "none"
    statuses: tuple[str, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, hash=False)

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def is_read_only(self) -> bool:
        # The token endpoints change nothing a test could leave behind, so a read-only run may call them.
        return self.method == "get" or self.security == "basic"

    def path_regex(self) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path))
        return re.compile(f"^{pattern}$")


@functools.cache
def load_raw_spec(path: Path = SPEC_PATH) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)  # type: ignore[no-any-return]


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` chains (the spec only uses ``#/...`` references)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _security_kind(spec: dict[str, Any], op: dict[str, Any]) -> str:
    requirements = op.get("security", spec.get("security", []))
    if not requirements:
        return "none"
    names = {name for requirement in requirements for name in requirement}
    return "basic" if "clientBasic" in names else "bearer"


@functools.cache
def operations() -> tuple[Operation, ...]:
    spec = load_raw_spec()
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method not in HTTP_METHODS:
                continue
            found.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method,
                    path=path,
                    roles=tuple(op.get("x-optt-roles", [])),
                    security=_security_kind(spec, op),
                    statuses=tuple(sorted(op["responses"])),
                    raw=op,
                )
            )
    return tuple(found)


def operation_by_id(operation_id: str) -> Operation:
    for op in operations():
        if op.operation_id == operation_id:
            return op
    raise KeyError(operation_id)


@dataclass
class ExampleRequest:
    """A request built from the spec's own examples: the documented happy path of an operation."""

    path_params: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    media_type: str | None = None

    def url_path(self, op: Operation) -> str:
        path = op.path
        for name, value in self.path_params.items():
            path = path.replace("{" + name + "}", str(value))
        return path


def _parameter_example(spec: dict[str, Any], param: dict[str, Any]) -> Any:
    if "example" in param:
        return param["example"]
    examples = param.get("examples") or {}
    for example in examples.values():
        return _resolve(spec, example).get("value")
    schema = _resolve(spec, param.get("schema", {}))
    if "examples" in schema:
        return schema["examples"][0]
    if "enum" in schema:
        return schema["enum"][0]
    return None


def first_example_request(op: Operation) -> ExampleRequest:
    """The first documented example of every parameter and of the body (required parameters only)."""
    spec = load_raw_spec()
    path_item = spec["paths"][op.path]
    params = [_resolve(spec, p) for p in [*path_item.get("parameters", []), *op.raw.get("parameters", [])]]
    request = ExampleRequest()
    for param in params:
        if param["in"] == "path":
            request.path_params[param["name"]] = _parameter_example(spec, param)
        elif param["in"] == "query" and param.get("required"):
            request.query[param["name"]] = _parameter_example(spec, param)
    body = _resolve(spec, op.raw.get("requestBody"))
    if body:
        media_type, content = next(iter(body["content"].items()))
        request.media_type = media_type
        examples = content.get("examples") or {}
        for example in examples.values():
            request.body = _resolve(spec, example).get("value")
            break
    return request


def first_response_example(op: Operation) -> tuple[int, Any]:
    """The lowest documented status and its first example body (used by the baseline bench app)."""
    spec = load_raw_spec()
    status = op.statuses[0]
    response = _resolve(spec, op.raw["responses"][status])
    for content in (response.get("content") or {}).values():
        for example in (content.get("examples") or {}).values():
            return int(status), _resolve(spec, example).get("value")
    return int(status), None
