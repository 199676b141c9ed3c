"""Identity-provider sign-in (``token/google``, ``institute/sso``) and device registration (``fcm-token``).

The sandbox plays the identity provider too: a code names a user deterministically (``sha256(code)``), the first
exchange creates that user in the clinic, and every later exchange of the same code answers the same user.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from optt.sandbox.calls import Call, Handler, Reply
from optt.sandbox.errors import ApiError, utc_now_iso
from optt.sandbox.store import Row
from optt.sandbox.tokens import DEFAULT_SCOPE
from optt.sandbox.uaa import issue_for_user

__all__ = ["HANDLERS", "IDP_TOKEN_TTL", "idp_username"]

IDP_TOKEN_TTL = 300
"""Seconds: OPTT documents that tokens for the dashboard web view last 5 minutes."""


def idp_username(code: str) -> str:
    """The e-mail the sandbox gives the identity-provider user behind ``code``."""
    return f"idp-{hashlib.sha256(code.encode()).hexdigest()[:16]}@idp.sandbox.optt.local"


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": 'Bearer realm="optt"'})


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _user_for_code(call: Call, code: str, user_type: str, clinic: Row) -> Row:
    subject = hashlib.sha256(code.encode()).hexdigest()
    store = call.store
    with store.transaction():
        existing = store.idp_user(subject)
        if existing is not None:
            user = store.user_by_id(existing)
            assert user is not None
            owner = store.clinic_by_id(int(user["clinic_id"]))
            assert call.user is not None
            if owner is None or owner["institute_user_id"] != call.user["id"]:
                raise ApiError(404, "User not found")
            return user
        username = idp_username(code)
        user_id = store.create_user(username, user_type, int(clinic["id"]))
        common: dict[str, Any] = {
            "user_id": user_id,
            "name": f"Identity-provider user {subject[:8]}",
            "email": username,
            "mobile": None,
            "language": "EN",
            "clinic_id": clinic["id"],
        }
        if user_type == "CLIENT":
            store.insert_client({**common, "status": "ACTIVE", "external_client_id": None, "from_cpm": 0})
        else:
            store.insert_caregiver({**common, "position": None, "activation_status": "ACTIVE"})
        store.link_idp_user(subject, user_id)
        user = store.user_by_id(user_id)
    assert user is not None
    return user


def _institute_clinic(call: Call, clinic: Row | None, what: str) -> Row:
    assert call.user is not None
    if clinic is None or clinic["institute_user_id"] != call.user["id"]:
        raise ApiError(404, f"Clinic {what} not found")
    return clinic


def google_token(call: Call) -> Reply:
    settings = call.services.settings
    params = call.params
    if not (_same(params["client_id"], settings.client_id) and _same(params["client_secret"], settings.client_secret)):
        raise _unauthorized("Bad client credentials")
    clinic = _institute_clinic(
        call, call.store.clinic_by_id(int(params["clinic_optt_id"])), str(params["clinic_optt_id"])
    )
    user = _user_for_code(call, params["code"], params["user_type"], clinic)
    return issue_for_user(call.services, user, list(DEFAULT_SCOPE), IDP_TOKEN_TTL)


def institute_sso(call: Call) -> Reply:
    body: dict[str, Any] = call.body
    if not _same(body["apiKey"], call.services.settings.client_id):
        raise _unauthorized("Unknown apiKey")
    clinic = _institute_clinic(call, call.store.clinic_by_email(str(body["clinicEmail"]).lower()), "e-mail")
    user = _user_for_code(call, body["code"], body["userType"], clinic)
    return issue_for_user(call.services, user, list(DEFAULT_SCOPE), IDP_TOKEN_TTL)


def register_fcm_token(call: Call) -> Reply:
    body: dict[str, Any] = call.body
    user = call.store.user_by_name(str(body["userId"]).lower())
    if user is None:
        raise ApiError(404, f"User {body['userId']} not found")
    registered_at = utc_now_iso()
    call.store.register_fcm_token(int(user["id"]), body["token"], registered_at)
    return Reply(200, {"userId": body["userId"], "registeredAt": registered_at})


HANDLERS: dict[str, Handler] = {
    "getTokenByGoogleUsingPOST": google_token,
    "instituteSsoUsingPOST": institute_sso,
    "registerFcmTokenUsingPOST": register_fcm_token,
}
