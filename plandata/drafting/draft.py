"""Make a draft from one or two plan texts (English and/or Chinese), ready to show or write."""

from __future__ import annotations

from plandata.drafting.known import known_agencies, known_cities
from plandata.drafting.pairing import pair
from plandata.drafting.parser import parse_plan


def make_draft(text: str, text_zh: str | None = None, *, partnership=None) -> dict:
    """The draft of the plan in ``text`` (and its other-language text ``text_zh``): the
    English text leads when there are two; each keeps its own spans. Names match the
    agencies of ``partnership`` (every agency without one)."""
    agencies, cities = known_agencies(partnership), known_cities()
    first = parse_plan(text, known_agencies=agencies, known_cities=cities)
    if not text_zh:
        return pair(first, None)
    second = parse_plan(text_zh, known_agencies=agencies, known_cities=cities)
    if first["language"] == "zh-hans" and second["language"] == "en":
        first, second = second, first
    return pair(first, second)
