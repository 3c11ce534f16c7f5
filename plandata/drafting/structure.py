"""Find a plan's articles and the themes listed in its Article Two.

Articles are headings ("ARTICLE ONE", "Article 2", "Article III", "第二条"); themes are the
items of the list in Article Two (bullets, numbers, Roman numerals, "一、", or short headings),
in order. A text without articles is read as one article, so a list is still found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from plandata.drafting.segments import Segment

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "first": 1, "second": 2, "third": 3,
    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip
_CJK_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ARTICLE = re.compile(
    r"^\W{0,6}(?:article|art\.?)\s+([a-z]+|\d{1,3}|[ivxlc]{1,7})\b\W*(.{0,80})$", re.IGNORECASE
)
_ARTICLE_ZH = re.compile(r"^\W{0,6}第\s*([一二三四五六七八九十\d]{1,4})\s*条\W*(.{0,80})$")
_BULLET = re.compile(
    r"^\s*(?:[-•*–·▪●◦]|\d{1,2}[.)、]|\(\d{1,2}\)|[a-h][.)]|[ivx]{1,5}[.)]|"
    r"[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.;:!?。；：！？\"”]\W*$")


def roman(text: str) -> int | None:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    text = text.lower()
    if not text or any(ch not in values for ch in text):
        return None
    total = 0
    for i, ch in enumerate(text):
        value = values[ch]
        total += -value if i + 1 < len(text) and values[text[i + 1]] > value else value
    return total or None


def cjk_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CJK_DIGITS.get(text[1:], 0)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        return _CJK_DIGITS.get(tens, 0) * 10 + _CJK_DIGITS.get(ones, 0)
    return _CJK_DIGITS.get(text)


def lines(source: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for line in source.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


@dataclass
class Article:
    number: int
    heading: Segment
    start: int
    end: int


@dataclass
class ThemeBlock:
    order: int
    name: Segment
    body: Segment
    start: int
    end: int
    named: bool = True


def find_articles(source: str) -> list[Article]:
    heads = []
    for start, end in lines(source):
        seg = Segment.of(source, start, end)
        if not seg or len(seg.text) > 100:
            continue
        number = None
        match = _ARTICLE.match(seg.text)
        if match:
            word = match.group(1).lower()
            number = int(word) if word.isdigit() else _WORD_NUMBERS.get(word) or roman(word)
        else:
            match = _ARTICLE_ZH.match(seg.text)
            if match:
                number = cjk_number(match.group(1))
        if number:
            heads.append((number, seg, start))
    articles = []
    for i, (number, seg, start) in enumerate(heads):
        end = heads[i + 1][2] if i + 1 < len(heads) else len(source)
        articles.append(Article(number=number, heading=seg, start=start, end=end))
    return articles


def article(articles: list[Article], number: int) -> Article | None:
    return next((a for a in articles if a.number == number), None)


def _starts_paragraph(text: str) -> bool:
    first = text[:1]
    return first.isupper() or first in '“"' or "\u4e00" <= first <= "\u9fff"


def _items(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each list item between start and end. An item goes on over following
    lines (a page break may split a sentence) until the next item, or until a new paragraph
    after one that ended a sentence (the text after the list)."""
    found: list[list[int]] = []
    closed, blank_before = True, False
    for line_start, line_end in lines(source):
        if line_end < start or line_start >= end:
            continue
        text = Segment.of(source, line_start, line_end).text
        if not text:
            blank_before = True
            continue
        if _BULLET.match(text) and len(text) > 2 and not _ARTICLE.match(text):
            found.append([line_start, line_end])
            closed = False
        elif found and not closed:
            so_far = Segment.of(source, found[-1][0], found[-1][1]).text
            if blank_before and _SENTENCE_END.search(so_far) and _starts_paragraph(text):
                closed = True
            else:
                found[-1][1] = line_end
        blank_before = False
    return [(a, e) for a, e in found]


def find_themes(source: str, articles: list[Article]) -> list[ThemeBlock]:
    """The themes of Article Two (or of the whole text when it has no articles)."""
    two = article(articles, 2)
    start, end = (two.start, two.end) if two else (0, len(source))
    if two:
        start += len(source[start:end].split("\n", 1)[0])
    themes = []
    for item_start, item_end in _items(source, start, end):
        seg = Segment.of(source, item_start, item_end)
        bullet = _BULLET.match(seg.text)
        if bullet:
            seg = seg.sub(bullet.end())
        if len(seg.text) < 3:
            continue
        line_end = source.find("\n", item_start, item_end)
        first_line = Segment.of(source, item_start, item_end if line_end < 0 else line_end).text
        first_bullet = _BULLET.match(first_line)
        first_line = first_line[first_bullet.end() :] if first_bullet else first_line
        colon = re.search(r"[:：]", seg.text[:100])
        if colon and colon.start() > 1:
            name, body, named = seg.sub(0, colon.start()), seg.sub(colon.end()), True
        elif (
            len(first_line) <= 80
            and not _SENTENCE_END.search(first_line)
            and len(seg.text) > len(first_line) + 5
        ):
            name, body, named = seg.sub(0, len(first_line)), seg.sub(len(first_line)), True
        else:
            sentences = seg.sentences()
            first = sentences[0] if sentences else seg
            name, body, named = first.sub(0, min(len(first.text), 60)), seg, False
        themes.append(
            ThemeBlock(
                order=len(themes) + 1,
                name=name,
                body=body,
                start=item_start,
                end=item_end,
                named=named,
            )
        )
    return themes
