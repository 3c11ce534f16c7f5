"""The plan file says exactly what was signed: a sentence-by-sentence comparison of
``data/plans/helsinki-beijing-2019-2023.toml`` with the signed text (``data/plans/signed/``).

Every commitment quotes the signed text, or is one undertaking split from a signed sentence
that it quotes as ``derived_from``; nothing is inserted; the Chinese names follow the glossary
(the Chinese signed text is not available: were it added, its sentences are compared too).
These tests read files only (no database).
"""

import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings

from cooperation.models import ActionPlan

DATA = Path(settings.BASE_DIR) / "data" / "plans"
PLAN_FILE = DATA / "helsinki-beijing-2019-2023.toml"
SIGNED = DATA / "signed"
PLAN = "hki-bj-2019-2023"
CJK = re.compile(r"[\u4e00-\u9fff]")


def normalised(text: str) -> str:
    """Whitespace collapsed and Markdown emphasis dropped: what a reader sees."""
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


DATA_FILE = tomllib.loads(PLAN_FILE.read_text(encoding="utf-8"))
SIGNED_EN = normalised((SIGNED / "helsinki-beijing-2019-2023.en.md").read_text(encoding="utf-8"))
# A Chinese signed text, if one is ever added next to the English one.
SIGNED_ZH = [
    normalised(p.read_text(encoding="utf-8"))
    for p in sorted(SIGNED.glob("helsinki-beijing-2019-2023.zh*.md"))
]
COMMITMENTS = [
    (theme, commitment)
    for theme in DATA_FILE["themes"]
    if theme["plan"] == PLAN
    for commitment in theme["commitments"]
]
PLAN_DATA = next(p for p in DATA_FILE["plans"] if p["code"] == PLAN)


def in_signed_text(sentence: str, signed: str) -> bool:
    """The sentence occurs in the signed text; its first letter may be capitalised (a theme's
    first sentence follows "Topic:" in lower case)."""
    sentence = normalised(sentence)
    return sentence in signed or sentence[0].lower() + sentence[1:] in signed


def bilingual_texts(node, where=""):
    """Every ``{en, zh-hans}`` text of the file, with where it is."""
    if isinstance(node, dict):
        if set(node) == {"en", "zh-hans"}:
            yield where, node
            return
        for key, value in node.items():
            yield from bilingual_texts(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            code = value.get("code", i) if isinstance(value, dict) else i
            yield from bilingual_texts(value, f"{where}[{code}]")


@pytest.mark.parametrize(("theme", "commitment"), COMMITMENTS, ids=lambda v: v.get("code"))
def test_every_commitment_quotes_the_signed_sentence(theme, commitment):
    quoted = commitment.get("derived_from", commitment["text"])
    assert in_signed_text(quoted["en"], SIGNED_EN), quoted["en"]
    for signed_zh in SIGNED_ZH:
        assert normalised(quoted["zh-hans"]) in signed_zh, quoted["zh-hans"]


def test_the_comparison_is_in_english_only_while_no_chinese_text_is_signed_here():
    # Says what the comparison covers: add the Chinese text and it is compared as well.
    assert not CJK.search(SIGNED_EN)
    assert all(CJK.search(text) for text in SIGNED_ZH)


def test_forty_four_commitments_the_split_ones_marked_as_derived():
    assert len(COMMITMENTS) == 44
    derived = [c for _t, c in COMMITMENTS if "derived_from" in c]
    quoted = [c for _t, c in COMMITMENTS if "derived_from" not in c]
    # Ten compound sentences, split into the undertakings they list.
    assert len(derived) == 24
    assert len({c["derived_from"]["en"] for c in derived}) == 10
    for commitment in derived:
        # A derived commitment is not itself a quotation, or it would need no source.
        text = normalised(commitment["text"]["en"])
        assert text != normalised(commitment["derived_from"]["en"]), commitment["code"]
    for commitment in quoted:
        assert in_signed_text(commitment["text"]["en"], SIGNED_EN), commitment["code"]


def test_every_sentence_split_is_split_in_both_languages():
    for _theme, commitment in COMMITMENTS:
        if "derived_from" in commitment:
            assert set(commitment["derived_from"]) == {"en", "zh-hans"}
            assert CJK.search(commitment["derived_from"]["zh-hans"]), commitment["code"]


def _stem(word: str) -> str:
    return word.lower()[:6]


@pytest.mark.parametrize(
    ("theme", "commitment"),
    [(t, c) for t, c in COMMITMENTS if "derived_from" in c],
    ids=lambda v: v.get("code"),
)
def test_a_split_adds_no_words_to_its_sentence(theme, commitment):
    source = normalised(commitment["derived_from"]["en"])
    text = normalised(commitment["text"]["en"])
    source_stems = {_stem(w) for w in re.findall(r"[A-Za-z][A-Za-z'-]+", source)}
    added = [w for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text) if _stem(w) not in source_stems]
    assert added == [], added
    # No inserted explanation: every parenthesis is the signed text's own.
    for aside in re.findall(r"\([^)]*\)", text):
        assert aside in source, aside


