"""Where the money shows: the dashboard (the plan by source × currency, committed and spent),
the theme page (the theme and each commitment), the activity list (a column and the funding
filters) and the activity page (committed, spent, totals per currency). Query counts of these
pages are asserted in tests/portal/test_pages.py and tests/cooperation/test_pages.py."""

import re
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.cooperation.test_money import FIRST, SECOND, THIRD, fund
from tests.cooperation.test_money import funded as funded  # noqa: F401 (the fixture)
from tests.cooperation.test_pages import edit_data
from tests.helpers import main_of

pytestmark = pytest.mark.django_db


def page(client, path, language="en", **params):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(path, params)
    assert response.status_code == 200
    return response


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main_of(response))).replace("\xa0", " ")


def test_the_dashboard_shows_the_plan_by_source_and_currency(world, funded, client_for):
    response = page(client_for(world.official), reverse("dashboard", args=[world.plan.pk]))
    totals = response.context["plan_money"]
    assert [(x.source, x.currency) for x in totals.lines] == [
        (FIRST, "EUR"),
        (SECOND, "CNY"),
        (THIRD, "EUR"),
        (THIRD, "USD"),
    ]
    body = text(response)
    assert "Helsinki EUR 21,000.50 5,000.00" in body
    assert "Total EUR 26,000.50" in body
    assert "999" not in body  # another partnership's money


def test_the_dashboard_in_finnish_groups_the_finnish_way(world, funded, client_for):
    response = page(client_for(world.official), reverse("dashboard", args=[world.plan.pk]), "fi")
    assert "210 000,00" in text(response)


def test_a_plan_without_money_says_so(world, client_for):
    response = page(client_for(world.official), reverse("dashboard", args=[world.plan.pk]))
    assert "No funding recorded." in text(response)


def test_the_theme_page_shows_the_theme_and_each_commitment(world, funded, client_for):
    response = page(client_for(world.hki_staff), reverse("theme-detail", args=[world.themes[0].pk]))
    theme_money = response.context["theme_money"]
    assert [(x.currency, x.committed) for x in theme_money.by_currency()] == [
        ("CNY", Decimal("210000.00")),
        ("EUR", Decimal("25000.00")),
        ("USD", Decimal("300.00")),
    ]
    (commitment, group) = response.context["commitments"][0]
    assert commitment == world.commitment
    assert [(x.source, x.currency) for x in group["money"].lines] == [(THIRD, "USD")]
    assert [x.currency for x in response.context["loose"]["money"].by_currency()] == ["CNY", "EUR"]
    assert "300.00\xa0USD" in main_of(response)


def test_the_activity_list_has_a_funding_column(world, funded, client_for):
    response = page(client_for(world.hki_coordinator), reverse("activity-list"))
    rows = {a.pk: a.funding_totals for a in response.context["activities"]}
    assert [(x.currency, x.committed, x.spent) for x in rows[world.hki_activity.pk]] == [
        ("CNY", Decimal("150000.00"), Decimal("0.00")),
        ("EUR", Decimal("20000.00"), Decimal("5000.00")),
    ]
    assert rows[world.joint_activity.pk] == []
    assert "20,000.00\xa0EUR" in main_of(response)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"funding": "yes"}, {"hki_activity", "bj_activity", "later", "undated"}),
        ({"funding": "no"}, {"joint_activity", "other_agency_activity"}),
        ({"funding_source": "second_city"}, {"hki_activity", "bj_activity"}),
        ({"currency": "usd"}, {"undated"}),
        ({"funding_source": "third_party", "currency": "EUR"}, {"bj_activity"}),
        ({"funding": "no", "funding_source": "third_party"}, None),
    ],
)
def test_the_activity_list_filters_by_funding(world, funded, client_for, params, expected):
    response = page(client_for(world.hki_coordinator), reverse("activity-list"), **params)
    shown = {a.pk for a in response.context["filter"].qs}
    names = {
        "hki_activity": world.hki_activity.pk,
        "bj_activity": world.bj_activity.pk,
        "joint_activity": world.joint_activity.pk,
        "other_agency_activity": world.other_agency_activity.pk,
        "later": funded["later"].pk,
        "undated": funded["undated"].pk,
    }
    if expected is None:  # without third-party money: every activity of the plan but two
        expected = set(names) - {"bj_activity", "undated"}
    assert shown == {names[n] for n in expected}


@pytest.mark.parametrize(
    "params", [{"funding": "maybe"}, {"funding_source": "bank"}, {"currency": "EURO"}]
)
def test_a_bad_funding_filter_is_reported_never_a_500(world, client_for, params):
    response = client_for(world.hki_coordinator).get(reverse("activity-list"), params)
    assert response.status_code == 200
    assert response.context["invalid"]


def test_the_activity_page_shows_committed_spent_and_totals(world, client_for):
    fund(world.hki_activity, FIRST, "100", "EUR", spent=Decimal("40"))
    fund(world.hki_activity, THIRD, "50", "EUR")
    response = page(
        client_for(world.bj_staff), reverse("activity-detail", args=[world.hki_activity.pk])
    )
    (total,) = response.context["funding_totals"]
    assert (total.currency, total.committed, total.spent) == ("EUR", Decimal("150"), Decimal("40"))
    body = text(response)
    assert "not reported" in body and "150.00" in body and "40.00" in body


def test_the_activity_form_saves_spent_through_the_service(world, client_for):
    activity = world.hki_activity
    row = fund(activity, FIRST, "100", "EUR")
    funding_row = {
        "funding-TOTAL_FORMS": 1,
        "funding-INITIAL_FORMS": 1,
        "funding-0-id": row.pk,
        "funding-0-activity": activity.pk,
        "funding-0-source": "first_city",
        "funding-0-amount": "100.00",
        "funding-0-currency": "EUR",
    }
    client = client_for(world.hki_staff)
    refused = client.post(
        reverse("activity-edit", args=[activity.pk]),
        edit_data(activity, **{**funding_row, "funding-0-spent": "-5"}),
    )
    assert refused.status_code == 400 and "cannot be negative" in refused.content.decode()
    row.refresh_from_db()
    assert row.spent is None
    saved = client.post(
        reverse("activity-edit", args=[activity.pk]),
        edit_data(activity, **{**funding_row, "funding-0-spent": "99.5"}),
    )
    assert saved.status_code == 302
    row.refresh_from_db()
    assert row.spent == Decimal("99.50")
