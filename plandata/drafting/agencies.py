"""Find the agencies a passage names, and match them to known agencies or propose new ones.

A name is a run of capitalised words ending in an agency word (Division, Commission, Bureau,
Office, …) with its "of …" tail ("Economic Development Division of Helsinki"); in Chinese, a
run starting with a party's name and ending in 局, 委员会, 办公室, …. Known agencies (rows of
``partners.Agency``) match by name in either language.
"""

from __future__ import annotations

import re

from plandata.drafting.segments import Segment, normalise, slug

_HEADS = (
    "Division|Commission|Bureau|Office|Committee|Center|Centre|Unit|Federation|Department|"
    "Agency|Authority|Council|Association|Institute|University|Library|Administration|Affairs"
)
_WORD = r"[A-Z][\w'’.-]*"
_KIND_WORDS = [
    ("federation", "federation"),
    ("association", "federation"),
    ("division", "division"),
    ("department", "division"),
    ("commission", "commission"),
    ("bureau", "bureau"),
    ("center", "centre"),
    ("centre", "centre"),
    ("committee", "committee"),
    ("university", "university"),
    ("library", "library"),
    ("联合会", "federation"),
    ("委员会", "commission"),
    ("局", "bureau"),
    ("中心", "centre"),
    ("部", "division"),
]
_NOISE = {"the", "of", "city", "and", "municipal", "municipality", "people", "s", "government"}
_ZH_HEADS = "委员会|办公室|联合会|中心|部门|局|部|处"


def _pattern(city_names: list[str]) -> re.Pattern:
    cities = "|".join(re.escape(c) for c in city_names if c) or "(?!x)x"
    tail_word = rf"(?:{_WORD}|of|the|&|and(?=\s+(?!(?:{cities})\b){_WORD}))"
    return re.compile(
        rf"\b{_WORD}(?:\s+(?:{_WORD}|&|of|for|the)){{0,12}}\s+(?:{_HEADS})\b"
        rf"(?:\s+of\s+(?:the\s+)?{_WORD}(?:\s+{tail_word}){{0,12}}?"
        rf"(?=\s+and\s+(?:the\s+)?(?:{cities}|[a-z])|\s+(?:in|to|on|for|with|will|as|so|through|are|is)\b"
        rf"|[,.;:)]|\s*$))?"
        rf"(?:,\s+City of {_WORD})?(?:\s*\([A-Z]{{2,}}\))?"
    )


def _zh_pattern(city_names: list[str]) -> re.Pattern:
    starts = "|".join(re.escape(c) for c in city_names if c) or "北京|赫尔辛基"
    return re.compile(rf"(?:{starts}|中关村|世界)[\u4e00-\u9fff·&＆]{{0,24}}?(?:{_ZH_HEADS})")


def find_names(segment: Segment, city_names: list[str]) -> list[Segment]:
    """The agency names in ``segment``, in order of appearance."""
    pattern = (
        _zh_pattern(city_names)
        if re.search(r"[\u4e00-\u9fff]", segment.text)
        else (_pattern(city_names))
    )
    out = []
    for match in pattern.finditer(segment.text):
        start = match.start()
        if segment.text[start:].startswith("The "):
            start += 4
        piece = segment.sub(start, match.end())
        words = re.findall(r"[A-Za-z]+", piece.text)
        if words and len(words) < 2:
            continue
        out.append(piece)
    return out


def tokens(name: str) -> set[str]:
    return {w for w in normalise(name).split() if w not in _NOISE}


def same_agency(a: str, b: str) -> bool:
    """Two names of one agency: equal once normalised, or one's words within the other's."""
    if re.search(r"[\u4e00-\u9fff]", a + b):
        a, b = re.sub(r"\W", "", a), re.sub(r"\W", "", b)
        return bool(a and b) and (a == b or (len(a) >= 4 and a in b) or (len(b) >= 4 and b in a))
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    small, large = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    return len(small) >= 2 and small <= large and len(small) / len(large) >= 0.6


def guess_kind(name: str, coordinating: bool = False) -> str:
    if coordinating:
        return "coordinating_office"
    lowered = name.lower()
    words = set(re.findall(r"[a-z]+", lowered))
    for word, kind in _KIND_WORDS:
        if word in words or (not word.isascii() and lowered.endswith(word)):
            return kind
    return "other"


def city_of(name: str, cities: list[dict]) -> str | None:
    """The code of the party city a name belongs to (it names the city), else None."""
    for city in cities:
        for label in city["labels"]:
            if label and label.lower() in name.lower():
                return city["code"]
    return None


class AgencyBook:
    """Every agency the draft names: known rows matched by name, the others proposed."""

    def __init__(self, known: list[dict], cities: list[dict]):
        self.known = known
        self.cities = cities
        self.entries: list[dict] = []

    def find(self, name: str) -> dict | None:
        return next(
            (e for e in self.entries if any(same_agency(name, n) for n in e["names"])), None
        )

    def add(self, segment: Segment, *, context_cities: set[str] = frozenset(), coordinating=False):
        """The entry for the agency named by ``segment`` (found or added)."""
        name = segment.text
        entry = self.find(name)
        if entry:
            if name not in entry["names"]:
                entry["names"].append(name)
            if coordinating:
                entry["kind"] = "coordinating_office"
            return entry
        match = next(
            (k for k in self.known if any(same_agency(name, n) for n in k["names"] if n)), None
        )
        city = city_of(name, self.cities)
        inferred = False
        kind = guess_kind(name, coordinating)
        if city is None and kind != "federation" and len(self.cities) == 2 and context_cities:
            others = [c["code"] for c in self.cities if c["code"] not in context_cities]
            if len(others) == 1:
                city, inferred = others[0], True
        entry = {
            "code": match["code"] if match else self._new_code(name),
            "name": match["name"] if match else name,
            "names": [name],
            "city": match["city"] if match else city,
            "kind": match["kind"] if match else kind,
            "known": bool(match),
            "city_inferred": inferred and not match,
            "span": segment.span,
        }
        self.entries.append(entry)
        return entry

    def _new_code(self, name: str) -> str:
        base = slug(name, f"agency-{len(self.entries) + 1}", limit=70)
        code, n = base, 2
        taken = {e["code"] for e in self.entries} | {k["code"] for k in self.known}
        while code in taken:
            code, n = f"{base}-{n}", n + 1
        return code
