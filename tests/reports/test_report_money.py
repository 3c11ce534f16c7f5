"""The money in the progress report: each theme's funding as a table (source × currency,
committed and spent, one total per currency) and a chart with one scale per currency; the
report still reads in a fixed number of queries."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import charts, rendering, snapshot
from tests.cooperation.test_money import SECOND, fund
from tests.cooperation.test_money import funded as funded  # noqa: F401 (the fixture)
from tests.factories import ActivityFactory
from tests.reports.test_reports import needs_poppler, pdf_text, render, squeeze

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def collect(world):
    return snapshot.collect(world.plan, None, timezone.localdate())


def test_each_theme_carries_its_money(world, funded):
    chapters = collect(world).chapters
    first, second, third = (c.money for c in chapters)
    assert [(x.currency, x.committed) for x in first.by_currency()] == [
        ("CNY", Decimal("210000.00")),
        ("EUR", Decimal("25000.00")),
        ("USD", Decimal("300.00")),
    ]
    assert [(x.currency, x.committed) for x in second.by_currency()] == [
        ("EUR", Decimal("1000.50"))
    ]
    assert not third


def test_the_chart_has_one_scale_per_currency(world, funded):
    chart = charts.funding_chart(collect(world).chapters[0].money, bilingual=False)
    assert [g["currency"] for g in chart["groups"]] == ["CNY", "EUR", "USD"]
    cny, eur, _usd = chart["groups"]
    # The largest amount of each currency fills the bar area, whatever the other currencies.
    assert max(r["committed_w"] for r in cny["rows"]) == chart["bar_area"]
    assert max(r["committed_w"] for r in eur["rows"]) == chart["bar_area"]
    helsinki = eur["rows"][0]
    assert helsinki["spent_w"] == round(chart["bar_area"] * 5000 / 20000, 2)
    assert charts.funding_chart(collect(world).chapters[2].money, bilingual=False) is None


def test_the_html_has_a_table_and_a_chart_per_theme_with_money(world, funded):
    html = rendering.render_html(collect(world), "en")
    assert html.count('class="summary money"') == 2
    assert html.count('class="chart funding-chart"') == 2
    assert "210,000.00" in html and "1,000.50" in html
    assert "No funding recorded." in html  # the third theme


def test_the_bilingual_report_names_the_sources_in_both_languages(world, funded):
    html = rendering.render_html(collect(world), "bilingual")
    assert "Helsinki" in html and world.helsinki.name_zh_hans in html
    assert "第三方" in html


@needs_poppler
def test_the_pdf_contains_the_funding_table(world, funded):
    pdf, _pages = render(world.plan, "en", as_of=timezone.localdate())
    text = squeeze(pdf_text(pdf))
    assert squeeze("Funding (Article Three)") in text
    assert "210,000.00" in text and "5,000.00" in text
    assert "CNY" in text and "USD" in text


@pytest.mark.parametrize("n", [5, 60])
def test_the_report_still_reads_in_a_fixed_number_of_queries(world, funded, n):
    for activity in ActivityFactory.create_batch(n, theme=world.themes[2]):
        fund(activity, SECOND, "10", "CNY", spent=Decimal("1"))
    with CaptureQueriesContext(connection) as queries:
        data = collect(world)
    assert data.chapters[2].money.lines[0].rows == n
    counted = len(queries)
    for activity in ActivityFactory.create_batch(n, theme=world.themes[1]):
        fund(activity, SECOND, "10", "CNY", spent=Decimal("1"))
    with CaptureQueriesContext(connection) as queries:
        collect(world)
    assert len(queries) == counted


def test_an_old_report_leaves_out_activities_created_after_its_date(world, funded):
    data = snapshot.collect(world.plan, None, datetime.date(2019, 1, 1))
    assert not any(c.money for c in data.chapters)
