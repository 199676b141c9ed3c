"""Planted contract breaks for the mutation harness.

Each fault is a real kind of contract violation. None is reachable unless switched on by name, through
``SandboxSettings.faults``, ``$OPTT_SANDBOX_FAULTS`` or the CLI's ``--fault``.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["FAULTS", "FaultSet", "UnknownFaultError"]

FAULTS: dict[str, str] = {
    "client_drops_required_field": "GET /profile/clinic/client/{clientId} answers the client without `email`.",
    "create_client_wrong_status": "POST /profile/clinic/client answers 201 instead of the documented 200.",
    "wrong_content_type": "Successful (200) JSON responses, token responses included, are labelled text/plain.",
    "caregiver_role_check_skipped": "Any authenticated role (e.g. CLIENT) may create care providers.",
    "expired_token_accepted": "Expired access tokens are accepted by the Data API.",
    "cross_tenant_client_read": "GET /profile/clinic/client/{clientId} returns another clinic's client.",
    "created_client_lost": "POST /profile/clinic/client returns an id that GET then answers 404.",
    "server_error_on_long_name": "A client name of exactly 100 characters (the documented maximum) answers 500.",
    "enum_out_of_spec": "A running session's status reads as ACTIVE, outside the SessionStatus enum.",
    "date_wrong_format": "Session endDate is written yyyy-mm-dd instead of yyyy/MM/dd.",
    "token_missing_cache_control": "Token responses lack Cache-Control: no-store.",
    "token_wrong_error_code": "A bad password answers invalid_request instead of invalid_grant.",
    "refresh_token_not_rotated": "A refresh token can be used again after it was exchanged.",
    "tampered_token_accepted": "Access-token signatures are not verified.",
    "alg_none_accepted": "Unsigned (alg: none) access tokens are accepted.",
    "hs256_public_key_accepted": "HS256 tokens signed with the public key as HMAC secret are accepted.",
    "secret_echoed": "invalid_client errors echo the client secret that was sent.",
    "list_total_wrong": "Pages report totalElements one higher than the number of items.",
    "missing_request_id": "Responses carry no X-Request-Id header.",
    "validation_skipped": "Request bodies are not validated (a bad e-mail is accepted with 200).",
    "close_not_persisted": "Closing a session answers CLOSED but the session reads back as not closed.",
    "assignment_on_closed_session_allowed": "Homework can be assigned in a closed session (200 instead of 409).",
    "test_token_prefix_accepted": "A test token with a changed signature is accepted when header and payload match.",
    "unknown_path_500": "An unknown path answers 500 instead of 404.",
    "method_not_allowed_without_allow": "405 responses lack the Allow header.",
    "duplicate_email_allowed": "Creating a client with an e-mail already in use answers 200 (a duplicate user).",
    "expires_in_string": "The token response's expires_in is a string, not an integer.",
    "session_cross_caregiver_read": "A care provider can read another care provider's session.",
    "www_authenticate_missing": "401 responses of the Data API lack WWW-Authenticate.",
    "error_body_wrong_shape": "404 responses carry {'message': ...} only, not the Error body.",
    "update_not_persisted": "PUT on a client answers the change but does not store it.",
    "page_size_ignored": "List operations ignore `size` and return every item.",
}


class UnknownFaultError(ValueError):
    """A fault name that is not in :data:`FAULTS`."""


class FaultSet:
    """The faults switched on for one sandbox; ``on(name)`` is the only way code reaches a fault."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        chosen = frozenset(names)
        unknown = sorted(chosen - FAULTS.keys())
        if unknown:
            raise UnknownFaultError(f"unknown fault(s): {', '.join(unknown)}; known: {', '.join(sorted(FAULTS))}")
        self.names = chosen

    def on(self, name: str) -> bool:
        if name not in FAULTS:
            raise UnknownFaultError(name)
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)
