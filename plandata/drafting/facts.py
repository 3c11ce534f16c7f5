"""The plan's facts outside its themes: parties, title, period, signing date and place,
signatories, predecessor, events and reviews named, and the clauses of Articles Three/Four.
Each finder returns what it found with its source span, or None."""

from __future__ import annotations

import datetime
import re

from plandata.drafting.segments import Segment

_MONTH_NAMES = (
    "january february march april may june july august september october november december"
)
MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_MONTH = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DATES = (
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})", re.I), (3, 2, 1)),
    (re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+(\d{{4}})", re.I), (3, 1, 2)),
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), (1, 2, 3)),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"), (1, 2, 3)),
)
_TITLES = r"(?:Deputy\s+)?(?:Mayor|Governor|Chairman|Chairwoman|President|Lord Mayor)"
_PERIOD = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*(?:-|–|—|to|至)\s*((?:19|20)\d{2})(?!\d)")


def parse_date(text: str) -> tuple[datetime.date, int, int] | None:
    for pattern, (y, m, d) in _DATES:
        match = pattern.search(text)
        if not match:
            continue
        month = match.group(m)
        month = MONTHS.get(month.lower()) if not month.isdigit() else int(month)
        try:
            found = datetime.date(int(match.group(y)), month, int(match.group(d)))
        except (TypeError, ValueError):
            continue
        return found, match.start(), match.end()
    return None


def _item(seg: Segment, **values) -> dict:
    return {**values, "span": seg.span}


def title(source: str) -> dict | None:
    for start, end in _lines(source):
        seg = Segment.of(source, start, end)
        if len(seg.text) >= 8:
            return _item(seg, text=seg.text[:300])
    return None


def _lines(source: str):
    start = 0
    for line in source.split("\n"):
        yield start, start + len(line)
        start += len(line) + 1


def period(title_text: str, source: str) -> dict | None:
    for text, base in ((title_text, None), (source[:20000], 0)):
        match = _PERIOD.search(text or "")
        if match and int(match.group(1)) <= int(match.group(2)) <= int(match.group(1)) + 15:
            return {
                "start": int(match.group(1)),
                "end": int(match.group(2)),
                "span": [match.start(), match.end()] if base is not None else None,
            }
    return None


def parties(source: str) -> list[dict]:
    """The two cities: "The City of Helsinki of the Republic of Finland", or the title's
    "Between Helsinki and Beijing", or "北京市与赫尔辛基市"."""
    head = Segment.of(source, 0, min(len(source), 4000))
    found: list[dict] = []
    for match in re.finditer(
        r"\bCity of ([A-Z][\w-]+)(?: of the ((?:[A-Z][\w'’]*\s+)*(?:Republic|Kingdom|State)s?"
        r"(?: of [A-Z][\w]+)?))?",
        head.text,
    ):
        name = match.group(1)
        if name in {f["name"] for f in found}:
            continue
        country = match.group(2) or ""
        country = re.sub(r".*\bof\s+", "", country) if " of " in country else country
        found.append({"name": name, "country": country, "span": head.sub(*match.span(1)).span})
    if len(found) < 2:
        match = re.search(r"\b[Bb]etween ([A-Z][\w-]+) and ([A-Z][\w-]+)", head.text)
        if match:
            found = [
                {"name": match.group(i), "country": "", "span": head.sub(*match.span(i)).span}
                for i in (1, 2)
            ]
    if len(found) < 2:
        match = re.search(
            r"([\u4e00-\u9fff]{2,5}?)市?(?:与|和)([\u4e00-\u9fff]{2,4}?)(?:市|\d|关于|$)", head.text
        )
        if match:
            found = [
                {"name": match.group(i), "country": "", "span": head.sub(*match.span(i)).span}
                for i in (1, 2)
            ]
    return found[:2]


def signing(source: str, last_article: Segment | None) -> dict:
    """Signing date and place: "Signed on 11th October 2019 in Helsinki" / "于…签署"."""
    out: dict = {}
    text = Segment.of(source)
    for match in re.finditer(r"(?i)\bsigned\b|签署|签订|签字", text.text):
        chinese = not match.group(0).isascii()
        begin = max(0, match.start() - 60) if chinese else match.start()
        window = text.text[begin : match.start() + (0 if chinese else 120)]
        found = parse_date(window)
        recital = text.text[max(0, match.start() - 10) : match.end()]
        if not found or re.search(r"(?i)that was signed|agreement signed", recital):
            continue
        date, d_start, d_end = found
        out["signed_on"] = {
            "value": date.isoformat(),
            "span": text.sub(begin + d_start, begin + d_end).span,
        }
        place = re.match(r",?\s+in\s+([A-Z][\w-]+(?:\s+[A-Z][\w-]+)?)", window[d_end:])
        zh_place = re.search(r"[于在]([\u4e00-\u9fff]{2,6}?)$", window) if chinese else None
        if place:
            at = begin + d_end + place.start(1)
            out["signed_place"] = {
                "value": place.group(1),
                "span": text.sub(at, at + len(place.group(1))).span,
            }
        elif zh_place:
            at = begin + zh_place.start(1)
            out["signed_place"] = {
                "value": zh_place.group(1),
                "span": text.sub(at, at + len(zh_place.group(1))).span,
            }
        break
    return out


