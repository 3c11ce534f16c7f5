"""Spreadsheets: activities as Excel (beside the CSV), events as CSV and Excel, with the
page's filters, in the user's language, and with no formula smuggled in."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest

from events.models import EventKind
from tests.factories import ActivityFactory, EventFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_rows(response) -> list[list]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment;")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def workbook_cells(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.iter_rows())


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


# --- activities -----------------------------------------------------------------------------


def test_the_excel_export_holds_the_filtered_rows_like_the_csv(world, client_for):
    for n in range(30):  # more than a page of the list
        ActivityFactory(theme=world.themes[1], title_en=f"Exchange {n}")
    client = client_for(world.official)
    filters = {"theme": world.themes[1].pk}
    rows = workbook_rows(client.get("/activities/export.xlsx", filters))
    header, body = rows[0], rows[1:]
    assert header[:5] == ["ID", "Action plan", "Theme", "Commitment", "Title"]
    assert len(body) == 30
    assert {r[4] for r in body} == {f"Exchange {n}" for n in range(30)}
    # The same rows, in the same order, as the CSV export of the same filters.
    csv_body = csv_rows(client.get("/activities/export.csv", filters))[1:]
    assert [str(r[0]) for r in body] == [r[0] for r in csv_body]
    # Dates are dates, ids numbers.
    first = body[0]
    assert isinstance(first[0], int)
    assert first[9] == datetime.datetime(2020, 3, 1)


def test_the_excel_export_is_in_the_users_language(world, client_for):
    client = client_for(world.official)
    client.cookies["django_language"] = "zh-hans"
    rows = workbook_rows(client.get("/activities/export.xlsx", {"text": "Jointly"}))
    assert rows[0][4] == "标题"
    assert rows[1][4] == "联合牵头的活动"
    assert rows[1][5] == "计划中"


def test_formulas_are_neutralised_in_excel_and_csv(world, client_for):
    for title in ('=HYPERLINK("http://evil.example","x")', "+1+1", "-2", "@SUM(A1)", "#N/A"):
        ActivityFactory(theme=world.themes[2], title_en=title)
    ActivityFactory(theme=world.themes[2], title_en="bell\x07 and\x1b escape")  # illegal in xlsx
    client = client_for(world.official)
    response = client.get("/activities/export.xlsx", {"theme": world.themes[2].pk})
    titles = {}
    for row in workbook_cells(response)[1:]:
        cell = row[4]
        titles[cell.value] = cell
        assert cell.data_type == "s", (cell.value, cell.data_type)
    assert titles['=HYPERLINK("http://evil.example","x")'].quotePrefix
    assert titles["+1+1"].quotePrefix and titles["@SUM(A1)"].quotePrefix
    assert "bell and escape" in titles
    csv_titles = {
        r[4]
        for r in csv_rows(client.get("/activities/export.csv", {"theme": world.themes[2].pk}))[1:]
    }
    assert '\'=HYPERLINK("http://evil.example","x")' in csv_titles
    assert "'+1+1" in csv_titles and "'-2" in csv_titles and "'@SUM(A1)" in csv_titles


def test_the_excel_export_holds_only_the_users_partnership(world, client_for):
    rows = workbook_rows(client_for(world.outsider).get("/activities/export.xlsx"))
    assert [r[0] for r in rows[1:]] == [world.other_activity.pk]


def test_an_excel_export_with_invalid_filters_goes_back_to_the_list(world, client_for):
    response = client_for(world.official).get("/activities/export.xlsx", {"year": "abc"})
    assert response.status_code == 302
    assert response["Location"].startswith("/activities/?")


# --- events ---------------------------------------------------------------------------------


@pytest.fixture
def events(world):
    week = world.event
    forum = EventFactory(
        plan=world.plan,
        kind=EventKind.FORUM,
        title_en="=cmd|' /C calc'!A0",
        title_zh_hans="论坛",
        year=2021,
        start_date=datetime.date(2021, 5, 10),
        end_date=datetime.date(2021, 5, 11),
        themes=[world.themes[0]],
        organisers=[world.bj_agency],
    )
    EventFactory(plan=world.other_plan, title_en="Tallinn Days")
    return week, forum


def test_events_as_csv_and_excel_with_the_list_filters(world, events, client_for):
    week, forum = events
    client = client_for(world.official)
    all_rows = csv_rows(client.get("/events/export.csv"))
    assert all_rows[0][:4] == ["ID", "Action plan", "Kind", "Title"]
    assert [r[0] for r in all_rows[1:]] == [str(week.pk), str(forum.pk)]

    filtered = csv_rows(client.get("/events/export.csv", {"kind": "forum", "year": 2021}))[1:]
    assert [r[0] for r in filtered] == [str(forum.pk)]
    assert filtered[0][3] == "'=cmd|' /C calc'!A0"  # neutralised
    assert filtered[0][10] == "1. Economy"
    assert filtered[0][11] == "Science & Technology Commission"

    rows = workbook_rows(client.get("/events/export.xlsx", {"kind": "forum"}))
    assert [r[0] for r in rows[1:]] == [forum.pk]
    assert rows[1][8] == datetime.datetime(2021, 5, 10)
    cell = workbook_cells(client.get("/events/export.xlsx", {"kind": "forum"}))[1][3]
    assert cell.data_type == "s" and cell.quotePrefix


def test_event_exports_ignore_a_junk_filter_and_keep_to_the_partnership(world, events, client_for):
    client = client_for(world.outsider)
    rows = csv_rows(client.get("/events/export.csv", {"year": "junk", "plan": 2**80}))
    assert [r[3] for r in rows[1:]] == ["Tallinn Days"]
    assert len(workbook_rows(client.get("/events/export.xlsx"))) == 2


def test_event_exports_are_in_the_users_language(world, events, client_for):
    client = client_for(world.official)
    client.cookies["django_language"] = "zh-hans"
    rows = workbook_rows(client.get("/events/export.xlsx", {"kind": "forum"}))
    assert rows[1][3] == "论坛"
