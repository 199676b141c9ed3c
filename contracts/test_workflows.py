"""Behaviour the spec describes in words: writes persist, closed sessions stay closed and refuse
homework, e-mails are unique, pages honour their size, unknown things are 404.

Each call is also held to the full contract (see ``contracts/http.py``), and together these tests
reach the documented statuses that random data rarely hits (409s, 404s of unknown references).
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from contracts import runtime
from contracts.discovery import known
from contracts.http import call, raw_get
from contracts.test_tenancy import new_email, today


@pytest.fixture(autouse=True)
def _needs_writes() -> None:
    if runtime.current().read_only:
        pytest.skip("read-only run: these workflows need writes (--allow-writes)")


def _need(*roles: str) -> None:
    for role in roles:
        if not runtime.current().tokens.has(role):
            pytest.skip(f"no credentials for {role}")


def _session(**extra: object) -> int:
    facts = known()
    if facts.client_id is None:
        pytest.skip("no client assigned to the CAREGIVER user was found")
    body = {"clientId": facts.client_id, "title": "Workflow", "date": today(), "time": "00:00", **extra}
    created = call("createSessionUsingPOST", "CAREGIVER", json=body)
    assert created.status_code == 200, created.text
    return int(created.json()[0]["id"])


def test_a_client_update_is_stored() -> None:
    _need("CLINIC")
    created = call("createClientUsingPOST", "CLINIC", json={"name": "Before", "email": new_email("upd")}).json()
    where = {"clientId": created["id"]}

    updated = call("updateClientUsingPUT", "CLINIC", path_params=where, json={"name": "After", "language": "FR"})
    read = call("getClientUsingGET", "CLINIC", path_params=where).json()

    assert updated.status_code == 200
    assert (read["name"], read["language"]) == ("After", "FR")


def test_a_care_provider_update_is_stored() -> None:
    _need("CLINIC")
    created = call("createCaregiverUsingPOST", "CLINIC", json={"name": "Before", "email": new_email("cgu")}).json()
    where = {"caregiverId": created["id"]}

    call("updateCaregiverUsingPUT", "CLINIC", path_params=where, json={"position": "Counsellor"})
    read = call("getCaregiverUsingGET", "CLINIC", path_params=where).json()

    assert read["position"] == "Counsellor"


def test_a_running_session_takes_homework_that_the_client_sees() -> None:
    _need("CAREGIVER", "CLIENT")
    facts = known()
    session_id = _session()
    books = facts.book_ids[:2] or [1]

    assigned = call(
        "assignHomeworkUsingPUT",
        "CAREGIVER",
        json={"sessionId": session_id, "bookIds": books, "startDate": today(), "endDate": today()},
    )
    detail = call("getSessionUsingGET", "CAREGIVER", path_params={"sessionId": session_id}).json()
    mine = call("listMyAssignmentsUsingGET", "CLIENT", query={"size": 1000}).json()

    assert assigned.status_code == 200, assigned.text
    assert detail["session"]["status"] == "RUNNING"
    assert {a["bookId"] for a in detail["assignments"]} >= set(books)
    if facts.client_id == facts.client_self_id:
        assert {a["id"] for a in assigned.json()} <= {a["id"] for a in mine["content"]}


def test_a_closed_session_stays_closed_and_refuses_changes() -> None:
    _need("CAREGIVER")
    session_id = _session()
    where = {"sessionId": session_id}

    closed = call("closeSessionUsingPUT", "CAREGIVER", path_params=where)
    again = call("closeSessionUsingPUT", "CAREGIVER", path_params=where)
    read = call("getSessionUsingGET", "CAREGIVER", path_params=where).json()
    homework = call(
        "assignHomeworkUsingPUT",
        "CAREGIVER",
        json={
            "sessionId": session_id,
            "bookIds": known().book_ids[:1] or [1],
            "startDate": today(),
            "endDate": today(),
        },
    )
    update = call("updateSessionUsingPUT", "CAREGIVER", path_params=where, json={"title": "Too late"})

    assert (closed.status_code, again.status_code) == (200, 200), "closing is idempotent"
    assert read["session"]["status"] == "CLOSED"
    assert homework.status_code == 409, f"homework in a closed session: {homework.status_code}"
    assert update.status_code == 409, f"update of a closed session: {update.status_code}"


def test_several_sessions_chain_week_after_week() -> None:
    _need("CAREGIVER")
    facts = known()
    if facts.client_id is None:
        pytest.skip("no client assigned to the CAREGIVER user was found")
    body = {"clientId": facts.client_id, "title": "Series", "date": today(), "time": "08:00", "sessionCount": 3}

    response = call("createSessionUsingPOST", "CAREGIVER", json=body)

    assert response.status_code == 200
    assert len(response.json()) == 3


@pytest.mark.parametrize("operation", ["createClientUsingPOST", "createCaregiverUsingPOST"])
def test_an_email_in_use_is_409(operation: str) -> None:
    _need("CLINIC")
    body = {"name": "Twice", "email": new_email("dup")}

    first = call(operation, "CLINIC", json=body)
    second = call(operation, "CLINIC", json={**body, "email": body["email"].upper()})

    assert first.status_code == 200
    assert second.status_code == 409, f"a second user with the same e-mail: {second.status_code}"


def test_pages_honour_their_size_and_totals() -> None:
    _need("CLINIC")
    for _ in range(3):
        call("createClientUsingPOST", "CLINIC", json={"name": "Paged", "email": new_email("page")})

    first = call("listClientsUsingGET", "CLINIC", query={"page": 0, "size": 2}).json()
    total = first["totalElements"]
    last_page = call("listClientsUsingGET", "CLINIC", query={"page": first["totalPages"] - 1, "size": 2}).json()

    assert len(first["content"]) == 2
    assert len(last_page["content"]) == total - 2 * (first["totalPages"] - 1)
    everything = call("listClientsUsingGET", "CLINIC", query={"size": 1000}).json()
    assert len(everything["content"]) == total == everything["totalElements"]


def test_unknown_references_are_404() -> None:
    _need("CAREGIVER", "CLINIC", "INSTITUTE")
    rt = runtime.current()
    missing = 9_000_000_000
    answers = {
        "session for an unknown client": call(
            "createSessionUsingPOST",
            "CAREGIVER",
            json={"clientId": missing, "title": "x", "date": today(), "time": "09:00"},
        ),
        "homework in an unknown session": call(
            "assignHomeworkUsingPUT",
            "CAREGIVER",
            json={"sessionId": missing, "bookIds": [1], "startDate": today(), "endDate": today()},
        ),
        "close an unknown session": call("closeSessionUsingPUT", "CAREGIVER", path_params={"sessionId": missing}),
        "update an unknown session": call(
            "updateSessionUsingPUT", "CAREGIVER", path_params={"sessionId": missing}, json={"title": "x"}
        ),
        "triage in an unknown clinic": call(
            "triageUsingPUT", "CAREGIVER", path_params={"clinicCode": "ZZZZZZZZZ9"}, json={"text": "x"}
        ),
        "update an unknown client": call(
            "updateClientUsingPUT", "CLINIC", path_params={"clientId": missing}, json={"name": "x"}
        ),
        "update an unknown care provider": call(
            "updateCaregiverUsingPUT", "CLINIC", path_params={"caregiverId": missing}, json={"name": "x"}
        ),
        "IdP token in an unknown clinic": call(
            "getTokenByGoogleUsingPOST", "INSTITUTE", query=_google_query("unknown-clinic-code", missing)
        ),
        "SSO with an unknown clinic": call(
            "instituteSsoUsingPOST",
            "INSTITUTE",
            json={
                "apiKey": rt.target.client_id,
                "clientId": "idp-client",
                "clinicEmail": "no-such-clinic@example.com",
                "code": "code",
                "userType": "CLIENT",
            },
        ),
        "FCM token of an unknown user": call(
            "registerFcmTokenUsingPOST", "none", json={"token": "987578", "userId": "nobody@example.com"}
        ),
    }
    assert {what: r.status_code for what, r in answers.items()} == dict.fromkeys(answers, 404)


def _google_query(code: str, clinic_id: object) -> dict[str, object]:
    target = runtime.current().target
    return {
        "client_id": target.client_id,
        "client_secret": target.client_secret,
        "grant_type": "authorization_code",
        "code": code,
        "user_type": "CLIENT",
        "clinic_optt_id": clinic_id,
    }


def _claims(token: str) -> dict[str, Any]:
    """A JWT's claims, unverified: what the token says about its user."""
    payload = token.split(".")[1]
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return claims