def signatories(source: str, tail_start: int) -> list[dict]:
    """Titles ("Mayor of Helsinki", "北京市市长") and names after the last article, paired in
    order."""
    tail = Segment.of(source, tail_start)
    lines = []
    for start, end in _lines(source):
        if end <= tail_start:
            continue
        seg = Segment.of(source, max(start, tail_start), end)
        if seg:
            lines.append(seg)
    titles, names = [], []
    for seg in lines:
        match = re.match(rf"^({_TITLES})\s+of\s+(?:the\s+City\s+of\s+)?([A-Z][\w-]+)$", seg.text)
        zh = re.match(r"^([\u4e00-\u9fff]{2,8}?市?)(?:副)?市长$", seg.text)
        if match:
            titles.append((seg, match.group(2)))
        elif zh:
            titles.append((seg, zh.group(1).rstrip("市")))
        elif (
            re.fullmatch(r"[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}", seg.text)
            and not re.search(
                r"Republic|China|Finland|City|Mayor|Kingdom|Municipal|Government", seg.text
            )
            or re.fullmatch(r"[\u4e00-\u9fff·]{2,8}", seg.text)
            and not re.search(r"国|市|共和", seg.text)
        ):
            names.append(seg)
    del tail
    return [
        {
            "position": t.text,
            "city_name": city,
            "name": n.text,
            "span": [t.span[0], n.span[1]] if n.span[0] > t.span[0] else n.span,
            "name_span": n.span,
            "position_span": t.span,
        }
        for (t, city), n in zip(titles, names, strict=False)
    ]


def predecessor(source: str, plan_period: dict | None) -> dict | None:
    """An earlier action plan named with its signing date ("the Action Plan … 2017 to 2019 …
    signed on August 29th, 2017")."""
    text = Segment.of(source, 0, min(len(source), 20000))
    for sentence in text.sentences():
        for match in re.finditer(
            r"(?i)(the\s+)?(Action Plan[^;.]{0,200}?)\s+(?:that|which)\s+was\s+signed\s+on"
            r"\s+([^;.]{4,40})",
            sentence.text,
        ):
            years = _PERIOD.search(match.group(2))
            date = parse_date(match.group(3))
            if not years or (plan_period and int(years.group(1)) >= plan_period["start"]):
                continue
            seg = sentence.sub(match.start(2), match.end(2))
            return {
                "title": seg.text,
                "start": int(years.group(1)),
                "end": int(years.group(2)),
                "signed_on": date[0].isoformat() if date else None,
                "span": seg.span,
            }
    return None


def reviews(sentences: list[Segment]) -> list[dict]:
    """Reviews the plan asks for, with their year: a formal review "in 2021" (mid-term) and
    an evaluation "before 2023"."""
    out = []
    for sentence in sentences:
        text = sentence.text
        for match in re.finditer(
            r"(?i)\b(formal review|mid-term review|review|evaluation)\b|中期评估|评估", text
        ):
            after = text[match.start() : match.start() + 160]
            year = re.search(r"(?:\b(in|by|before)\s+|于|在)((?:19|20)\d{2})", after) or re.search(
                r"((?:19|20)\d{2})年(前|之前)?", after
            )
            if not year:
                continue
            word = match.group(0).lower()
            kind = "evaluation" if ("evaluation" in word or word == "评估") else "mid_term"
            if kind == "mid_term" and not re.search(r"(?i)middle|mid-term|中期|review", text):
                continue
            groups = year.groups()
            y = int(groups[1]) if groups[1] and groups[1].isdigit() else int(groups[0])
            before = "before" in (groups[0] or "") or "前" in year.group(0)
            due = datetime.date(y - 1, 12, 31) if before else datetime.date(y, 12, 31)
            if kind in {r["kind"] for r in out}:
                continue
            out.append(
                {
                    "kind": kind,
                    "year": y,
                    "before": before,
                    "due_date": due.isoformat(),
                    "text": text,
                    "span": sentence.span,
                }
            )
    return out


