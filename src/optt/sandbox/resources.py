"""The Data API's resources: clients, care providers, sessions, homework, books and triage."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from optt.sandbox.calls import Call, Handler, Reply
from optt.sandbox.errors import ApiError, FieldError, utc_now_iso
from optt.sandbox.store import Row, UniqueViolationError
from optt.sandbox.triage import assess

__all__ = ["HANDLERS"]

SESSION_LENGTH = timedelta(days=7)
_DATE_FORMAT = "%Y/%m/%d"


# -- helpers ---------------------------------------------------------------------------------------------------
def _not_found(kind: str, ident: object) -> ApiError:
    return ApiError(404, f"{kind} {ident} not found")


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, "Validation failed: 1 error", [FieldError(field, message)])


def _parse_date(value: str, field: str) -> date:
    try:
        return datetime.strptime(value, _DATE_FORMAT).date()
    except ValueError as exc:
        raise _bad(field, f"'{value}' is not a calendar date") from exc


def _fmt(day: date) -> str:
    # Not strftime: glibc's %Y does not zero-pad years before 1000.
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}"


def _plus_weeks(day: date, weeks: int, field: str) -> date:
    try:
        return day + weeks * SESSION_LENGTH
    except OverflowError as exc:
        raise _bad(field, "is too late: the session would end after 9999/12/31") from exc


def _page(call: Call, rows: list[Any], total: int) -> dict[str, Any]:
    size = int(call.params.get("size", 50))
    page = int(call.params.get("page", 0))
    if call.faults.on("list_total_wrong"):
        total += 1
    return {
        "content": rows,
        "page": page,
        "size": size,
        "totalElements": total,
        "totalPages": math.ceil(total / size) if size else 0,
    }


def _window(call: Call) -> tuple[int, int]:
    size = int(call.params.get("size", 50))
    page = int(call.params.get("page", 0))
    if call.faults.on("page_size_ignored"):
        return 0, 2**31
    return page * size, size


def _ok(body: Any) -> Reply:
    return Reply(200, body)


def _clinic_id(call: Call) -> int:
    assert call.user is not None
    return int(call.user["clinic_id"])


def _me_caregiver(call: Call) -> Row:
    assert call.user is not None
    row = call.store.caregiver_by_user(int(call.user["id"]))
    if row is None:
        raise ApiError(403, "Access is denied")
    return row


def _me_client(call: Call) -> Row:
    assert call.user is not None
    row = call.store.client_by_user(int(call.user["id"]))
    if row is None:
        raise ApiError(403, "Access is denied")
    return row


def _check_ids(call: Call, table: str, clinic_id: int, ids: list[int], field: str, kind: str) -> None:
    known = call.store.ids_in_clinic(table, clinic_id, ids)
    missing = [ident for ident in ids if ident not in known]
    if missing:
        raise _bad(field, f"unknown {kind} in this clinic: {', '.join(map(str, missing))}")


def _check_books(call: Call, ids: list[int], field: str) -> None:
    known = call.store.existing_books(ids)
    missing = [ident for ident in ids if ident not in known]
    if missing:
        raise _bad(field, f"unknown book(s): {', '.join(map(str, missing))}")


def _new_user(call: Call, email: str, role: str, clinic_id: int) -> int:
    username = email.lower()
    try:
        return call.store.create_user(username, role, clinic_id)
    except UniqueViolationError:
        if role == "CLIENT" and call.faults.on("duplicate_email_allowed"):
            return call.store.create_user(f"{username}#duplicate-{utc_now_iso()}-{id(call)}", role, clinic_id)
        raise ApiError(409, "A user with this e-mail already exists") from None


# -- views -----------------------------------------------------------------------------------------------------
def client_view(call: Call, row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "mobile": row["mobile"],
        "language": row["language"],
        "status": row["status"],
        "clinicId": row["clinic_id"],
        "externalClientId": row["external_client_id"],
        "caregiverList": call.store.caregivers_of_client(int(row["id"])),
        "fromCpm": bool(row["from_cpm"]),
        "imageExtension": row["image_extension"],
    }


def caregiver_view(call: Call, row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "name": row["name"],
        "email": row["email"],
        "mobile": row["mobile"],
        "position": row["position"],
        "language": row["language"],
        "activationStatus": row["activation_status"],
        "clinicId": row["clinic_id"],
        "clientIds": call.store.clients_of_caregiver(int(row["id"])),
    }


def session_status(row: Row) -> str:
    if row["closed"]:
        return "CLOSED"
    year, month, day = (int(part) for part in str(row["date"]).split("/"))
    hour, minute = (int(part) for part in str(row["time"]).split(":"))
    start = datetime(year, month, day, hour, minute, tzinfo=UTC)
    return "PLANNED" if start > datetime.now(UTC) else "RUNNING"


def session_view(call: Call, row: Row) -> dict[str, Any]:
    status = session_status(row)
    if status == "RUNNING" and call.faults.on("enum_out_of_spec"):
        status = "ACTIVE"
    end_date = str(row["end_date"])
    if call.faults.on("date_wrong_format"):
        end_date = end_date.replace("/", "-")
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "date": row["date"],
        "time": row["time"],
        "endDate": end_date,
        "remindDays": row["remind_days"],
        "status": status,
        "caregiverId": row["caregiver_id"],
        "clientId": row["client_id"],
        "clinicId": row["clinic_id"],
        "designPlanId": row["design_plan_id"],
    }


def assignment_view(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "sessionId": row["session_id"],
        "bookId": row["book_id"],
        "startDate": row["start_date"],
        "startTime": row["start_time"],
        "endDate": row["end_date"],
        "endTime": row["end_time"],
        "remindDates": row["remind_dates"],
        "status": row["status"],
    }


# -- clinic: clients -------------------------------------------------------------------------------------------
def _create_sessions(
    call: Call, client: Row, caregiver_id: int, created_by: int, spec: dict[str, Any], prefix: str
) -> list[int]:
    """Create ``sessionCount`` chained one-week sessions; books go into the first. Returns their ids."""
    start = _parse_date(spec["date"], f"{prefix}date")
    book_ids: list[int] = list(spec.get("bookIdList") or [])
    _check_books(call, book_ids, f"{prefix}bookIdList")
    count = int(spec.get("sessionCount", 1))
    _plus_weeks(start, count, f"{prefix}date")
    ids: list[int] = []
    for index in range(count):
        day = start + index * SESSION_LENGTH
        end = day + SESSION_LENGTH
        session_id = call.store.insert_session(
            {
                "title": spec["title"],
                "description": spec.get("description"),
                "date": _fmt(day),
                "time": spec["time"],
                "end_date": _fmt(end),
                "remind_days": spec.get("remindDays"),
                "closed": 0,
                "caregiver_id": caregiver_id,
                "client_id": client["id"],
                "clinic_id": client["clinic_id"],
                "design_plan_id": spec.get("designPlanId"),
                "created_by": created_by,
            }
        )
        ids.append(session_id)
        if index == 0:
            for book_id in book_ids:
                call.store.insert_assignment(
                    {
                        "session_id": session_id,
                        "book_id": book_id,
                        "start_date": _fmt(day),
                        "start_time": spec["time"],
                        "end_date": _fmt(end),
                        "end_time": None,
                        "remind_dates": [],
                        "status": "ASSIGNED",
                    }
                )
    return ids


def create_client(call: Call) -> Reply:
    body: dict[str, Any] = call.body
    clinic_id = _clinic_id(call)
    if "clinicId" in body and body["clinicId"] != clinic_id:
        raise _bad("clinicId", "must be the caller's clinic")
    if len(body["name"]) == 100 and call.faults.on("server_error_on_long_name"):
        raise RuntimeError("planted fault: server_error_on_long_name")
    caregivers: list[int] = list(body.get("caregiverList") or [])
    _check_ids(call, "caregivers", clinic_id, caregivers, "caregiverList", "care provider(s)")
    first_session = body.get("session")
    if first_session is not None:
        _check_ids(
            call, "caregivers", clinic_id, [first_session["caregiverId"]], "session.caregiverId", "care provider"
        )
    with call.store.transaction():
        user_id = _new_user(call, body["email"], "CLIENT", clinic_id)
        client_id = call.store.insert_client(
            {
                "user_id": user_id,
                "name": body["name"],
                "email": body["email"],
                "mobile": body.get("mobile"),
                "language": body.get("language", "EN"),
                "status": body.get("status", "ACTIVE"),
                "clinic_id": clinic_id,
                "external_client_id": body.get("externalClientId"),
                "from_cpm": int(bool(body.get("fromCpm", False))),
                "image_extension": body.get("imageExtension"),
                "image_data": body.get("imageData"),
            }
        )
        links = list(caregivers)
        if first_session is not None and first_session["caregiverId"] not in links:
            links.append(first_session["caregiverId"])
        call.store.set_caregivers_of_client(client_id, links)
        client = call.store.client(client_id)
        assert client is not None
        if first_session is not None:
            caregiver_id = int(first_session["caregiverId"])
            _create_sessions(call, client, caregiver_id, caregiver_id, {**first_session, "sessionCount": 1}, "session.")
    view = client_view(call, client)
    if call.faults.on("created_client_lost"):
        view["id"] = int(view["id"]) + 1_000_000
    status = 201 if call.faults.on("create_client_wrong_status") else 200
    return Reply(status, view)


def _visible_client(call: Call, client_id: int) -> Row:
    row = call.store.client(client_id)
    if row is None:
        raise _not_found("Client", client_id)
    if row["clinic_id"] != _clinic_id(call) and not call.faults.on("cross_tenant_client_read"):
        raise _not_found("Client", client_id)
    return row


def list_clients(call: Call) -> Reply:
    offset, limit = _window(call)
    rows, total = call.store.clients_page(_clinic_id(call), call.params.get("status"), offset, limit)
    return _ok(_page(call, [client_view(call, row) for row in rows], total))


def get_client(call: Call) -> Reply:
    view = client_view(call, _visible_client(call, int(call.params["clientId"])))
    if call.faults.on("client_drops_required_field"):
        del view["email"]
    return _ok(view)


_CLIENT_COLUMNS = {
    "name": "name",
    "mobile": "mobile",
    "language": "language",
    "status": "status",
    "externalClientId": "external_client_id",
}


def update_client(call: Call) -> Reply:
    row = _visible_client(call, int(call.params["clientId"]))
    body: dict[str, Any] = call.body
    caregivers = body.get("caregiverList")
    if caregivers is not None:
        _check_ids(call, "caregivers", _clinic_id(call), caregivers, "caregiverList", "care provider(s)")
    changes = {column: body[name] for name, column in _CLIENT_COLUMNS.items() if name in body}
    if call.faults.on("update_not_persisted"):
        view = client_view(call, {**row, **changes})
        if caregivers is not None:
            view["caregiverList"] = sorted(caregivers)
        return _ok(view)
    with call.store.transaction():
        call.store.update_client(int(row["id"]), changes)
        if caregivers is not None:
            call.store.set_caregivers_of_client(int(row["id"]), caregivers)
    updated = call.store.client(int(row["id"]))
    assert updated is not None
    return _ok(client_view(call, updated))


# -- clinic: care providers ------------------------------------------------------------------------------------
def create_caregiver(call: Call) -> Reply:
    body: dict[str, Any] = call.body
    assert call.user is not None
    # Another role only gets here with the caregiver_role_check_skipped fault.
    clinic_id = _clinic_id(call) if call.user["role"] == "CLINIC" else int(call.user["clinic_id"] or 1)
    if "clinicId" in body and body["clinicId"] != clinic_id:
        raise _bad("clinicId", "must be the caller's clinic")
    clients: list[int] = list(body.get("clientIds") or [])
    _check_ids(call, "clients", clinic_id, clients, "clientIds", "client(s)")
    with call.store.transaction():
        user_id = _new_user(call, body["email"], "CAREGIVER", clinic_id)
        caregiver_id = call.store.insert_caregiver(
            {
                "user_id": user_id,
                "name": body["name"],
                "email": body["email"],
                "mobile": body.get("mobile"),
                "position": body.get("position"),
                "language": body.get("language", "EN"),
                "activation_status": body.get("activationStatus", "ACTIVE"),
                "clinic_id": clinic_id,
            }
        )
        call.store.set_clients_of_caregiver(caregiver_id, clients)
        row = call.store.caregiver(caregiver_id)
    assert row is not None
    return _ok(caregiver_view(call, row))


def _visible_caregiver(call: Call, caregiver_id: int) -> Row:
    row = call.store.caregiver(caregiver_id)
    if row is None or row["clinic_id"] != _clinic_id(call):
        raise _not_found("Care provider", caregiver_id)
    return row


def list_caregivers(call: Call) -> Reply:
    offset, limit = _window(call)
    rows, total = call.store.caregivers_page(_clinic_id(call), offset, limit)
    return _ok(_page(call, [caregiver_view(call, row) for row in rows], total))


def get_caregiver(call: Call) -> Reply:
    return _ok(caregiver_view(call, _visible_caregiver(call, int(call.params["caregiverId"]))))


_CAREGIVER_COLUMNS = {
    "name": "name",
    "mobile": "mobile",
    "position": "position",
    "language": "language",
    "activationStatus": "activation_status",
}


def update_caregiver(call: Call) -> Reply:
    row = _visible_caregiver(call, int(call.params["caregiverId"]))
    body: dict[str, Any] = call.body
    clients = body.get("clientIds")
    if clients is not None:
        _check_ids(call, "clients", _clinic_id(call), clients, "clientIds", "client(s)")
    changes = {column: body[name] for name, column in _CAREGIVER_COLUMNS.items() if name in body}
    with call.store.transaction():
        call.store.update_caregiver(int(row["id"]), changes)
        if clients is not None:
            call.store.set_clients_of_caregiver(int(row["id"]), clients)
    updated = call.store.caregiver(int(row["id"]))
    assert updated is not None
    return _ok(caregiver_view(call, updated))


# -- care provider: sessions, homework, triage -----------------------------------------------------------------
def _visible_session(call: Call, session_id: int) -> Row:
    me = _me_caregiver(call)
    row = call.store.session(session_id)
    if row is None:
        raise _not_found("Session", session_id)
    mine = me["id"] in (row["caregiver_id"], row["created_by"])
    if not mine and not call.faults.on("session_cross_caregiver_read"):
        raise _not_found("Session", session_id)
    return row


def create_session(call: Call) -> Reply:
    me = _me_caregiver(call)
    body: dict[str, Any] = call.body
    client = call.store.client(int(body["clientId"]))
    if client is None or client["clinic_id"] != me["clinic_id"] or not call.store.is_linked(me["id"], client["id"]):
        raise _not_found("Client", body["clientId"])
    if "clinicId" in body and body["clinicId"] != client["clinic_id"]:
        raise _bad("clinicId", "must be the client's clinic")
    caregiver_id = int(body.get("caregiverId") or me["id"])
    if caregiver_id != me["id"]:
        _check_ids(call, "caregivers", int(me["clinic_id"]), [caregiver_id], "caregiverId", "care provider")
    with call.store.transaction():
        if not call.store.is_linked(caregiver_id, client["id"]):
            links = [*call.store.caregivers_of_client(int(client["id"])), caregiver_id]
            call.store.set_caregivers_of_client(int(client["id"]), links)
        ids = _create_sessions(call, client, caregiver_id, int(me["id"]), body, "")
        rows = [call.store.session(ident) for ident in ids]
    return _ok([session_view(call, row) for row in rows if row is not None])


def list_sessions(call: Call) -> Reply:
    me = _me_caregiver(call)
    rows = call.store.all_sessions_of_caregiver(int(me["id"]), call.params.get("clientId"))
    wanted = call.params.get("status")
    if wanted is not None:
        rows = [row for row in rows if session_status(row) == wanted]
    offset, limit = _window(call)
    return _ok(_page(call, [session_view(call, row) for row in rows[offset : offset + limit]], len(rows)))


def get_session(call: Call) -> Reply:
    row = _visible_session(call, int(call.params["sessionId"]))
    return _ok(
        {
            "session": session_view(call, row),
            "assignments": [assignment_view(a) for a in call.store.assignments_of_session(int(row["id"]))],
            "feedback": [],
            "messages": [],
        }
    )


def update_session(call: Call) -> Reply:
    row = _visible_session(call, int(call.params["sessionId"]))
    if row["closed"]:
        raise ApiError(409, f"Session {row['id']} is closed")
    body: dict[str, Any] = call.body
    changes: Row = {}
    for name, column in (
        ("title", "title"),
        ("description", "description"),
        ("time", "time"),
        ("remindDays", "remind_days"),
    ):
        if name in body:
            changes[column] = body[name]
    if "date" in body:
        start = _parse_date(body["date"], "date")
        changes["date"] = _fmt(start)
        changes["end_date"] = _fmt(_plus_weeks(start, 1, "date"))
    call.store.update_session(int(row["id"]), changes)
    updated = call.store.session(int(row["id"]))
    assert updated is not None
    return _ok(session_view(call, updated))


def close_session(call: Call) -> Reply:
    row = _visible_session(call, int(call.params["sessionId"]))
    if call.faults.on("close_not_persisted"):
        return _ok(session_view(call, {**row, "closed": 1}))
    call.store.update_session(int(row["id"]), {"closed": 1})
    updated = call.store.session(int(row["id"]))
    assert updated is not None
    return _ok(session_view(call, updated))


def assign_homework(call: Call) -> Reply:
    body: dict[str, Any] = call.body
    row = _visible_session(call, int(body["sessionId"]))
    if row["closed"] and not call.faults.on("assignment_on_closed_session_allowed"):
        raise ApiError(409, f"Session {row['id']} is closed; create a new session first")
    start = _parse_date(body["startDate"], "startDate")
    end = _parse_date(body["endDate"], "endDate")
    if end < start:
        raise _bad("endDate", "must not be before startDate")
    if end == start and body.get("startTime") and body.get("endTime") and body["endTime"] < body["startTime"]:
        raise _bad("endTime", "must not be before startTime")
    for index, moment in enumerate(body.get("remindDates") or []):
        _parse_date(moment["date"], f"remindDates[{index}].date")
    _check_books(call, list(body["bookIds"]), "bookIds")
    with call.store.transaction():
        ids = [
            call.store.insert_assignment(
                {
                    "session_id": row["id"],
                    "book_id": book_id,
                    "start_date": body["startDate"],
                    "start_time": body.get("startTime"),
                    "end_date": body["endDate"],
                    "end_time": body.get("endTime"),
                    "remind_dates": body.get("remindDates") or [],
                    "status": "ASSIGNED",
                }
            )
            for book_id in body["bookIds"]
        ]
        rows = [call.store.assignment(ident) for ident in ids]
    return _ok([assignment_view(a) for a in rows if a is not None])


def triage(call: Call) -> Reply:
    me = _me_caregiver(call)
    clinic = call.store.clinic_by_id(int(me["clinic_id"]))
    code = call.params["clinicCode"]
    if clinic is None or clinic["code"] != code:
        raise _not_found("Clinic", code)
    body: dict[str, Any] = call.body
    report = assess(body["text"], [(s["instrument"], float(s["score"])) for s in body.get("scores") or []])
    created_at = utc_now_iso()
    report_id = call.store.insert_triage(
        {
            "clinic_code": code,
            "caregiver_id": me["id"],
            "risk_level": report.risk_level,
            "summary": report.summary,
            "actions": report.actions,
            "created_at": created_at,
        }
    )
    return _ok(
        {
            "id": report_id,
            "clinicCode": code,
            "riskLevel": report.risk_level,
            "summary": report.summary,
            "recommendedActions": report.actions,
            "createdAt": created_at,
        }
    )


# -- client: own data; library ---------------------------------------------------------------------------------
def my_sessions(call: Call) -> Reply:
    me = _me_client(call)
    offset, limit = _window(call)
    rows, total = call.store.sessions_of_client(int(me["id"]), offset, limit)
    return _ok(_page(call, [session_view(call, row) for row in rows], total))


def my_assignments(call: Call) -> Reply:
    me = _me_client(call)
    offset, limit = _window(call)
    rows, total = call.store.assignments_of_client(int(me["id"]), offset, limit)
    return _ok(_page(call, [assignment_view(row) for row in rows], total))


def list_books(call: Call) -> Reply:
    offset, limit = _window(call)
    rows, total = call.store.books_page(offset, limit)
    books = [{"id": r["id"], "title": r["title"], "type": r["type"], "description": r["description"]} for r in rows]
    return _ok(_page(call, books, total))


HANDLERS: dict[str, Handler] = {
    "createClientUsingPOST": create_client,
    "listClientsUsingGET": list_clients,
    "getClientUsingGET": get_client,
    "updateClientUsingPUT": update_client,
    "createCaregiverUsingPOST": create_caregiver,
    "listCaregiversUsingGET": list_caregivers,
    "getCaregiverUsingGET": get_caregiver,
    "updateCaregiverUsingPUT": update_caregiver,
    "createSessionUsingPOST": create_session,
    "listSessionsUsingGET": list_sessions,
    "getSessionUsingGET": get_session,
    "updateSessionUsingPUT": update_session,
    "closeSessionUsingPUT": close_session,
    "assignHomeworkUsingPUT": assign_homework,
    "triageUsingPUT": triage,
    "listMySessionsUsingGET": my_sessions,
    "listMyAssignmentsUsingGET": my_assignments,
    "listBooksUsingGET": list_books,
}
"""operationId -> handler, for every bearer-token Data API operation."""
