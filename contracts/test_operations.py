"""Every operation of openapi.yaml, stateless: examples, coverage and fuzzing phases, positive and
negative data, all schemathesis checks plus the OPTT checks of ``contracts/checks.py``."""

from __future__ import annotations

from schemathesis import Case

from contracts.schema import load_schema

schema = load_schema()


@schema.parametrize()
def test_operation_honours_contract(case: Case) -> None:
    case.call_and_validate()