_EVENT_WORDS = re.compile(
    r"(?i)\b(week|festival|new year|season|exchange|forum|year of)\b|周|节|庆典|论坛"
)


def events(sentence: Segment) -> list[dict]:
    """Events the sentence names: quoted names ("Helsinki Week") and capitalised names
    ending in Week/Festival/Season/Exchange."""
    out = []
    for match in re.finditer(
        r"“([^”]{2,80})”|\"([^\"]{2,80})\"|(?:the\s+)?((?:[A-Z][\w&'’-]*\s+){1,8}(?:Season|Festival|Forum|Exchange))\b",
        sentence.text,
    ):
        name = next(g for g in match.groups() if g)
        named_project = re.search(r"(?i)projects such as|support projects", sentence.text)
        if not _EVENT_WORDS.search(name) and match.group(3) is None and not named_project:
            continue
        at = (
            match.start(1)
            if match.group(1)
            else match.start(2)
            if match.group(2)
            else match.start(3)
        )
        host = re.match(r"\s*(?:in|at)\s+([A-Z][\w-]+)", sentence.text[match.end() :])
        out.append(
            {
                "title": name.strip(),
                "span": sentence.sub(at, at + len(name)).span,
                "host_name": host.group(1) if host else None,
                "sentence": sentence.text,
            }
        )
    return out


def event_kind(name: str) -> str:
    lowered = name.lower()
    if "week" in lowered or "周" in name:
        return "week"
    if "festival" in lowered or "new year" in lowered or "节" in name or "庆典" in name:
        return "festival"
    if "forum" in lowered or "论坛" in name:
        return "forum"
    return "programme"


_CLAUSES = (
    ("funding", r"(?i)\bfund(?:ed|ing)\b|资金|经费|出资"),
    ("languages", r"(?i)equally authentic|in duplicate|同等效力|同等作准"),
    ("entry_into_force", r"(?i)come into (?:effect|force)|enter into force|生效"),
    ("review", r"(?i)\breview\b|\bevaluation\b|评估"),
    ("amendment", r"(?i)\bupdate the document\b|\bamend|\brevis|修订|修改"),
    ("renewal", r"(?i)\brenew|续签|延续"),
    ("coordination", r"(?i)\bcoordinat|协调"),
    ("third_party", r"(?i)third party|第三方"),
)


def clauses(sentences: list[Segment], article_number: int) -> list[dict]:
    out = []
    for sentence in sentences:
        kinds = [kind for kind, pattern in _CLAUSES if re.search(pattern, sentence.text)]
        if kinds:
            out.append(
                {
                    "article": article_number,
                    "kinds": kinds,
                    "text": sentence.text,
                    "span": sentence.span,
                }
            )
    return out


def authentic_languages(text: str) -> list[str]:
    if not re.search(r"(?i)authentic|作准|同等效力", text):
        return []
    found = []
    if re.search(r"(?i)\benglish\b|英文", text):
        found.append("en")
    if re.search(r"(?i)\bchinese\b|中文", text):
        found.append("zh-hans")
    return found


def coordinators(sentences_or_lines: list[Segment]) -> list[Segment]:
    """The lines of Article Three naming each side's coordinating office ("-for Helsinki, the
    International Affairs Unit, City of Helsinki")."""
    out = []
    for seg in sentences_or_lines:
        match = re.match(r"^\W*for\s+([A-Z][\w-]+),\s+(?:the\s+)?(.+?)\W*$", seg.text)
        zh = re.match(r"^\W*([\u4e00-\u9fff]{2,6})方?[：:为]\s*(.+?)\W*$", seg.text)
        if match:
            out.append(seg.sub(match.start(2), match.end(2)))
        elif zh:
            out.append(seg.sub(zh.start(2), zh.end(2)))
    return out


def agreement(source: str) -> dict | None:
    """The sister-city agreement the recital names, with its signing date."""
    text = Segment.of(source, 0, min(len(source), 20000))
    match = re.search(
        r"(?:the\s+)?(Agreement\b[^;]{0,300}?)\s+(?:that|which)\s+was\s+signed\s+on\s+([^;.]{4,40})",
        text.text,
    )
    if not match:
        return None
    date = parse_date(match.group(2))
    seg = text.sub(match.start(1), match.end(1))
    return {"text": seg.text, "signed_on": date[0].isoformat() if date else None, "span": seg.span}
