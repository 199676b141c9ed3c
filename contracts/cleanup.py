"""Closing what a live run created: sessions closed, clients and care providers set INACTIVE."""

from __future__ import annotations

from contracts.runtime import Runtime

__all__ = ["close_created"]


def close_created(rt: Runtime) -> list[str]:
    """Best effort; returns what could not be closed (reported, never raised, at the end of a run)."""
    from contracts.http import call

    failures = []
    # Budget and read-only limits must not stop the clean-up of what the run itself made.
    rt.politeness.budget = None
    rt.politeness.read_only = False
    for kind, ident in dict.fromkeys(rt.created):
        if kind == "session":
            response = call("closeSessionUsingPUT", "CAREGIVER", path_params={"sessionId": ident})
        elif kind == "client":
            response = call(
                "updateClientUsingPUT", "CLINIC", path_params={"clientId": ident}, json={"status": "INACTIVE"}
            )
        else:
            response = call(
                "updateCaregiverUsingPUT",
                "CLINIC",
                path_params={"caregiverId": ident},
                json={"activationStatus": "INACTIVE"},
            )
        if response.status_code not in (200, 404):
            failures.append(f"{kind} {ident}: {response.status_code}")
    return failures
