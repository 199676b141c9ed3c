"""Stateful runs over the spec's links (create -> get/update/close, session -> homework...).

Only the state machine reuses ids from earlier responses, so it is what finds a created resource
that cannot be read back, a closed session that is not closed, and the like.

A real server keeps state between Hypothesis' runs, so replaying a choice prefix can meet another
answer and Hypothesis stops with ``FlakyStrategyDefinition`` (no contract failure behind it). Like
schemathesis' own CLI engine, the test then starts again with the next seed; check failures, and
failures that do not reproduce (``FlakyFailure``), always fail the test.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import seed
from hypothesis.errors import FlakyFailure, FlakyStrategyDefinition

from contracts import runtime
from contracts.profiles import stateful_settings
from contracts.schema import load_schema

_rt = runtime.current()
ATTEMPTS = 3

pytestmark = pytest.mark.timeout(900)


def test_links_hold_over_random_scenarios() -> None:
    if _rt.read_only:
        pytest.skip("read-only run: every link starts at a write (--allow-writes)")
    machine = load_schema().as_state_machine()
    base = stateful_settings(_rt.profile)
    for attempt in range(ATTEMPTS):
        # A fixed seed per attempt keeps the ci profile reproducible without derandomize's replays.
        seeded = seed(20261204 + attempt)(machine)
        try:
            seeded.run(settings=base.__class__(base, derandomize=False))
            return
        except FlakyFailure:
            raise
        except FlakyStrategyDefinition as exc:
            last = exc
    warnings.warn(f"state machine: {ATTEMPTS} runs ended in {type(last).__name__}", stacklevel=1)
