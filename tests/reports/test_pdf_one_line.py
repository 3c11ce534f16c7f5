"""The PDFs' titles: the running header stays on one line, the cover never leaves "年）" alone,
and the numbers on the status chart's bars are readable (WCAG 4.5:1)."""

import pytest
from django.conf import settings
from django.template import Context, Template

from cooperation.models import ActivityStatus
from reports.charts import STATUS_COLOURS, contrast, ink_on

weasyprint = pytest.importorskip("weasyprint")

TITLE_EN = (
    "Action Plan Between Helsinki and Beijing on promoting the Sister-City Cooperation "
    "2019-2023, with a long subtitle that no running header can hold on one line"
)
TITLE_ZH = "赫尔辛基与北京关于推进友好城市合作的行动计划（2019—2023年）"


def _css() -> str:
    return (settings.BASE_DIR / "static/reports/report.css").read_text(encoding="utf-8")


def _lines(box):
    """The texts of the line boxes under ``box``."""
    if type(box).__name__ == "LineBox":
        return ["".join(_texts(box))]
    return [line for child in getattr(box, "children", None) or [] for line in _lines(child)]


def _texts(box):
    if getattr(box, "text", None):
        yield box.text
    for child in getattr(box, "children", None) or []:
        yield from _texts(child)


def _cover(title_zh: str, extra_css: str = "") -> str:
    body = Template(
        '{% load content %}<section class="cover">'
        '<h1 class="cover-title running-title">{{ en }}</h1>'
        '<p class="title-2 running-title-2" lang="zh-Hans">{{ zh|keep_brackets }}</p></section>'
        '<div style="break-before: page">{{ en }}</div>'
    ).render(Context({"en": TITLE_EN, "zh": title_zh}))
    return f"<html><head><style>{_css()}{extra_css}</style></head><body>{body}</body></html>"


def test_the_running_header_stays_on_one_line():
    document = weasyprint.HTML(string=_cover(TITLE_ZH)).render()
    (top,) = [
        box
        for box in document.pages[1]._page_box.children
        if getattr(box, "at_keyword", None) == "@top-center"
    ]

    lines = _lines(top)

    assert len(lines) == 1
    assert lines[0].startswith("Action Plan") and TITLE_ZH in lines[0]
    # Within the page's margins, however long the titles: the rest is cut with "…".
    assert top.width <= document.pages[1].width


@pytest.mark.parametrize("size", [14, 15, 16, 17, 18, 19, 20, 21, 22])
def test_the_cover_keeps_the_years_in_brackets_together(size):
    document = weasyprint.HTML(
        string=_cover(TITLE_ZH, f".cover .title-2 {{ font-size: {size}pt; }}")
    ).render()
    cover = document.pages[0]._page_box

    lines = [line for line in _lines(cover) if "年" in line or "2019—" in line]

    assert any("（2019—2023年）" in line for line in lines), lines


def test_the_keep_brackets_filter_escapes_and_wraps_the_last_group():
    render = Template("{% load content %}{{ text|keep_brackets }}").render
    assert render(Context({"text": TITLE_ZH})) == (
        '赫尔辛基与北京关于推进友好城市合作的行动计划<span class="nowrap">（2019—2023年）</span>'
    )
    assert render(Context({"text": "<b>Plan</b> (2019–2023)"})) == (
        '&lt;b&gt;Plan&lt;/b&gt; <span class="nowrap">(2019–2023)</span>'
    )
    assert render(Context({"text": "No brackets & more"})) == "No brackets &amp; more"


@pytest.mark.parametrize("status", ActivityStatus.values)
def test_numbers_on_the_bars_are_readable(status):
    colour = STATUS_COLOURS[status]
    assert contrast(ink_on(colour), colour) >= 4.5


def test_the_planned_segment_carries_dark_numbers():
    chart = {
        "width": 100,
        "height": 20,
        "label_w": 0,
        "bar_area": 100,
        "bar_h": 14,
        "legend": [],
        "rows": [
            {
                "chapter": None,
                "segments": [
                    {
                        "x": 0,
                        "w": 50,
                        "n": 7,
                        "colour": STATUS_COLOURS["planned"],
                        "ink": ink_on(STATUS_COLOURS["planned"]),
                        "label_x": 25,
                        "show_n": True,
                    }
                ],
            }
        ],
    }
    svg = Template('{% include "reports/_chart_status.html" %}').render(
        Context({"chart": chart, "bilingual": False, "languages": ["en"]})
    )

    assert 'fill="#1d2430">7</text>' in svg
    assert 'fill="#ffffff">7<' not in svg
