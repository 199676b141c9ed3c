"""Facts about the target learnt once per run through the API itself: clinics, ids that exist, books."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from contracts import runtime

__all__ = ["Known", "known"]


@dataclass
class Known:
    clinic_ids: dict[str, int] = field(default_factory=dict)  # caller -> clinic id
    caregiver_id: int | None = None  # the CAREGIVER user's care-provider id
    client_id: int | None = None  # a client of the CLINIC assigned to the CAREGIVER
    book_ids: list[int] = field(default_factory=list)
    client_self_id: int | None = None  # the CLIENT user's own client id
    clinic_code: str | None = None


def _content(response: Any) -> list[dict[str, Any]]:
    if response.status_code != 200:
        return []
    body = response.json()
    return [item for item in body.get("content", []) if isinstance(item, dict)] if isinstance(body, dict) else []


@functools.cache
def known() -> Known:
    from contracts.http import call

    rt = runtime.current()
    facts = Known(clinic_code=rt.target.clinic_code)
    tokens = rt.tokens
    if tokens.has("CLINIC"):
        caregivers = _content(call("listCaregiversUsingGET", "CLINIC", query={"size": 1000}, validate=False))
        clients = _content(call("listClientsUsingGET", "CLINIC", query={"size": 1000}, validate=False))
        clinic = next((item["clinicId"] for item in caregivers + clients if "clinicId" in item), None)
        if clinic is not None:
            facts.clinic_ids["CLINIC"] = clinic
            # The seeded CAREGIVER and CLIENT belong to the CLINIC user's clinic (the sandbox's seed, and
            # what OPTT's pre-made test clinic documents); the OTHER_* users to another one.
            for role in ("CAREGIVER", "CLIENT"):
                if tokens.has(role):
                    facts.clinic_ids[role] = clinic
        caregiver_login = (rt.target.user("CAREGIVER").username or "").lower()
        facts.caregiver_id = next(
            (item["id"] for item in caregivers if str(item.get("email", "")).lower() == caregiver_login), None
        )
        client_login = (rt.target.user("CLIENT").username or "").lower()
        facts.client_self_id = next(
            (item["id"] for item in clients if str(item.get("email", "")).lower() == client_login), None
        )
        assigned = [c for c in clients if facts.caregiver_id in c.get("caregiverList", [])]
        facts.client_id = assigned[0]["id"] if assigned else None
        books = call("listBooksUsingGET", "CLINIC", query={"size": 1000}, validate=False)
        if books.status_code == 200:
            facts.book_ids = [item["id"] for item in books.json().get("content", [])]
    if tokens.has("OTHER_CLINIC"):
        other = _content(call("listCaregiversUsingGET", "OTHER_CLINIC", query={"size": 1}, validate=False))
        if other:
            facts.clinic_ids["OTHER_CLINIC"] = other[0]["clinicId"]
            if tokens.has("OTHER_CAREGIVER"):
                facts.clinic_ids["OTHER_CAREGIVER"] = other[0]["clinicId"]
    return facts
