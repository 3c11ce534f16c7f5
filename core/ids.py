"""Database ids from outside: which text is one, and the largest a key can hold."""

from __future__ import annotations

# The largest id a database key holds (a signed 64-bit integer): anything above cannot exist.
MAX_ID = 2**63 - 1
_MAX_DIGITS = len(str(MAX_ID))


def parse_id(raw: object) -> int | None:
    """The positive database id ``raw`` spells (a URL part, a query string, a form or JSON
    value), or None for anything no key can hold: not ASCII digits, zero, or above MAX_ID."""
    if raw is None:
        return None
    text = str(raw)
    # ASCII only: "²" is a digit to str.isdigit() but not to int().
    if not (text.isascii() and text.isdigit()):
        return None
    # Counted before int(), which refuses more than 4300 digits with a ValueError.
    if len(text.lstrip("0")) > _MAX_DIGITS:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
