"""The contract, loaded from openapi.yaml: routing, request validation and response checking.

Nothing here repeats a constraint by hand; every check is the spec's own schema, run by jsonschema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped]
from jsonschema.exceptions import ValidationError  # type: ignore[import-untyped]

from optt.sandbox.errors import FieldError

__all__ = ["HTTP_METHODS", "Contract", "Operation", "Parameter", "PathEntry"]

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_INT = re.compile(r"^-?[0-9]{1,20}$")
_NUMBER = re.compile(r"^-?[0-9]{1,20}(\.[0-9]{1,20})?([eE][-+]?[0-9]{1,3})?$")
_SECRET_FORMATS = {"password"}


def _int64(value: object) -> bool:
    return not isinstance(value, int) or -(2**63) <= value < 2**63


def _int32(value: object) -> bool:
    return not isinstance(value, int) or -(2**31) <= value < 2**31


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=list(Draft202012Validator.FORMAT_CHECKER.checkers))
    checker.checks("int64")(_int64)
    checker.checks("int32")(_int32)
    return checker


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]
    validator: Draft202012Validator

    @property
    def secret(self) -> bool:
        return self.schema.get("format") in _SECRET_FORMATS


@dataclass
class Operation:
    method: str
    path: str
    operation_id: str
    roles: tuple[str, ...]
    security: tuple[str, ...]
    parameters: list[Parameter]
    body_required: bool
    body_media: dict[str, Draft202012Validator]
    responses: dict[str, dict[str, Any]]
    response_validators: dict[tuple[str, str], Draft202012Validator] = field(default_factory=dict)

    @property
    def public(self) -> bool:
        return not self.security


@dataclass
class PathEntry:
    template: str
    pattern: re.Pattern[str]
    operations: dict[str, Operation]

    @property
    def allow(self) -> str:
        return ", ".join(method.upper() for method in self.operations)


def _field(path: Any, prefix: str = "") -> str:
    out = prefix
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out = f"{out}.{part}" if out else str(part)
    return out


def _message(error: ValidationError, secret: bool) -> str:
    kind = error.validator
    value = error.validator_value
    if kind == "maxLength":
        return f"must be at most {value} characters long"
    if kind == "minLength":
        return f"must be at least {value} characters long"
    if secret:
        return f"is not valid ({kind})"
    if kind == "enum":
        return f"must be one of {', '.join(map(str, value))}"
    if kind == "pattern":
        return f"must match {value}"
    if kind == "type":
        return f"must be of type {value}"
    text = str(error.message)
    return text if len(text) <= 200 else text[:197] + "..."


def field_errors(
    validator: Draft202012Validator, instance: Any, prefix: str = "", secret: bool = False, formats: bool = True
) -> list[FieldError]:
    """Each schema violation as a :class:`FieldError` naming the bad field (the prefix for the root)."""
    out: list[FieldError] = []
    seen: set[tuple[str, str]] = set()
    for error in sorted(validator.iter_errors(instance), key=lambda e: list(map(str, e.absolute_path))):
        if error.validator == "format" and not formats:
            continue
        base = _field(error.absolute_path, prefix)
        if error.validator == "required" and isinstance(error.instance, dict):
            for name in error.validator_value:
                if name not in error.instance:
                    key = (f"{base}.{name}" if base else name, "is required")
                    if key not in seen:
                        seen.add(key)
                        out.append(FieldError(*key))
            continue
        item = (base or prefix or "body", _message(error, secret))
        if item not in seen:
            seen.add(item)
            out.append(FieldError(*item))
    return out


class Contract:
    """openapi.yaml, parsed once: its bytes, routing table and validators."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.raw = path.read_bytes()
        self.document: dict[str, Any] = yaml.safe_load(self.raw)
        self._formats = _format_checker()
        self.base_path = self._base_path()
        self.entries: list[PathEntry] = []
        self.by_id: dict[str, Operation] = {}
        for template, item in self.document["paths"].items():
            self.entries.append(self._entry(template, item))
        # Literal segments win over parameters (/session/assignment before /session/{sessionId}).
        self.entries.sort(key=lambda entry: entry.template.count("{"))

    # -- loading -----------------------------------------------------------------------------------------------
    def _base_path(self) -> str:
        for server in self.document.get("servers", []):
            url = str(server.get("url", ""))
            if "127.0.0.1" in url or "localhost" in url:
                return "/" + url.split("://", 1)[-1].split("/", 1)[-1].strip("/")
        return "/gateway"

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            target: Any = self.document
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def validator(self, schema: Mapping[str, Any]) -> Draft202012Validator:
        root = {**schema, "components": self.document["components"]}
        return Draft202012Validator(root, format_checker=self._formats)

    def _entry(self, template: str, item: dict[str, Any]) -> PathEntry:
        regex = "^" + re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
        operations: dict[str, Operation] = {}
        shared = [self.resolve(p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            if method not in item:
                continue
            op = self._operation(method, template, item[method], shared)
            operations[method.upper()] = op
            self.by_id[op.operation_id] = op
        return PathEntry(template, re.compile(regex), operations)

    def _operation(self, method: str, template: str, raw: dict[str, Any], shared: list[dict[str, Any]]) -> Operation:
        merged: dict[tuple[str, str], dict[str, Any]] = {}
        for param in [*shared, *(self.resolve(p) for p in raw.get("parameters", []))]:
            merged[(param["name"], param["in"])] = param
        parameters = [
            Parameter(p["name"], p["in"], bool(p.get("required")), p["schema"], self.validator(p["schema"]))
            for p in merged.values()
        ]
        security_reqs = raw.get("security", self.document.get("security", []))
        security = tuple(name for req in security_reqs for name in req)
        body = self.resolve(raw.get("requestBody")) or {}
        media = {ctype: self.validator(spec.get("schema", {})) for ctype, spec in body.get("content", {}).items()}
        responses = {status: self.resolve(resp) for status, resp in raw.get("responses", {}).items()}
        op = Operation(
            method=method.upper(),
            path=template,
            operation_id=raw["operationId"],
            roles=tuple(raw.get("x-optt-roles", [])),
            security=security,
            parameters=parameters,
            body_required=bool(body.get("required")),
            body_media=media,
            responses=responses,
        )
        for status, response in responses.items():
            for ctype, spec in response.get("content", {}).items():
                op.response_validators[(status, ctype)] = self.validator(spec.get("schema", {}))
        return op

    # -- routing -----------------------------------------------------------------------------------------------
    def match(self, path: str) -> tuple[PathEntry, dict[str, str]] | None:
        for entry in self.entries:
            found = entry.pattern.match(path)
            if found:
                return entry, found.groupdict()
        return None

    # -- requests ----------------------------------------------------------------------------------------------
    @staticmethod
    def _coerce(raw: str, schema: Mapping[str, Any]) -> Any:
        kind = schema.get("type")
        if kind == "integer" and _INT.match(raw):
            return int(raw)
        if kind == "number" and _NUMBER.match(raw):
            return float(raw)
        if kind == "boolean" and raw in ("true", "false"):
            return raw == "true"
        return raw

    def parameters(
        self,
        op: Operation,
        path_params: Mapping[str, str],
        query: Mapping[str, str],
        headers: Mapping[str, str],
    ) -> tuple[dict[str, Any], list[FieldError]]:
        """The operation's parameters, typed; and a field error for each bad or missing one."""
        values: dict[str, Any] = {}
        errors: list[FieldError] = []
        for param in op.parameters:
            if param.location == "path":
                source: Mapping[str, str] = path_params
            elif param.location == "query":
                source = query
            elif param.location == "header":
                source = headers
            else:
                continue
            key = param.name.lower() if param.location == "header" else param.name
            if key not in source:
                if param.required:
                    errors.append(FieldError(param.name, "is required"))
                elif "default" in param.schema:
                    values[param.name] = param.schema["default"]
                continue
            value = self._coerce(source[key], param.schema)
            problems = field_errors(param.validator, value, param.name, param.secret)
            if problems:
                errors.extend(problems)
            else:
                values[param.name] = value
        return values, errors

    # -- responses ---------------------------------------------------------------------------------------------
    def check_response(self, op: Operation, status: int, headers: Mapping[str, str], body: bytes) -> list[str]:
        """What is wrong with a response, per the contract (empty when it conforms)."""
        problems: list[str] = []
        response = op.responses.get(str(status)) or op.responses.get(f"{str(status)[0]}XX")
        if response is None:
            return [f"status {status} is not documented for {op.operation_id}"]
        for name, header in response.get("headers", {}).items():
            header = self.resolve(header)
            value = headers.get(name.lower())
            if value is None:
                if header.get("required"):
                    problems.append(f"required header {name} is missing")
                continue
            if header.get("schema"):
                for error in self.validator(header["schema"]).iter_errors(value):
                    problems.append(f"header {name}: {error.message}")
        content = response.get("content", {})
        if not content:
            return problems
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype not in content:
            return [*problems, f"content type {ctype or '(none)'} is not documented"]
        try:
            instance = json.loads(body)
        except ValueError:
            return [*problems, "the body is not JSON"]
        validator = op.response_validators[(str(status), ctype)]
        for error in validator.iter_errors(instance):
            where = "/".join(map(str, error.absolute_path)) or "(root)"
            problems.append(f"body {where}: {error.message[:300]}")
        return problems
