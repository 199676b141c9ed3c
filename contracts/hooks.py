"""Global schemathesis hooks: manners before each call, the ledger after it, known ids in generated data.

Importing this module registers the hooks; ``contracts/conftest.py`` imports it once.
"""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis import Case, HookContext, Response

from contracts import runtime
from contracts.spec import operations

__all__ = ["after_call", "before_call"]

_OPS = {op.label: op for op in operations()}


@schemathesis.hook
def before_call(context: HookContext, case: Case, kwargs: dict[str, Any]) -> None:
    """The live profile's request budget, rate limit and read-only guard."""
    op = _OPS[case.operation.label]
    runtime.current().politeness.before_request(case.method, op.security == "basic")


@schemathesis.hook
def after_call(context: HookContext, case: Case, response: Response) -> None:
    """Every response goes into the coverage ledger, under the caller that sent it."""
    rt = runtime.current()
    op = _OPS[case.operation.label]
    if case.method.lower() != op.method:
        return  # an unsupported-method probe is not a call of the operation
    caller = rt.tokens.caller_of(response.request.headers.get("Authorization"))
    op_id = op.operation_id
    rt.ledger.record(op_id, response.status_code, caller, generated=True)
    if response.status_code == 200:
        rt.note_created(op_id, _json_or_none(response))


def _json_or_none(response: Response) -> Any:
    try:
        return response.json()
    except Exception:
        return None


def _known_ids() -> dict[str, list[Any]]:
    from contracts.discovery import known

    facts = known()
    return {
        "clientId": [facts.client_id] if facts.client_id else [],
        "caregiverId": [facts.caregiver_id] if facts.caregiver_id else [],
        "clinicCode": [facts.clinic_code] if facts.clinic_code else [],
        "bookIds": [facts.book_ids[:2]] if facts.book_ids else [],
    }


def _with_known(values: dict[str, Any], keys: tuple[str, ...]) -> st.SearchStrategy[dict[str, Any]]:
    """The generated values, or the same with ids that exist on the target (so 200s are reached too)."""
    known = _known_ids()
    swaps = {key: known[key] for key in keys if key in values and known.get(key)}
    if not swaps:
        return st.just(values)
    replaced = {**values, **{key: options[0] for key, options in swaps.items()}}
    return st.sampled_from([values, replaced])


_SIMPLE_EMAIL = re.compile(r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+$")
_RUN = uuid.uuid4().hex[:6]
_serial = itertools.count()


@schemathesis.hook("map_body").apply_to(operation_id=["createClientUsingPOST", "createCaregiverUsingPOST"])
def map_unique_email(context: HookContext, body: Any) -> Any:
    """Each create gets a fresh e-mail: replaying a case must meet the same answer, not a 409.

    Only plain addresses well under the length limit are touched, and only by prefixing letters
    and digits to the local part, so a valid address stays valid and an invalid one invalid.
    """
    if isinstance(body, dict) and isinstance(body.get("email"), str):
        email = body["email"]
        if _SIMPLE_EMAIL.match(email) and len(email) < 230 and not email.startswith("."):
            return {**body, "email": f"u{_RUN}{next(_serial)}{email}"}
    return body


@schemathesis.hook("flatmap_body").apply_to(operation_id="createSessionUsingPOST")
def flatmap_session_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    return _with_known(body, ("clientId", "bookIds"))


@schemathesis.hook("flatmap_query").apply_to(operation_id="getTokenByGoogleUsingPOST")
def flatmap_google_query(context: HookContext, query: Any) -> st.SearchStrategy[Any]:
    """Sometimes the organisation's real client credentials and clinic, so the 200 path is fuzzed too."""
    if not isinstance(query, dict):
        return st.just(query)
    rt = runtime.current()
    from contracts.discovery import known

    real = {**query, "client_id": rt.target.client_id, "client_secret": rt.target.client_secret}
    clinic = known().clinic_ids.get("CLINIC")
    if clinic is not None and "clinic_optt_id" in query:
        real["clinic_optt_id"] = clinic
    return st.sampled_from([query, real])


@schemathesis.hook("flatmap_body").apply_to(operation_id="instituteSsoUsingPOST")
def flatmap_sso_body(context: HookContext, body: Any) -> st.SearchStrategy[Any]:
    if not isinstance(body, dict):
        return st.just(body)
    rt = runtime.current()
    real = {**body, "apiKey": rt.target.client_id}
    clinic_login = rt.target.user("CLINIC").username
    if clinic_login and "clinicEmail" in body:
        real["clinicEmail"] = clinic_login
    return st.sampled_from([body, real])


@schemathesis.hook("flatmap_path_parameters").apply_to(
    # Reads only: a fuzzed update of the seeded users' own records could lock them out.
    operation_id=["getClientUsingGET", "getCaregiverUsingGET", "triageUsingPUT"]
)
def flatmap_known_path(context: HookContext, path_parameters: dict[str, Any]) -> st.SearchStrategy[Any]:
    if not isinstance(path_parameters, dict):
        return st.just(path_parameters)
    return _with_known(path_parameters, ("clientId", "caregiverId", "clinicCode"))
