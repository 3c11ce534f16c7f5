"""Database ids from outside: which text is one, and the largest a key can hold."""

from __future__ import annotations

# The largest id a database key holds (a signed 64-bit integer): anything above cannot exist.
MAX_ID = 2**63 - 1