def test_the_inserted_future_school_words_are_gone():
    for _theme, commitment in COMMITMENTS:
        for text in (commitment["text"], commitment.get("derived_from", commitment["text"])):
            assert "(under the theme of" not in text["en"]
            assert "（围绕" not in text["zh-hans"]
    pilot = next(c for _t, c in COMMITMENTS if c["code"].endswith("future-school-pilot-projects"))
    assert pilot["text"]["en"] == "The two parties examine possible pilot projects accordingly."


def test_the_chinese_of_the_joint_research_funding_says_establish():
    funding = next(c for _t, c in COMMITMENTS if c["code"].endswith("joint-rd-funding"))
    assert "建立" in funding["text"]["zh-hans"]


def test_the_weeks_are_held_once_and_named_once_in_chinese():
    for _theme, commitment in COMMITMENTS:
        zh = commitment["text"]["zh-hans"]
        assert "期间在" not in zh, commitment["code"]
    week = next(c for _t, c in COMMITMENTS if c["code"] == "diplomatic-exchanges-helsinki-week")
    # “北京·赫尔辛基周” is the Helsinki Week in Beijing: “在北京” would say Beijing twice.
    assert "在北京" not in week["text"]["zh-hans"]
    assert week["text"]["zh-hans"].count("北京·赫尔辛基周") == 1


def glossary_rows() -> dict[str, str]:
    """English → Chinese names of the glossary's tables."""
    rows = {}
    for line in (SIGNED / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and CJK.search(cells[1] if not cells[0].isdigit() else cells[2]):
            english, chinese = (cells[1], cells[2]) if cells[0].isdigit() else cells[:2]
            rows[english] = chinese
    return rows


def test_the_weeks_are_named_as_in_the_glossary_everywhere():
    glossary = glossary_rows()
    assert glossary["Helsinki Week in Beijing"] == "北京·赫尔辛基周"
    assert glossary["Beijing Week in Helsinki"] == "赫尔辛基·北京周"
    checked = 0
    for where, text in bilingual_texts(DATA_FILE):
        en, zh = text["en"], text["zh-hans"]
        # No short name in Chinese: each Week by its one name, as often as the English names it.
        assert zh.count("赫尔辛基周") == zh.count("北京·赫尔辛基周"), where
        assert zh.count("北京周") == zh.count("赫尔辛基·北京周"), where
        assert en.count("Helsinki Week") == zh.count("北京·赫尔辛基周"), where
        assert en.count("Beijing Week") == zh.count("赫尔辛基·北京周"), where
        checked += "Week" in en
    assert checked >= 10


def test_agency_names_follow_the_glossary():
    glossary = glossary_rows()
    agencies = {a["code"]: a["name"] for a in DATA_FILE["agencies"]}
    for name in agencies.values():
        matches = [en for en in glossary if name["en"].startswith(en)]
        assert matches, name["en"]
        assert glossary[max(matches, key=len)] == name["zh-hans"], name["en"]
    # A commitment naming its agencies names them in Chinese by the same names.
    for _theme, commitment in COMMITMENTS:
        for code in commitment["agencies"]:
            assert agencies[code]["zh-hans"] in commitment["text"]["zh-hans"], (
                commitment["code"],
                code,
            )


def test_no_rank_is_invented_for_the_agencies_a_theme_names():
    # Article Two names a theme's agencies without ranking any of them.
    for theme in DATA_FILE["themes"]:
        for responsibility in theme["agencies"]:
            assert responsibility.get("role", "responsible") == "responsible", theme["code"]


@pytest.mark.parametrize("name", ActionPlan.TERM_FIELDS)
def test_the_terms_of_articles_two_to_four_are_quoted(name):
    term = PLAN_DATA[name]
    # A term may quote several paragraphs of an article, one after the other.
    for paragraph in term["en"].split("\n\n"):
        assert in_signed_text(paragraph, SIGNED_EN), paragraph
    assert CJK.search(term["zh-hans"])
    for signed_zh in SIGNED_ZH:
        assert normalised(term["zh-hans"]) in signed_zh


def test_the_terms_say_what_article_three_and_four_agree():
    assert "funded by both parties" in PLAN_DATA["funding_terms"]["en"]
    assert "third party funding" in PLAN_DATA["funding_terms"]["en"]
    assert "associated institutions" in PLAN_DATA["implementation_terms"]["en"]
    assert "national authorities" in PLAN_DATA["implementation_terms"]["en"]
    assert "English and Chinese" in PLAN_DATA["authenticity_clause"]["en"]
    assert "equally authentic" in PLAN_DATA["authenticity_clause"]["en"]
    assert "as necessary" in PLAN_DATA["review_terms"]["en"]
    assert "2021" in PLAN_DATA["review_terms"]["en"]
    assert "before 2023" in PLAN_DATA["renewal_terms"]["en"]
    assert "renewing or revising" in PLAN_DATA["renewal_terms"]["en"]
    assert "other themes" in PLAN_DATA["additional_themes_clause"]["en"]
