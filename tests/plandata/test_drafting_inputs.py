"""Drafting never crashes: file types, broken files, sizes, random bytes and odd texts."""

import io
import random

import pytest

from plandata.drafting.parser import parse_plan
from plandata.drafting.readers import MAX_FILE_BYTES, DraftInputError, read_plan_text
from plandata.drafting.tomlout import build

PLAN = """Action Plan Between Alpha and Beta 2024-2026

ARTICLE I

The parties agree.

ARTICLE II

The parties decided to focus on the following topics:

1. Culture: the two parties will support the Culture Division of Alpha and the Beta \
Municipal Bureau of Culture in exchanges.
2. Sports: the two parties will host one "Alpha Week" in Beta and one "Beta Week" in Alpha \
during the plan period.

ARTICLE IV

Signed on 3 May 2024 in Alpha. A formal review will take place in the middle of the \
timeframe in 2025.
"""


def test_reads_text_and_markdown():
    assert read_plan_text("plan.md", b"# Plan\r\nText") == "# Plan\nText"
    assert read_plan_text("plan.TXT", "\ufeffText".encode()) == "Text"


def test_refuses_unknown_types_empty_and_huge_files():
    with pytest.raises(DraftInputError, match="cannot be read"):
        read_plan_text("plan.exe", b"MZ")
    with pytest.raises(DraftInputError, match="empty"):
        read_plan_text("plan.txt", b"")
    with pytest.raises(DraftInputError, match="5 MB"):
        read_plan_text("plan.txt", b"a" * (MAX_FILE_BYTES + 1))
    with pytest.raises(DraftInputError, match="500,000"):
        read_plan_text("plan.txt", b"a" * 600_000)
    with pytest.raises(DraftInputError, match="UTF-8"):
        read_plan_text("plan.txt", b"\xff\xfe\xfa" * 3 + b"\x80\x81")


def test_reads_a_word_file_and_refuses_a_broken_one():
    import docx

    document = docx.Document()
    for line in PLAN.split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    text = read_plan_text("plan.docx", buffer.getvalue())
    assert "ARTICLE II" in text
    assert [t["name"] for t in parse_plan(text)["themes"]] == ["Culture", "Sports"]
    with pytest.raises(DraftInputError, match="Word file"):
        read_plan_text("plan.docx", b"PK\x03\x04 not really a zip")


def test_reads_a_pdf_and_refuses_a_broken_one():
    from weasyprint import HTML

    html = "".join(f"<p>{line}</p>" for line in PLAN.split("\n") if line)
    text = read_plan_text("plan.pdf", HTML(string=html).write_pdf())
    assert "Signed on 3 May 2024" in text
    assert parse_plan(text)["signed_on"]["value"] == "2024-05-03"
    with pytest.raises(DraftInputError, match="PDF file"):
        read_plan_text("plan.pdf", b"%PDF-1.4 broken")


def test_roman_numerals_numbered_lists_and_splits():
    draft = parse_plan(PLAN)
    assert [a["number"] for a in draft["articles"]] == [1, 2, 4]
    assert [t["name"] for t in draft["themes"]] == ["Culture", "Sports"]
    sports = draft["themes"][1]["commitments"]
    assert [c["text"] for c in sports] == [
        'The two parties will host one "Alpha Week" in Beta during the plan period.',
        'The two parties will host one "Beta Week" in Alpha during the plan period.',
    ]
    assert draft["signed_place"]["value"] == "Alpha"
    assert draft["reviews"][0]["kind"] == "mid_term"
    assert "signatories" in draft["missing"]


def test_a_text_without_articles_still_gives_its_list():
    draft = parse_plan(
        "Plan\n\n- Trade: the two parties will promote trade.\n"
        "- Health: both parties will share practice.\n"
    )
    assert [t["name"] for t in draft["themes"]] == ["Trade", "Health"]
    assert "articles" in draft["missing"]


def test_unnumbered_headings_become_themes():
    text = (
        "ARTICLE TWO\n\n- Culture\n\nThe two parties will support libraries.\n\n"
        "- Sport\n\nThe two parties will support clubs.\n"
    )
    assert [t["name"] for t in parse_plan(text)["themes"]] == ["Culture", "Sport"]


def test_chinese_articles_and_dates():
    text = (
        "行动计划\n\n第二条\n\n一、外事交流：双方将加强交流。\n二、文化：双方支持图书馆合作。"
        "\n\n第四条\n\n本行动计划于2019年10月11日在赫尔辛基签署。"
    )
    draft = parse_plan(text)
    assert [t["name"] for t in draft["themes"]] == ["外事交流", "文化"]
    assert draft["signed_on"]["value"] == "2019-10-11"
    assert draft["signed_place"]["value"] == "赫尔辛基"
    assert draft["language"] == "zh-hans"


@pytest.mark.parametrize("seed", range(6))
def test_random_garbage_never_crashes(seed):
    rng = random.Random(seed)
    alphabet = (
        'Article One Two 1. - • : ; . , “ ” " ( ) ARTICLE 第二条 一、 will support Division of \n\n'
    )
    pieces = [rng.choice(alphabet.split(" ")) for _ in range(3000)]
    text = " ".join(pieces) + "".join(chr(rng.randrange(32, 0x3000)) for _ in range(2000))
    draft = parse_plan(text)
    assert isinstance(draft["missing"], list)
    build(draft)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \n\n\t",
        "a" * 200_000,
        ("Division of " * 20_000),
        ("The City Office of Alpha and " * 5_000),
        ("- x\n" * 20_000),
        "ARTICLE TWO\n" + ("1. A: b will c, and will d, as well as eing f. " * 2000),
    ],
    ids=["empty", "blank", "huge-line", "agency-words", "long-names", "many-bullets", "compound"],
)
def test_odd_texts_never_crash(text):
    draft = parse_plan(text)
    assert isinstance(draft["themes"], list)
    build(draft)


def test_random_bytes_are_refused_cleanly():
    rng = random.Random(7)
    for name in ("x.txt", "x.docx", "x.pdf", "x.md"):
        data = bytes(rng.randrange(256) for _ in range(4000))
        # Either a message for the person who uploaded it, or text the parser can take.
        try:
            text = read_plan_text(name, data)
        except DraftInputError as refused:
            assert str(refused).strip()
        else:
            assert isinstance(text, str) and "\x00" not in text


def test_a_draft_holds_at_most_sixty_themes():
    draft = parse_plan(
        "ARTICLE TWO\n" + "".join(f"- T{i}: the parties will act.\n" for i in range(90))
    )
    assert len(draft["themes"]) == 60
    assert "themes after the 60th (not read)" in draft["missing"]