def test_identity_provider_sign_in_and_device_registration() -> None:
    _need("INSTITUTE", "CLINIC", "CLIENT")
    rt = runtime.current()
    clinic = known().clinic_ids.get("CLINIC")
    code = f"idp-{new_email('code')}"
    google = call("getTokenByGoogleUsingPOST", "INSTITUTE", query=_google_query(code, clinic))
    again = call("getTokenByGoogleUsingPOST", "INSTITUTE", query=_google_query(code, clinic))
    sso = call(
        "instituteSsoUsingPOST",
        "INSTITUTE",
        json={
            "apiKey": rt.target.client_id,
            "clientId": "idp-client",
            "clinicEmail": rt.target.user("CLINIC").username,
            "code": f"sso-{new_email('code')}",
            "userType": "CAREGIVER",
        },
    )
    device = call(
        "registerFcmTokenUsingPOST", "none", json={"token": "987578", "userId": rt.target.user("CLIENT").username}
    )

    assert (google.status_code, again.status_code, sso.status_code, device.status_code) == (200, 200, 200, 200)
    # Each token signs in a user of the requested type; the same IdP code is the same user.
    tokens = runtime.current().tokens
    as_client = tokens.adopt(google.json()["access_token"], "CLIENT")
    as_caregiver = tokens.adopt(sso.json()["access_token"], "CAREGIVER")
    assert _claims(as_client)["authorities"] == ["CLIENT"]
    assert _claims(as_caregiver)["authorities"] == ["CAREGIVER"]
    assert _claims(tokens.adopt(again.json()["access_token"], "CLIENT"))["user_name"] == _claims(as_client)["user_name"]
    mine = call("listMySessionsUsingGET", "none", headers={"Authorization": f"Bearer {as_client}"})
    theirs = call("listSessionsUsingGET", "none", headers={"Authorization": f"Bearer {as_caregiver}"})
    assert (mine.status_code, theirs.status_code) == (200, 200)


def test_an_unknown_path_is_404() -> None:
    _need("CLINIC")

    response = raw_get("/profile/no-such-resource", "CLINIC")

    assert response.status_code == 404, f"unknown path answered {response.status_code}"
