"""The money in the spreadsheets: the activity CSV and Excel exports carry each activity's
committed and spent amounts per currency; the workbook has a "Funding" sheet by source and
currency with the totals of the exported activities. Constant queries at two sizes."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests.cooperation.test_money import SECOND, fund
from tests.cooperation.test_money import funded as funded  # noqa: F401 (the fixture)
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def csv_table(response) -> list[dict]:
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:])))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def sheets(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return {s.title: [list(r) for r in s.iter_rows(values_only=True)] for s in book.worksheets}


def test_the_csv_has_funding_columns_per_currency(world, funded, client_for):
    response = client_for(world.official).get(reverse("activity-export"), {"funding": "yes"})
    by_id = {row["ID"]: row for row in csv_table(response)}
    row = by_id[str(world.hki_activity.pk)]
    assert row["Funding committed"] == "150000.00 CNY; 20000.00 EUR"
    assert row["Funding spent"] == "0.00 CNY; 5000.00 EUR"
    assert str(world.joint_activity.pk) not in by_id  # the funding filter applies


def test_the_workbook_has_a_funding_sheet_with_totals(world, funded, client_for):
    response = client_for(world.official).get(reverse("activity-export-xlsx"))
    book = sheets(response)
    assert list(book) == ["Activities", "Funding"]
    activities = book["Activities"]
    assert activities[0][-2:] == ["Funding committed", "Funding spent"]
    funding = book["Funding"]
    assert funding[0] == [
        "ID",
        "Title",
        "Source",
        "Currency",
        "Committed",
        "Spent",
        "Rows without spending reported",
    ]
    hki = [r for r in funding if r[0] == world.hki_activity.pk]
    assert [(r[2], r[3], r[4], r[5]) for r in hki] == [
        ("Helsinki", "EUR", 20000, 5000),
        ("Beijing", "CNY", 150000, 0),
    ]
    totals = {(r[2], r[3]): (r[4], r[5], r[6]) for r in funding if r[1] == "Total"}
    assert totals[("All sources", "EUR")] == (26000.5, 5000, 2)
    assert totals[("All sources", "CNY")] == (210000, 60000, 1)
    assert totals[("Third party", "USD")] == (300, 0, 1)
    assert not any("999" in str(r[4]) for r in funding[1:])  # another partnership's money


def test_the_funding_sheet_is_in_the_users_language(world, funded, client_for):
    client = client_for(world.bj_coordinator)
    client.cookies["django_language"] = "zh-hans"
    book = sheets(client.get(reverse("activity-export-xlsx")))
    funding = book["资金"]
    assert {r[2] for r in funding[1:] if r[0] == world.bj_activity.pk} == {
        world.beijing.name_zh_hans or "Beijing",
        "第三方",
    }


@pytest.mark.parametrize("n", [10, 200])
def test_the_workbook_runs_a_constant_number_of_queries(
    world, client_for, django_assert_num_queries, n
):
    for activity in ActivityFactory.create_batch(n, theme=world.themes[1]):
        fund(activity, SECOND, "10", "CNY", spent=Decimal("1"))
    client = client_for(world.official)
    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 profile, 4 the funding of the matching activities,
        # 5 the activities with theme, plan, partnership, cities, commitment and leads,
        # 6 their participants
        response = client.get(reverse("activity-export-xlsx"))
    assert len(sheets(response)["Funding"]) == 1 + n + 1 + 1  # rows, the source total, CNY
