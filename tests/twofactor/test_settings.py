"""TWO_FACTOR_REQUIRED: on whenever DEBUG is off, unless said otherwise; `make run`'s demo
turns it off and says how to turn it on."""

from __future__ import annotations

import pytest

from tests.run.test_run_settings import _settings
from tests.run.test_supervisor import load_run_all


@pytest.mark.parametrize(
    ("env", "required"),
    [
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60}, True),
        ({"DEBUG": "true"}, False),
        ({"DEBUG": "false", "SECRET_KEY": "x" * 60, "TWO_FACTOR_REQUIRED": "false"}, False),
        ({"DEBUG": "true", "TWO_FACTOR_REQUIRED": "true"}, True),
    ],
)
def test_it_follows_debug_unless_given(env, required):
    assert _settings("s.TWO_FACTOR_REQUIRED", env) is required


def test_the_demo_turns_it_off_and_says_how_to_turn_it_on(tmp_path):
    run_all = load_run_all()
    env = run_all.local_environment({"RUN_DIR": str(tmp_path)}, port=18802)
    assert env["TWO_FACTOR_REQUIRED"] == "false"
    note = run_all.two_factor_note(env)
    assert "OFF" in note and "TWO_FACTOR_REQUIRED=true make run" in note
    given = run_all.local_environment(
        {"RUN_DIR": str(tmp_path), "TWO_FACTOR_REQUIRED": "true"}, port=18802
    )
    assert "required" in run_all.two_factor_note(given)
