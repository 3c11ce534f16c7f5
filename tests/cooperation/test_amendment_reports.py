"""The plan as amended in print: the consolidated bilingual PDF, and progress reports as of a
date showing the version in force on that date."""

import datetime

import pytest
from django.urls import reverse

from cooperation.amendments.models import ChangeKind
from reports.consolidated import render_pdf
from reports.rendering import render_html
from reports.snapshot import collect
from tests.cooperation.amendment_helpers import approved
from tests.reports.test_reports import needs_poppler, pdf_fonts, pdf_text, squeeze

pytestmark = pytest.mark.clock

CHANGES = [
    {"kind": ChangeKind.WITHDRAW_COMMITMENT, "commitment": None},
    {"kind": ChangeKind.ADD_THEME, "text_en": "Sport", "text_zh_hans": "体育"},
    {
        "kind": ChangeKind.CHANGE_THEME,
        "theme": None,
        "text_en": "Learning",
        "text_zh_hans": "学习",
    },
]


def _amend(world):
    changes = [dict(c) for c in CHANGES]
    changes[0]["commitment"] = world.commitment
    changes[2]["theme"] = world.themes[1]
    return approved(world, changes=changes)


def _chapters(data):
    return {
        chapter.theme.name_en: [
            (row.commitment.text_en, row.commitment.as_of_withdrawn) for row in chapter.commitments
        ]
        for chapter in data.chapters
    }


def test_a_report_before_the_amendment_shows_the_plan_as_signed(world):
    _amend(world)
    data = collect(world.plan, None, datetime.date(2021, 12, 31))
    assert data.version.number == 1
    chapters = _chapters(data)
    assert list(chapters) == ["Economy", "Education", "Culture"]
    assert chapters["Economy"] == [("Establish an annual substantive dialogue.", None)]


def test_a_report_after_the_amendment_shows_it_with_the_withdrawn_marked(world):
    _amend(world)
    data = collect(world.plan, None, datetime.date(2022, 12, 31))
    assert data.version.number == 2
    chapters = _chapters(data)
    assert list(chapters) == ["Economy", "Learning", "Culture", "Sport"]
    ((text, marker),) = chapters["Economy"]
    assert marker["amendment"] == 1
    html = render_html(data, "bilingual")
    assert "withdrawn by amendment 1, 1 March 2022" in html
    assert "2022年3月1日" in html


def test_a_plan_never_amended_reports_as_it_is(world):
    data = collect(world.plan, None, datetime.date(2021, 12, 31))
    assert data.version is None
    assert [c.theme.name_en for c in data.chapters] == ["Economy", "Education", "Culture"]


@needs_poppler
def test_the_consolidated_pdf_is_bilingual_in_noto_sans_cjk(world):
    version = _amend(world)
    pdf = render_pdf(world.plan, version)
    text = squeeze(pdf_text(pdf))
    for words in (
        "Sport",
        "体育",
        "Learning",
        "学习",
        "建立年度实质性对话",
        "withdrawnbyamendment1",
    ):
        assert squeeze(words) in text, words
    assert "2022年3月1日" in text
    for font in pdf_fonts(pdf):
        assert "Noto-Sans-CJK" in font["name"], font


def test_the_consolidated_pdf_downloads_for_members_only(world, client_for):
    _amend(world)
    url = reverse("consolidated-plan-pdf", args=[world.plan.pk])
    response = client_for(world.bj_staff).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "version-2.pdf" in response["Content-Disposition"]
    assert b"".join(response).startswith(b"%PDF")
    assert client_for(world.outsider).get(url).status_code == 404
