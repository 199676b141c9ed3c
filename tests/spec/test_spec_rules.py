"""The project's own rules for openapi.yaml, beyond what the linters know."""

from __future__ import annotations

import re
from typing import Any

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from .conftest import SPEC_PATH, load_spec, operations

ROLES = {"CLIENT", "CAREGIVER", "CLINIC", "INSTITUTE"}
EVIDENCE = {"documented", "example-only", "inferred"}
OPERATIONS = operations(load_spec())
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def test_spec_is_valid_openapi_3_1() -> None:
    spec_dict, _ = read_from_filename(str(SPEC_PATH))
    validate(spec_dict)
    assert spec_dict["openapi"].startswith("3.1")


def test_servers_name_every_documented_host_and_the_sandbox(spec: dict[str, Any]) -> None:
    urls = {server["url"] for server in spec["servers"]}
    assert {
        "https://gateway.optt.ca/gateway",
        "https://gwi.live.optt.health/gateway",
        "https://gwi.dv.optt.ca/gateway",
        "https://gwidev.eq.optt.ca/gateway",
        "http://127.0.0.1:8080/gateway",
    } <= urls
    fcm = spec["paths"]["/api/fcm-token"]
    assert any(":8064" in server["url"] for server in fcm["servers"])


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_operation_states_roles_and_evidence(path: str, method: str, operation: dict[str, Any]) -> None:
    roles = operation.get("x-optt-roles")
    assert isinstance(roles, list), "x-optt-roles is missing"
    assert set(roles) <= ROLES
    assert operation.get("x-optt-evidence") in EVIDENCE
    assert str(operation.get("x-optt-source", "")).startswith("https://")
    assert re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"])
    # A role-scoped operation needs the bearer scheme; a public one must not inherit it.
    security = operation.get("security")
    if roles:
        assert security is None, "role-scoped operations use the default bearerAuth"
    else:
        assert security is not None, "a public operation states its security explicitly"


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_operation_documents_the_errors_that_apply(path: str, method: str, operation: dict[str, Any]) -> None:
    responses = set(operation["responses"])
    takes_input = bool(operation.get("parameters")) or "requestBody" in operation or "{" in path
    spec = load_spec()
    path_params = spec["paths"][path].get("parameters", [])
    if takes_input or path_params:
        assert "400" in responses
    if operation.get("x-optt-roles"):
        assert {"401", "403"} <= responses
    if "{" in path:
        assert "404" in responses
    assert any(code.startswith("2") for code in responses)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=IDS)
def test_every_operation_has_examples(path: str, method: str, operation: dict[str, Any]) -> None:
    for status, response in operation["responses"].items():
        if "$ref" in response:
            continue
        for media in response.get("content", {}).values():
            assert media.get("examples"), f"response {status} has no example"
    body = operation.get("requestBody", {})
    for media in body.get("content", {}).values():
        assert media.get("examples"), "request body has no example"


def test_links_name_existing_operations_and_parameters(spec: dict[str, Any]) -> None:
    by_id = {op["operationId"]: (path, op) for path, _, op in operations(spec)}
    links = [
        (name, link)
        for _, _, op in operations(spec)
        for response in op["responses"].values()
        for name, link in response.get("links", {}).items()
    ]
    assert len(links) >= 8
    for name, link in links:
        assert link["operationId"] in by_id, f"link {name} names an unknown operation"
        path, _ = by_id[link["operationId"]]
        for parameter in link.get("parameters", {}):
            assert "{" + parameter + "}" in path, f"link {name} sets {parameter}, not a path parameter"


def test_workflow_links_exist(spec: dict[str, Any]) -> None:
    """Create a client then read it; create a session, assign homework, read it, close it."""

    def targets(operation_id: str) -> set[str]:
        op = next(op for _, _, op in operations(spec) if op["operationId"] == operation_id)
        return {link["operationId"] for r in op["responses"].values() for link in r.get("links", {}).values()}

    assert "getClientUsingGET" in targets("createClientUsingPOST")
    assert {"assignHomeworkUsingPUT", "getSessionUsingGET", "closeSessionUsingPUT"} <= targets("createSessionUsingPOST")
