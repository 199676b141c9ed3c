"""Stateful runs over the spec's links (create -> get/update/close, session -> homework...).

Only the state machine reuses ids from earlier responses, so it is what finds a created resource
that cannot be read back, a closed session that is not closed, and the like.
"""

from __future__ import annotations

import pytest

from contracts import runtime
from contracts.profiles import stateful_settings
from contracts.schema import load_schema

_rt = runtime.current()

if _rt.read_only:
    # Every link starts at a write; a read-only run has no scenario to play.
    pytest.skip("read-only run: the state machine needs writes (--allow-writes)", allow_module_level=True)

OpttStateMachine = load_schema().as_state_machine()
OpttStateMachine.TestCase.settings = stateful_settings(_rt.profile)

TestOpttStateMachine = OpttStateMachine.TestCase

pytestmark = pytest.mark.timeout(900)
