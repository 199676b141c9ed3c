"""Tenant isolation: what one clinic (or care provider) makes, another cannot see, change or use.

The spec answers another tenant's resource with 404, exactly like a missing one. These tests need
a second clinic's users (``OPTT_OTHER_CLINIC_*``, ``OPTT_OTHER_CAREGIVER_*``; seeded in the sandbox)
and writes; without them they are skipped with the reason.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts import runtime
from contracts.discovery import known
from contracts.http import call


@pytest.fixture(autouse=True)
def _needs_writes() -> None:
    if runtime.current().read_only:
        pytest.skip("read-only run: tenant isolation needs writes (--allow-writes)")


def _need(*roles: str) -> None:
    tokens = runtime.current().tokens
    for role in roles:
        if not tokens.has(role):
            pytest.skip(f"no OPTT_{role}_USERNAME/PASSWORD (or _TOKEN): tenant isolation needs a second clinic")


def _ids(page: Any) -> set[int]:
    return {item["id"] for item in page.json()["content"]}


def new_email(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}@example.com"


def today() -> str:
    return datetime.now(UTC).strftime("%Y/%m/%d")


def test_another_clinic_cannot_see_or_change_a_client() -> None:
    _need("CLINIC", "OTHER_CLINIC")
    created = call("createClientUsingPOST", "CLINIC", json={"name": "Tenant Probe", "email": new_email("tenant")})
    assert created.status_code == 200, created.text
    client_id = created.json()["id"]

    assert call("getClientUsingGET", "CLINIC", path_params={"clientId": client_id}).status_code == 200
    other_get = call("getClientUsingGET", "OTHER_CLINIC", path_params={"clientId": client_id})
    other_put = call("updateClientUsingPUT", "OTHER_CLINIC", path_params={"clientId": client_id}, json={"name": "x"})
    other_list = call("listClientsUsingGET", "OTHER_CLINIC", query={"size": 1000})

    assert other_get.status_code == 404, f"another clinic read the client: {other_get.status_code}"
    assert other_put.status_code == 404, f"another clinic changed the client: {other_put.status_code}"
    assert client_id not in _ids(other_list)


def test_another_clinic_cannot_see_or_change_a_care_provider() -> None:
    _need("CLINIC", "OTHER_CLINIC")
    created = call("createCaregiverUsingPOST", "CLINIC", json={"name": "Tenant Probe", "email": new_email("cg")})
    assert created.status_code == 200, created.text
    caregiver_id = created.json()["id"]

    other_get = call("getCaregiverUsingGET", "OTHER_CLINIC", path_params={"caregiverId": caregiver_id})
    other_put = call(
        "updateCaregiverUsingPUT", "OTHER_CLINIC", path_params={"caregiverId": caregiver_id}, json={"name": "x"}
    )
    other_list = call("listCaregiversUsingGET", "OTHER_CLINIC", query={"size": 1000})

    assert other_get.status_code == 404
    assert other_put.status_code == 404
    assert caregiver_id not in _ids(other_list)


def test_another_care_provider_cannot_reach_a_session() -> None:
    _need("CAREGIVER", "OTHER_CAREGIVER")
    facts = known()
    if facts.client_id is None:
        pytest.skip("no client assigned to the CAREGIVER user was found")
    session = {"clientId": facts.client_id, "title": "Tenant probe", "date": today(), "time": "00:00"}
    created = call("createSessionUsingPOST", "CAREGIVER", json=session)
    assert created.status_code == 200, created.text
    session_id = created.json()[0]["id"]
    where = {"sessionId": session_id}
    homework = {"sessionId": session_id, "bookIds": facts.book_ids[:1] or [1], "startDate": today(), "endDate": today()}

    answers = {
        "get": call("getSessionUsingGET", "OTHER_CAREGIVER", path_params=where).status_code,
        "update": call("updateSessionUsingPUT", "OTHER_CAREGIVER", path_params=where, json={"title": "x"}).status_code,
        "close": call("closeSessionUsingPUT", "OTHER_CAREGIVER", path_params=where).status_code,
        "assign": call("assignHomeworkUsingPUT", "OTHER_CAREGIVER", json=homework).status_code,
        "create for the client": call("createSessionUsingPOST", "OTHER_CAREGIVER", json=session).status_code,
    }
    listed = call("listSessionsUsingGET", "OTHER_CAREGIVER", query={"size": 1000})

    assert answers == dict.fromkeys(answers, 404)
    assert session_id not in _ids(listed)
    assert call("getSessionUsingGET", "CAREGIVER", path_params=where).status_code == 200


def test_triage_in_another_clinic_is_404() -> None:
    _need("CAREGIVER")
    rt = runtime.current()
    if not rt.target.is_sandbox:
        pytest.skip("the second clinic's code is only known on the sandbox")
    from optt.sandbox.seed import SEEDED_CLINICS

    other_code = SEEDED_CLINICS[1].code
    response = call("triageUsingPUT", "CAREGIVER", path_params={"clinicCode": other_code}, json={"text": "sleep"})

    assert response.status_code == 404


def test_a_client_sees_only_their_own_sessions_and_homework() -> None:
    _need("CLIENT")
    facts = known()
    sessions = call("listMySessionsUsingGET", "CLIENT", query={"size": 1000})
    assignments = call("listMyAssignmentsUsingGET", "CLIENT", query={"size": 1000})

    assert sessions.status_code == 200 and assignments.status_code == 200
    if facts.client_self_id is not None:
        assert {s["clientId"] for s in sessions.json()["content"]} <= {facts.client_self_id}
    own_sessions = {s["id"] for s in sessions.json()["content"]}
    assert {a["sessionId"] for a in assignments.json()["content"]} <= own_sessions
