"""One commitment per undertaking of a theme, quoted from the text.

A sentence is an undertaking when it says what the parties will do, support, encourage… ("has
been held for 13 years" is not). A compound sentence is split only where the text lists
separate undertakings: ", and will …", ", as well as …ing", "one A … and one B …", "such as
“A” and “B”", "in doing A, doing B and doing C", "in terms of A, B and C". Each part repeats
the sentence's shared beginning and is marked as split from the verbatim sentence.
"""

from __future__ import annotations

import re

from plandata.drafting.segments import Segment

_UNDERTAKING = re.compile(
    r"\b(will|shall|support|supports|encourage|encourages|welcome|welcomes|agree|agrees|"
    r"can|willing|promote|examine|explore|undertake|commit|decided|strengthen)\b",
    re.IGNORECASE,
)
_UNDERTAKING_ZH = re.compile(r"将|支持|鼓励|欢迎|同意|愿|推动|加强|探讨|可")
_SUBJECT = re.compile(
    r"^(?P<subject>.*?)\s+(?P<modal>will(?:\s+also)?|shall|can|is willing to|are willing to)?\s*"
    r"\b(?P<verb>support|encourage|welcome|promote|discuss|continue|utilize|host|step|explore|"
    r"benchmark|enhance|seek|share|actively|also|examine|strengthen|agree|ramp)\w*\b"
)
_CLAUSE_START = re.compile(
    r"^(?:will|shall|can|also|actively|examine|explore|provide|promote|support|encourage|seek|"
    r"discuss)\b|^(?:the two parties|both parties|helsinki|beijing|the city)\b[^,]{0,40}?"
    r"\b(?:will|can|shall|is|are|support|encourage)\b",
    re.IGNORECASE,
)
_QUOTED = r"(?:“[^”]{1,80}”|\"[^\"]{1,80}\")"


def is_undertaking(text: str) -> bool:
    if re.search(r"[\u4e00-\u9fff]", text):
        return bool(_UNDERTAKING_ZH.search(text))
    return bool(_UNDERTAKING.search(text))


def _subject(text: str) -> str:
    """The shared beginning a split part repeats ("The two parties will")."""
    match = _SUBJECT.match(text)
    if not match:
        return ""
    subject = match.group("subject").strip()
    if "," in subject:  # "Focused on improving air quality, Helsinki and Beijing"
        subject = subject.rsplit(",", 1)[1].strip()
    modal = match.group("modal")
    return f"{subject} {modal}" if modal else subject


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;")
    text = text[:1].upper() + text[1:]
    return text if re.search(r"[.!?。]$", text) else text + "."


def _split_and_clause(text: str) -> list[tuple[int, int, str]] | None:
    for match in re.finditer(r",\s+(?:and|as well as)\s+", text):
        rest = text[match.end() :]
        gerund = "as well as" in match.group(0) and re.match(r"\w+ing\b", rest)
        if not (gerund or _CLAUSE_START.match(rest)):
            continue
        first = text[: match.start()]
        if re.match(r"(?:the two parties|both parties|helsinki|beijing|the city)\b", rest, re.I):
            second = rest
        else:
            subject = _subject(first)
            if rest.lower().startswith(("will ", "can ", "shall ")) and subject:
                subject = re.sub(r"\s+(will(\s+also)?|shall|can)$", "", subject)
            second = f"{subject} {rest}" if subject else rest
        return [(0, match.start(), first), (match.end(), len(text), second)]
    return None


def _split_one_and_one(text: str) -> list[tuple[int, int, str]] | None:
    match = re.search(
        r"\bone (?P<a>.+?) and one (?P<b>.+?)(?P<post>\s+(?:during|within|before|by)\b.*)?$",
        text,
    )
    if not match:
        return None
    pre, post = text[: match.start()], (match.group("post") or "")
    return [
        (match.start("a"), match.end("a"), f"{pre}one {match.group('a')}{post}"),
        (match.start("b"), match.end("b"), f"{pre}one {match.group('b')}{post}"),
    ]


