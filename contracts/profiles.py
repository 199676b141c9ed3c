"""Hypothesis profiles of the contract suite: ``dev``, ``ci`` and ``live``."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["MAX_EXAMPLES", "PROFILES", "STATEFUL", "register_profiles", "stateful_settings"]

PROFILES = ("dev", "ci", "live")
# Health checks that only say "this API is slow or filters a lot": irrelevant for a network target.
_RELAXED = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]

# Fuzzing examples per operation, and scenarios and steps of the state machine, per profile.
MAX_EXAMPLES = {"dev": 10, "ci": 200, "live": 5}
STATEFUL = {"dev": (10, 6), "ci": (150, 8), "live": (5, 4)}


def _env_int(name: str) -> int | None:
    value = os.environ.get(name)
    return int(value) if value else None


def register_profiles() -> None:
    override = _env_int("OPTT_MAX_EXAMPLES")
    settings.register_profile(
        "dev",
        max_examples=override or MAX_EXAMPLES["dev"],
        deadline=None,
        suppress_health_check=_RELAXED,
        print_blob=True,
    )
    settings.register_profile(
        "ci",
        max_examples=override or MAX_EXAMPLES["ci"],
        derandomize=True,  # a fixed seed: the same cases on every run
        database=None,
        deadline=None,
        suppress_health_check=_RELAXED,
        print_blob=True,
    )
    settings.register_profile(
        "live",
        max_examples=override or MAX_EXAMPLES["live"],
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=_RELAXED,
    )


def stateful_settings(profile: str) -> settings:
    examples, steps = STATEFUL.get(profile, STATEFUL["dev"])
    examples = _env_int("OPTT_STATEFUL_EXAMPLES") or examples
    return settings(settings.get_profile(profile), max_examples=examples, stateful_step_count=steps)
