"""The one id guard: which text from outside can be a database id."""

import pytest

from core.ids import MAX_ID, parse_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        ("0042", 42),
        (42, 42),
        (str(MAX_ID), MAX_ID),
        ("0" * 30 + "7", 7),
    ],
)
def test_an_id_a_key_can_hold_is_read(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1.5",
        "1e3",
        "abc",
        True,
        str(MAX_ID + 1),
        "9" * 40,
        # More digits than int() converts (it raises ValueError past 4300).
        "1" * 5000,
        # Digits to str.isdigit() that int() refuses (superscript two), and another script's.
        "²",
        "١٢",
    ],
)
def test_anything_else_is_none(raw):
    assert parse_id(raw) is None
