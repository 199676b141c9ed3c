"""Every example in the spec is valid against its schema and survives the generated models.

For a body example, `Model.from_dict(example).to_dict()` must give the example back; for an
enum-typed parameter example, the generated enum must accept it.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from typing import Any

import optt_client.models as models
import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

from .conftest import ROOT, load_spec, operations

SPEC = load_spec()
# The generator's class_overrides, read from its config so this test follows a rename.
_CONFIG = yaml.safe_load((ROOT / "openapi-python-client.yaml").read_text())
CLASS_NAMES = {name: o["class_name"] for name, o in _CONFIG.get("class_overrides", {}).items()}


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def _examples() -> list[tuple[str, dict[str, Any], Any]]:
    """(label, schema, example value) for every media-type example in the spec."""
    found: list[tuple[str, dict[str, Any], Any]] = []
    for _path, _method, op in operations(SPEC):
        bodies = [("request", op["requestBody"])] if "requestBody" in op else []
        bodies += [(f"response {status}", response) for status, response in op["responses"].items()]
        for where, holder in bodies:
            for media_type, media in _deref(holder).get("content", {}).items():
                for name, example in media.get("examples", {}).items():
                    label = f"{op['operationId']} {where} {media_type} {name}"
                    found.append((label, media["schema"], _deref(example)["value"]))
    return found


EXAMPLES = _examples()


def _validator(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": SPEC["components"]}, format_checker=FormatChecker())


def _model_for(schema: dict[str, Any]) -> Any:
    name = schema["$ref"].rsplit("/", 1)[-1]
    return getattr(models, CLASS_NAMES.get(name, name))


_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT")


def _normalise(value: Any) -> Any:
    """Date-times compare as instants: the models write `+00:00` for an example's `Z`."""
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if isinstance(value, str) and _DATETIME.match(value):
        return dt.datetime.fromisoformat(value)
    return value


def test_the_spec_has_many_examples() -> None:
    assert len(EXAMPLES) >= 60


@pytest.mark.parametrize(("label", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_is_valid_against_its_schema(label: str, schema: dict[str, Any], example: Any) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in _validator(schema).iter_errors(example)]
    assert errors == []


@pytest.mark.parametrize(("label", "schema", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_round_trips_through_the_generated_models(label: str, schema: dict[str, Any], example: Any) -> None:
    if "$ref" in schema:
        model = _model_for(schema)
        assert _normalise(model.from_dict(example).to_dict()) == _normalise(example)
    else:
        assert schema["type"] == "array"
        model = _model_for(schema["items"])
        assert [_normalise(model.from_dict(item).to_dict()) for item in example] == _normalise(example)


def _enum_parameter_examples() -> list[tuple[str, str, Any]]:
    found = []
    for _, _, op in operations(SPEC):
        for parameter in map(_deref, op.get("parameters", [])):
            schema = parameter["schema"]
            if "$ref" in schema and "enum" in _deref(schema) and "example" in parameter:
                found.append((f"{op['operationId']} {parameter['name']}", schema["$ref"], parameter["example"]))
    return found


ENUM_PARAMETERS = _enum_parameter_examples()


@pytest.mark.parametrize(("label", "ref", "example"), ENUM_PARAMETERS, ids=[e[0] for e in ENUM_PARAMETERS])
def test_enum_parameter_example_is_a_generated_enum_member(label: str, ref: str, example: str) -> None:
    enum_class = _model_for({"$ref": ref})
    assert issubclass(enum_class, enum.Enum)
    assert enum_class(example).value == example
