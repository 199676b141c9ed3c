"""Workflows a user of the sandbox goes through: clients, care providers, sessions and homework, tenancy."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sandbox_helpers import RunningSandbox

from optt.sandbox.seed import TEST_TOKENS

CLINIC1 = {"Authorization": f"bearer {TEST_TOKENS['CLINIC']}"}
CAREGIVER1 = {"Authorization": f"bearer {TEST_TOKENS['CAREGIVER']}"}
CLIENT1 = {"Authorization": f"bearer {TEST_TOKENS['CLIENT']}"}


def _email(prefix: str = "user") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}@example.com"


def _day(offset_days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=offset_days)).strftime("%Y/%m/%d")


@pytest.fixture
def http(sandbox: RunningSandbox) -> Iterator[httpx.Client]:
    with sandbox.client() as client:
        yield client


@pytest.fixture(scope="module")
def clinic2(sandbox: RunningSandbox) -> dict[str, str]:
    return sandbox.bearer("clinic2@sandbox.optt.local")


def _fields(response: httpx.Response) -> set[str]:
    return {item["field"] for item in response.json().get("errors", [])}


# -- clients ---------------------------------------------------------------------------------------------------
def test_client_create_read_list_update(http: httpx.Client) -> None:
    email = _email("alex")
    created = http.post(
        "/profile/clinic/client",
        headers={**CLINIC1, "offset": "1"},
        json={
            "name": "Alex Tremblay",
            "email": email,
            "mobile": "+15145550100",
            "language": "FR",
            "caregiverList": [1],
        },
    )
    assert created.status_code == 200
    client = created.json()
    assert client["email"] == email and client["clinicId"] == 1 and client["caregiverList"] == [1]
    assert client["status"] == "ACTIVE" and client["fromCpm"] is False and client["imageExtension"] is None

    read = http.get(f"/profile/clinic/client/{client['id']}", headers=CLINIC1)
    assert read.status_code == 200 and read.json() == client

    listed = http.get("/profile/clinic/client", params={"size": 1000}, headers=CLINIC1).json()
    assert client in listed["content"]

    updated = http.put(f"/profile/clinic/client/{client['id']}", json={"status": "INACTIVE"}, headers=CLINIC1)
    assert updated.status_code == 200 and updated.json()["status"] == "INACTIVE"
    assert http.get(f"/profile/clinic/client/{client['id']}", headers=CLINIC1).json()["status"] == "INACTIVE"
    inactive = http.get("/profile/clinic/client", params={"status": "INACTIVE", "size": 1000}, headers=CLINIC1).json()
    assert all(item["status"] == "INACTIVE" for item in inactive["content"])
    assert client["id"] in [item["id"] for item in inactive["content"]]


def test_new_client_can_log_in_with_the_sandbox_password(sandbox: RunningSandbox, http: httpx.Client) -> None:
    email = _email("login")
    assert http.post("/profile/clinic/client", json={"name": "L", "email": email}, headers=CLINIC1).status_code == 200
    token = sandbox.login(email)["access_token"]
    assert http.get("/profile/client/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_duplicate_email_is_409_across_roles(http: httpx.Client) -> None:
    email = _email("dup")
    assert http.post("/profile/clinic/client", json={"name": "A", "email": email}, headers=CLINIC1).status_code == 200
    again = http.post("/profile/clinic/client", json={"name": "B", "email": email.upper()}, headers=CLINIC1)
    assert again.status_code == 409 and again.json()["error"] == "Conflict"
    as_caregiver = http.post("/profile/clinic/caregiver", json={"name": "C", "email": email}, headers=CLINIC1)
    assert as_caregiver.status_code == 409
    seeded = http.post("/profile/clinic/client", json={"name": "D", "email": "laleh@optt.ca"}, headers=CLINIC1)
    assert seeded.status_code == 409


def test_client_with_another_clinics_caregiver_is_400_naming_the_field(http: httpx.Client) -> None:
    response = http.post(
        "/profile/clinic/client", json={"name": "A", "email": _email(), "caregiverList": [2]}, headers=CLINIC1
    )
    assert response.status_code == 400
    assert _fields(response) == {"caregiverList"}


def test_client_create_with_first_session(http: httpx.Client) -> None:
    response = http.post(
        "/profile/clinic/client",
        json={
            "name": "With Session",
            "email": _email("s"),
            "session": {"caregiverId": 1, "title": "Intake", "date": _day(3), "time": "10:00", "bookIdList": [1]},
        },
        headers=CLINIC1,
    )
    assert response.status_code == 200
    client = response.json()
    assert client["caregiverList"] == [1]
    sessions = http.get("/profile/caregiver/session", params={"clientId": client["id"]}, headers=CAREGIVER1).json()
    assert [s["title"] for s in sessions["content"]] == ["Intake"]
    assert sessions["content"][0]["status"] == "PLANNED"


def test_other_tenants_client_is_404_like_a_missing_one(http: httpx.Client, clinic2: dict[str, str]) -> None:
    mine = http.get("/profile/clinic/client/2", headers=clinic2)
    assert mine.status_code == 200 and mine.json()["clinicId"] == 2
    foreign = http.get("/profile/clinic/client/1", headers=clinic2)
    missing = http.get("/profile/clinic/client/987654321", headers=clinic2)
    assert foreign.status_code == missing.status_code == 404
    assert http.put("/profile/clinic/client/1", json={"name": "x"}, headers=clinic2).status_code == 404
    listed = http.get("/profile/clinic/client", params={"size": 1000}, headers=clinic2).json()
    assert {item["clinicId"] for item in listed["content"]} == {2}
    assert http.get("/profile/clinic/caregiver/1", headers=clinic2).status_code == 404


# -- care providers --------------------------------------------------------------------------------------------
def test_caregiver_create_read_list_update(http: httpx.Client) -> None:
    created = http.post(
        "/profile/clinic/caregiver",
        json={
            "name": "Dr. Sam Roy",
            "email": _email("sam"),
            "mobile": "093",
            "position": "Psychologist",
            "clientIds": [1],
        },
        headers=CLINIC1,
    )
    assert created.status_code == 200
    caregiver = created.json()
    assert caregiver["clientIds"] == [1] and caregiver["activationStatus"] == "ACTIVE" and caregiver["clinicId"] == 1
    assert http.get(f"/profile/clinic/caregiver/{caregiver['id']}", headers=CLINIC1).json() == caregiver
    listed = http.get("/profile/clinic/caregiver", params={"size": 1000}, headers=CLINIC1).json()
    assert caregiver in listed["content"]
    updated = http.put(
        f"/profile/clinic/caregiver/{caregiver['id']}",
        json={"activationStatus": "INACTIVE", "clientIds": []},
        headers=CLINIC1,
    ).json()
    assert updated["activationStatus"] == "INACTIVE" and updated["clientIds"] == []
    client = http.get("/profile/clinic/client/1", headers=CLINIC1).json()
    assert caregiver["id"] not in client["caregiverList"]


def test_caregiver_with_another_clinics_client_is_400(http: httpx.Client) -> None:
    response = http.post(
        "/profile/clinic/caregiver", json={"name": "X", "email": _email(), "clientIds": [2]}, headers=CLINIC1
    )
    assert response.status_code == 400 and _fields(response) == {"clientIds"}


# -- sessions and homework -------------------------------------------------------------------------------------
@pytest.fixture
def pair(sandbox: RunningSandbox, http: httpx.Client) -> tuple[dict[str, Any], dict[str, str], dict[str, Any]]:
    """A fresh care provider (logged in) with a fresh client assigned to them, in clinic 1."""
    caregiver = http.post(
        "/profile/clinic/caregiver", json={"name": "CP", "email": _email("cp")}, headers=CLINIC1
    ).json()
    client = http.post(
        "/profile/clinic/client",
        json={"name": "Cl", "email": _email("cl"), "caregiverList": [caregiver["id"]]},
        headers=CLINIC1,
    ).json()
    return caregiver, sandbox.bearer(caregiver["email"]), client


def test_session_workflow(
    sandbox: RunningSandbox, http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]
) -> None:
    caregiver, auth, client = pair
    start = _day(2)
    created = http.post(
        "/profile/caregiver/session",
        json={
            "clientId": client["id"],
            "title": "Week",
            "date": start,
            "time": "09:30",
            "sessionCount": 3,
            "remindDays": 3,
        },
        headers=auth,
    )
    assert created.status_code == 200
    sessions = created.json()
    assert len(sessions) == 3
    for previous, current in itertools.pairwise(sessions):
        assert current["date"] == previous["endDate"]
    first = sessions[0]
    assert first["date"] == start and first["status"] == "PLANNED" and first["caregiverId"] == caregiver["id"]
    assert datetime.strptime(first["endDate"], "%Y/%m/%d") - datetime.strptime(start, "%Y/%m/%d") == timedelta(days=7)

    running = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "Now", "date": _day(-1), "time": "08:00"},
        headers=auth,
    ).json()[0]
    assert running["status"] == "RUNNING"

    assigned = http.put(
        "/profile/caregiver/session/assignment",
        json={
            "sessionId": running["id"],
            "bookIds": [1, 2],
            "startDate": _day(0),
            "startTime": "09:00",
            "endDate": _day(5),
            "endTime": "18:00",
            "remindDates": [{"date": _day(2), "time": "12:00"}],
        },
        headers=auth,
    )
    assert assigned.status_code == 200
    assert [a["bookId"] for a in assigned.json()] == [1, 2]

    detail = http.get(f"/profile/caregiver/session/{running['id']}", headers=auth).json()
    assert detail["session"] == running
    assert [a["id"] for a in detail["assignments"]] == [a["id"] for a in assigned.json()]

    retitled = http.put(f"/profile/caregiver/session/{running['id']}", json={"title": "Renamed"}, headers=auth)
    assert retitled.status_code == 200 and retitled.json()["title"] == "Renamed"

    listed = http.get("/profile/caregiver/session", params={"status": "RUNNING"}, headers=auth).json()
    assert [s["id"] for s in listed["content"]] == [running["id"]]

    closed = http.put(f"/profile/caregiver/session/{running['id']}/close", headers=auth)
    assert closed.status_code == 200 and closed.json()["status"] == "CLOSED"
    again = http.put(f"/profile/caregiver/session/{running['id']}/close", headers=auth)
    assert again.status_code == 200 and again.json()["status"] == "CLOSED"
    assert http.get(f"/profile/caregiver/session/{running['id']}", headers=auth).json()["session"]["status"] == "CLOSED"

    late = http.put(
        "/profile/caregiver/session/assignment",
        json={"sessionId": running["id"], "bookIds": [3], "startDate": _day(0), "endDate": _day(1)},
        headers=auth,
    )
    assert late.status_code == 409
    assert http.put(f"/profile/caregiver/session/{running['id']}", json={"title": "x"}, headers=auth).status_code == 409

    client_auth = sandbox.bearer(client["email"])
    own_sessions = http.get("/profile/client/session", headers=client_auth).json()
    assert own_sessions["totalElements"] == 4
    own_assignments = http.get("/profile/client/assignment", headers=client_auth).json()
    assert sorted(a["bookId"] for a in own_assignments["content"]) == [1, 2]


def test_session_date_change_moves_end_date(
    http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]
) -> None:
    _, auth, client = pair
    session = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "T", "date": _day(1), "time": "09:00"},
        headers=auth,
    ).json()[0]
    moved = http.put(f"/profile/caregiver/session/{session['id']}", json={"date": "2030/01/01"}, headers=auth).json()
    assert (moved["date"], moved["endDate"]) == ("2030/01/01", "2030/01/08")


def test_early_and_late_dates_round_trip(
    http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]
) -> None:
    _, auth, client = pair
    early = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "T", "date": "0001/01/01", "time": "00:10"},
        headers=auth,
    )
    assert early.status_code == 200
    assert (early.json()[0]["date"], early.json()[0]["endDate"]) == ("0001/01/01", "0001/01/08")
    assert http.get("/profile/caregiver/session", params={"status": "RUNNING"}, headers=auth).status_code == 200
    late = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "T", "date": "9999/12/30", "time": "00:10"},
        headers=auth,
    )
    assert late.status_code == 400 and _fields(late) == {"date"}


def test_assignment_rules(http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]) -> None:
    _, auth, client = pair
    session = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "T", "date": _day(0), "time": "00:00"},
        headers=auth,
    ).json()[0]
    backwards = http.put(
        "/profile/caregiver/session/assignment",
        json={"sessionId": session["id"], "bookIds": [1], "startDate": "2026/12/10", "endDate": "2026/12/01"},
        headers=auth,
    )
    assert backwards.status_code == 400 and _fields(backwards) == {"endDate"}
    unknown_book = http.put(
        "/profile/caregiver/session/assignment",
        json={"sessionId": session["id"], "bookIds": [1, 999999], "startDate": "2026/12/01", "endDate": "2026/12/02"},
        headers=auth,
    )
    assert unknown_book.status_code == 400 and _fields(unknown_book) == {"bookIds"}
    no_session = http.put(
        "/profile/caregiver/session/assignment",
        json={"sessionId": 99999999, "bookIds": [1], "startDate": "2026/12/01", "endDate": "2026/12/02"},
        headers=auth,
    )
    assert no_session.status_code == 404
    bad_date = http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "T", "date": "2026/02/30", "time": "09:00"},
        headers=auth,
    )
    assert bad_date.status_code == 400 and _fields(bad_date) == {"date"}


def test_caregiver_sees_only_assigned_clients_and_own_sessions(
    http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]
) -> None:
    _, auth, _client = pair
    # the seeded client 1 is not assigned to the fresh care provider
    unassigned = http.post(
        "/profile/caregiver/session", json={"clientId": 1, "title": "T", "date": _day(1), "time": "09:00"}, headers=auth
    )
    assert unassigned.status_code == 404
    other_clinic = http.post(
        "/profile/caregiver/session", json={"clientId": 2, "title": "T", "date": _day(1), "time": "09:00"}, headers=auth
    )
    assert other_clinic.status_code == 404
    theirs = http.post(
        "/profile/caregiver/session",
        json={"clientId": 1, "title": "Seeded", "date": _day(1), "time": "09:00"},
        headers=CAREGIVER1,
    ).json()[0]
    assert http.get(f"/profile/caregiver/session/{theirs['id']}", headers=auth).status_code == 404
    assert http.put(f"/profile/caregiver/session/{theirs['id']}/close", headers=auth).status_code == 404
    mine = http.get("/profile/caregiver/session", headers=auth).json()
    assert theirs["id"] not in [s["id"] for s in mine["content"]]


def test_client_sees_only_own_sessions(
    http: httpx.Client, pair: tuple[dict[str, Any], dict[str, str], dict[str, Any]]
) -> None:
    _, auth, client = pair
    http.post(
        "/profile/caregiver/session",
        json={"clientId": client["id"], "title": "Other", "date": _day(1), "time": "09:00"},
        headers=auth,
    )
    seeded_view = http.get("/profile/client/session", params={"size": 1000}, headers=CLIENT1).json()
    assert {s["clientId"] for s in seeded_view["content"]} <= {1}


# -- library, triage -------------------------------------------------------------------------------------------
def test_books_are_paged(http: httpx.Client) -> None:
    first = http.get("/profile/book", params={"page": 0, "size": 4}, headers=CLINIC1).json()
    assert (first["page"], first["size"], first["totalElements"], first["totalPages"]) == (0, 4, 10, 3)
    assert [b["id"] for b in first["content"]] == [1, 2, 3, 4]
    last = http.get("/profile/book", params={"page": 2, "size": 4}, headers=CAREGIVER1).json()
    assert [b["id"] for b in last["content"]] == [9, 10]
    beyond = http.get("/profile/book", params={"page": 5, "size": 4}, headers=CLINIC1).json()
    assert beyond["content"] == [] and beyond["totalElements"] == 10


def test_triage_is_deterministic_and_scoped_to_the_caregivers_clinic(http: httpx.Client) -> None:
    body = {
        "text": "I have been sleeping badly and feel anxious most days.",
        "scores": [{"instrument": "GAD-7", "score": 12}],
    }
    first = http.put("/profile/caregiver/clinic/TWF5D0FPE8/triage", json=body, headers=CAREGIVER1)
    second = http.put("/profile/caregiver/clinic/TWF5D0FPE8/triage", json=body, headers=CAREGIVER1)
    assert first.status_code == second.status_code == 200
    assert first.json()["riskLevel"] == second.json()["riskLevel"] == "MODERATE"
    assert first.json()["id"] != second.json()["id"]
    critical = http.put(
        "/profile/caregiver/clinic/TWF5D0FPE8/triage", json={"text": "I think about suicide"}, headers=CAREGIVER1
    )
    assert critical.json()["riskLevel"] == "CRITICAL"
    assert http.put("/profile/caregiver/clinic/SANDBOX002/triage", json=body, headers=CAREGIVER1).status_code == 404
    bad_code = http.put("/profile/caregiver/clinic/lower/triage", json=body, headers=CAREGIVER1)
    assert bad_code.status_code == 400 and _fields(bad_code) == {"clinicCode"}


# -- identity providers, notifications --------------------------------------------------------------------------
def test_google_token_creates_the_user_once(sandbox: RunningSandbox, http: httpx.Client) -> None:
    institute = sandbox.bearer("institute")
    code = f"4/idp-{uuid.uuid4().hex}"
    params = {
        "client_id": sandbox.settings.client_id,
        "client_secret": sandbox.settings.client_secret,
        "grant_type": "authorization_code",
        "code": code,
        "user_type": "CLIENT",
        "clinic_optt_id": 1,
    }
    first = http.post("/profile/token/google", params=params, headers=institute)
    second = http.post("/profile/token/google", params=params, headers=institute)
    assert first.status_code == second.status_code == 200
    assert first.json()["expires_in"] == 300 and first.headers["cache-control"] == "no-store"
    token = first.json()["access_token"]
    me = http.get("/profile/client/session", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    clients = http.get("/profile/clinic/client", params={"size": 1000}, headers=CLINIC1).json()["content"]
    assert len([c for c in clients if c["email"].startswith("idp-")]) == len(
        {c["email"] for c in clients if c["email"].startswith("idp-")}
    )

    wrong_secret = http.post("/profile/token/google", params={**params, "client_secret": "nope"}, headers=institute)
    assert wrong_secret.status_code == 401 and "nope" not in wrong_secret.text
    assert (
        http.post("/profile/token/google", params={**params, "clinic_optt_id": 999}, headers=institute).status_code
        == 404
    )
    assert http.post("/profile/token/google", params=params, headers=CLINIC1).status_code == 403
    missing = http.post(
        "/profile/token/google", params={k: v for k, v in params.items() if k != "code"}, headers=institute
    )
    assert missing.status_code == 400 and _fields(missing) == {"code"}


def test_sso_creates_the_user_once(sandbox: RunningSandbox, http: httpx.Client) -> None:
    institute = sandbox.bearer("institute")
    body = {
        "apiKey": sandbox.settings.client_id,
        "clientId": "123-idp.apps.example.com",
        "clinicEmail": "clinic2@sandbox.optt.local",
        "code": f"sso-{uuid.uuid4().hex}",
        "userType": "CAREGIVER",
        "redirect_uri": "",
    }
    first = http.post("/profile/institute/sso", json=body, headers=institute)
    assert first.status_code == 200
    second = http.post("/profile/institute/sso", json=body, headers=institute)
    assert second.status_code == 200
    token = second.json()["access_token"]
    assert http.get("/profile/caregiver/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert http.post("/profile/institute/sso", json={**body, "apiKey": "other"}, headers=institute).status_code == 401
    unknown = http.post("/profile/institute/sso", json={**body, "clinicEmail": "no@example.com"}, headers=institute)
    assert unknown.status_code == 404


def test_fcm_token_needs_no_auth_and_a_known_user(http: httpx.Client) -> None:
    ok = http.post("/api/fcm-token", json={"token": "987578", "userId": "laleh@citronity.com"})
    assert ok.status_code == 200 and ok.json()["userId"] == "laleh@citronity.com"
    assert http.post("/api/fcm-token", json={"token": "1", "userId": "nobody@example.com"}).status_code == 404
    bad = http.post("/api/fcm-token", json={"token": "", "userId": "not-an-email"})
    assert bad.status_code == 400 and _fields(bad) == {"token", "userId"}


# -- routing and malformed input -------------------------------------------------------------------------------
def test_unknown_path_is_404_with_error_body(sandbox: RunningSandbox) -> None:
    for url in (
        f"{sandbox.base}/profile/nothing",
        f"{sandbox.url}/elsewhere",
        f"{sandbox.base}/profile/clinic/client/1/x",
    ):
        response = httpx.get(url)
        assert response.status_code == 404
        assert response.json()["status"] == 404 and response.json()["path"]
        assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", "/profile/clinic/client", "GET, POST"),
        ("PATCH", "/profile/clinic/client/1", "GET, PUT"),
        ("GET", "/profile/caregiver/session/assignment", "PUT"),
        ("POST", "/profile/book", "GET"),
        ("GET", "/api/fcm-token", "POST"),
    ],
)
def test_wrong_method_is_405_with_allow(http: httpx.Client, method: str, path: str, allow: str) -> None:
    response = http.request(method, path, headers=CLINIC1)
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    options = http.options(path)
    assert options.status_code == 204 and options.headers["allow"] == allow


@pytest.mark.parametrize(
    ("content", "headers", "field"),
    [
        (b'{"name": "x", "email": ', {"Content-Type": "application/json"}, "body"),
        (b'{"name": "x", "email": "a@b.c"}', {"Content-Type": "text/plain"}, "Content-Type"),
        (b"", {"Content-Type": "application/json"}, "body"),
        (b'{"name": NaN, "email": "a@b.c"}', {"Content-Type": "application/json"}, "body"),
        (b'{"name": "\\ud800", "email": "a@b.c"}', {"Content-Type": "application/json"}, "body"),
        (b"[1, 2]", {"Content-Type": "application/json"}, "body"),
    ],
    ids=["malformed", "wrong-content-type", "empty", "nan", "lone-surrogate", "array"],
)
def test_malformed_bodies_are_400(http: httpx.Client, content: bytes, headers: dict[str, str], field: str) -> None:
    response = http.post("/profile/clinic/client", content=content, headers={**CLINIC1, **headers})
    assert response.status_code == 400
    assert field in _fields(response)


def test_every_bad_field_is_named(http: httpx.Client) -> None:
    response = http.post(
        "/profile/clinic/client",
        json={"name": "x" * 101, "email": "not-an-email", "language": "DE", "caregiverList": [0, 0], "unknown": 1},
        headers=CLINIC1,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "Bad Request" and body["path"] == "/gateway/profile/clinic/client"
    assert {"name", "email", "language"} <= _fields(response)
    assert any(field.startswith("caregiverList") for field in _fields(response))
    missing = http.post("/profile/clinic/client", json={}, headers=CLINIC1)
    assert _fields(missing) == {"name", "email"}


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/profile/clinic/client/abc", {}, "clientId"),
        ("/profile/clinic/client/0", {}, "clientId"),
        ("/profile/clinic/client/99999999999999999999", {}, "clientId"),
        ("/profile/clinic/client", {"page": "-1"}, "page"),
        ("/profile/clinic/client", {"size": "0"}, "size"),
        ("/profile/clinic/client", {"size": "1001"}, "size"),
        ("/profile/clinic/client", {"status": "GONE"}, "status"),
    ],
)
def test_bad_parameters_are_400_naming_them(http: httpx.Client, path: str, params: dict[str, str], field: str) -> None:
    response = http.get(path, params=params, headers=CLINIC1)
    assert response.status_code == 400
    assert _fields(response) == {field}


def test_bad_offset_header_is_400(http: httpx.Client) -> None:
    response = http.post(
        "/profile/clinic/client", json={"name": "x", "email": _email()}, headers={**CLINIC1, "offset": "99"}
    )
    assert response.status_code == 400 and _fields(response) == {"offset"}


def test_health_and_spec(sandbox: RunningSandbox) -> None:
    health = httpx.get(f"{sandbox.url}/health")
    assert health.status_code == 200 and health.json() == {"status": "ok"}
    spec = httpx.get(f"{sandbox.url}/openapi.yaml")
    assert spec.status_code == 200
    assert spec.content == Path(sandbox.settings.spec_path).read_bytes()


def test_request_id_is_echoed_or_generated(http: httpx.Client) -> None:
    echoed = http.get("/profile/book", headers={**CLINIC1, "X-Request-Id": "my-trace-42"})
    assert echoed.headers["x-request-id"] == "my-trace-42"
    generated = http.get("/profile/book", headers={**CLINIC1, "X-Request-Id": "bad id with spaces"})
    assert generated.headers["x-request-id"] not in ("", "bad id with spaces")
