"""Text pieces that remember where each character came from in the source.

The parser reads cleaned text (markdown marks dropped, whitespace collapsed) but every item it
proposes must point at the passage of the source it came from, so a ``Segment`` keeps the
source offset of each of its characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ABBREVIATIONS = {"e.g", "i.e", "no", "art", "mr", "mrs", "ms", "dr", "st", "vs", "cf", "p"}
_END = re.compile(r"[.!?]['\"”’)]*(?=\s|$)|[。！？]['\"”’）)]*")


@dataclass(frozen=True)
class Segment:
    text: str
    offsets: tuple[int, ...]

    @classmethod
    def of(cls, source: str, start: int = 0, end: int | None = None) -> Segment:
        """The cleaned text of ``source[start:end]``: '*' marks and line-leading '#' dropped,
        whitespace collapsed to one space, stripped."""
        end = len(source) if end is None else end
        chars: list[str] = []
        offs: list[int] = []
        line_start = True
        for i in range(start, end):
            ch = source[i]
            if ch == "\n":
                line_start = True
            if ch == "*" or (ch == "#" and line_start):
                continue
            if ch.isspace():
                if chars and chars[-1] != " ":
                    chars.append(" ")
                    offs.append(i)
                continue
            line_start = False
            chars.append(ch)
            offs.append(i)
        while chars and chars[-1] == " ":
            chars.pop()
            offs.pop()
        return cls("".join(chars), tuple(offs))

    def __bool__(self) -> bool:
        return bool(self.text)

    def sub(self, i: int, j: int | None = None) -> Segment:
        j = len(self.text) if j is None else j
        piece = Segment(self.text[i:j], self.offsets[i:j])
        lead = len(piece.text) - len(piece.text.lstrip())
        trail = len(piece.text.rstrip())
        return Segment(piece.text[lead:trail], piece.offsets[lead:trail])

    @property
    def span(self) -> list[int]:
        """[start, end) in the source; [0, 0] for an empty segment."""
        if not self.offsets:
            return [0, 0]
        return [self.offsets[0], self.offsets[-1] + 1]

    def sentences(self) -> list[Segment]:
        """The sentences of this segment (a full stop after an abbreviation or before a
        lower-case word does not end one)."""
        out: list[Segment] = []
        begin = 0
        for match in _END.finditer(self.text):
            stop = match.end()
            if match.group(0)[0] == ".":
                word = re.search(r"([\w.]+)\.$", self.text[begin : match.start() + 1])
                following = self.text[stop : stop + 3].strip()
                if word and word.group(1).lower() in _ABBREVIATIONS:
                    continue
                if following and following[0].islower():
                    continue
                if (
                    self.text[match.start() - 1 : match.start()].isdigit()
                    and following[:1].isdigit()
                ):
                    continue
            piece = self.sub(begin, stop)
            if piece:
                out.append(piece)
            begin = stop
        tail = self.sub(begin)
        if tail:
            out.append(tail)
        return out


def normalise(text: str) -> str:
    """Text for comparing: lower case, '&' as 'and', quotes and punctuation dropped."""
    text = unicodedata.normalize("NFKC", text or "").lower().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def slug(text: str, fallback: str, limit: int = 60) -> str:
    """A code from ``text`` (ASCII letters and digits), or ``fallback`` when it has none."""
    ascii_text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower().replace("&", " "))
    stop = {"the", "of", "and", "a", "an", "in", "for", "on", "to"}
    words = [w for w in words if w not in stop] or words
    code = ""
    for word in words:
        if len(code) + len(word) + 1 > limit:
            break
        code = f"{code}-{word}" if code else word
    return code or fallback


def has_cjk(text: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", text or ""))