def _split_such_as(text: str) -> list[tuple[int, int, str]] | None:
    match = re.search(rf"(such as )({_QUOTED}) and ({_QUOTED})", text)
    if not match:
        return None
    pre, post = text[: match.start(2)], text[match.end(3) :]
    return [
        (match.start(2), match.end(2), f"{pre}{match.group(2)}{post}"),
        (match.start(3), match.end(3), f"{pre}{match.group(3)}{post}"),
    ]


def _comma_split(text: str) -> list[str]:
    """Parts between ", " / ", and " outside parentheses."""
    parts, depth, begin = [], 0, 0
    for match in re.finditer(r"[()]|,\s+(?:and\s+)?", text):
        mark = match.group(0)
        if mark == "(":
            depth += 1
        elif mark == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            parts.append(text[begin : match.start()].strip())
            begin = match.end()
    parts.append(text[begin:].strip())
    return [p for p in parts if p]


def _split_possibility(text: str) -> list[tuple[int, int, str]] | None:
    match = re.search(r"\s+and (the possibility of .+)$", text)
    verb = re.match(r"^(.*?\b(?:discuss|explore|examine|consider|study))\b", text)
    if not match or not verb or verb.end() > match.start():
        return None
    return [
        (0, match.start(), text[: match.start()]),
        (match.start(1), len(text), f"{verb.group(1)} {match.group(1)}"),
    ]


def _list_parts(items_text: str) -> list[str]:
    parts = _comma_split(items_text)
    if len(parts) >= 2 and " and " in parts[-1]:
        last, _sep, extra = parts[-1].partition(" and ")
        if extra:
            parts[-1:] = [last, extra]
    return parts


def _split_list(text: str) -> list[tuple[int, int, str]] | None:
    match = re.search(r"\bin terms of\s+|\bin (?=\w+ing\b.*,\s+(?:and\s+)?\w+ing\b)", text)
    if not match:
        return None
    items_text = text[match.end() :].rstrip(".")
    if match.group(0).startswith("in terms"):
        parts = _list_parts(items_text)
    else:
        parts = _comma_split(items_text)
        if not all(re.match(r"\w+ing\b", p) for p in parts):
            return None
    if len(parts) < 2:
        return None
    pre, out, cursor = text[: match.end()], [], match.end()
    for part in parts:
        at = text.find(part, cursor)
        at = cursor if at < 0 else at
        out.append((at, at + len(part), f"{pre}{part}"))
        cursor = at + len(part)
    return out


_RULES = (_split_and_clause, _split_one_and_one, _split_such_as, _split_list, _split_possibility)


def _whole(sentence: Segment) -> list[dict]:
    return [{"text": _sentence(sentence.text), "span": sentence.span, "split_from": ""}]


def undertakings(sentence: Segment) -> list[dict]:
    """The commitments of one sentence: itself, or its parts when it lists several."""
    shortest = 4 if re.search(r"[\u4e00-\u9fff]", sentence.text) else 12
    if not is_undertaking(sentence.text) or len(sentence.text) < shortest:
        return []
    if len(sentence.text) > 2000 or re.search(r"[\u4e00-\u9fff]", sentence.text):
        return _whole(sentence)
    # (text, span); a part keeps the span of the words it was cut from.
    pieces: list[tuple[str, list[int]]] = [(sentence.text.rstrip("."), sentence.span)]
    for rule in _RULES:
        again = []
        for text, span in pieces:
            parts = rule(text)
            if not parts:
                again.append((text, span))
                continue
            same = text == sentence.text.rstrip(".")
            for i, j, new in parts:
                again.append((new, sentence.sub(i, j).span if same else span))
        pieces = again
    if len(pieces) == 1:
        return _whole(sentence)
    return [
        {"text": _sentence(text), "span": span, "split_from": sentence.text}
        for text, span in pieces
        if len(text) > 8
    ]
