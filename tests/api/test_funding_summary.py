"""``GET /api/v1/plans/{id}/funding-summary/``: the plan's money by source and currency, split
``?by=theme|commitment|year|source``; amounts as strings, never converted; an ETag that
changes with the figures; the same number of queries whatever the number of activities."""

from decimal import Decimal

import pytest

from cooperation.services import funding as services
from tests.cooperation.test_money import FIRST, SECOND, fund
from tests.cooperation.test_money import funded as funded  # noqa: F401 (the fixture)
from tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db


def summary_url(plan, by=None):
    url = f"/api/v1/plans/{plan.pk}/funding-summary/"
    return f"{url}?by={by}" if by else url


def test_the_plan_totals_by_source_and_per_currency(world, funded, api_for):
    response = api_for(world.hki_staff).get(summary_url(world.plan))
    assert response.status_code == 200
    data = response.json()
    assert data["plan"] == world.plan.pk and data["by"] is None and data["parts"] is None
    assert data["sources"] == {
        "first_city": "Helsinki",
        "second_city": "Beijing",
        "third_party": "Third party",
    }
    assert data["lines"][0] == {
        "source": "first_city",
        "currency": "EUR",
        "committed": "21000.50",
        "spent": "5000.00",
        "rows": 2,
        "reported": 1,
    }
    assert [(c["currency"], c["committed"]) for c in data["currencies"]] == [
        ("CNY", "210000.00"),
        ("EUR", "26000.50"),
        ("USD", "300.00"),
    ]


@pytest.mark.parametrize(
    ("by", "keys"),
    [
        ("theme", lambda w: [t.pk for t in w.themes]),
        ("commitment", lambda w: [w.commitment.pk, None]),
        ("year", lambda w: [2020, 2021, None]),
        ("source", lambda w: ["first_city", "second_city", "third_party"]),
    ],
)
def test_the_split(world, funded, api_for, by, keys):
    data = api_for(world.bj_coordinator).get(summary_url(world.plan, by)).json()
    assert data["by"] == by
    assert [p["key"] for p in data["parts"]] == keys(world)
    for part in data["parts"]:
        currencies = [c["currency"] for c in part["currencies"]]
        assert currencies == sorted(set(currencies))  # one line per currency


def test_the_theme_split_in_chinese(world, funded, api_for):
    client = api_for(world.bj_coordinator)
    data = client.get(summary_url(world.plan, "theme"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert data["parts"][0]["label"] == "1. 经济"


def test_an_unknown_split_is_refused_naming_the_parameter(world, api_for):
    response = api_for(world.hki_staff).get(summary_url(world.plan, "agency"))
    assert response.status_code == 400
    assert "by" in response.json()["errors"]


def test_the_etag_answers_304_until_the_figures_change(world, funded, api_for):
    client = api_for(world.hki_coordinator)
    tag = client.get(summary_url(world.plan))["ETag"]
    again = client.get(summary_url(world.plan), HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again["ETag"] == tag
    services.add_funding(
        user=world.hki_coordinator, activity=world.joint_activity, source=FIRST, amount="1"
    )
    changed = client.get(summary_url(world.plan), HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag


@pytest.mark.parametrize("n", [10, 200])
@pytest.mark.parametrize(("by", "queries"), [(None, 5), ("theme", 7), ("year", 6)])
def test_a_constant_number_of_queries(world, api_for, django_assert_num_queries, n, by, queries):
    for activity in ActivityFactory.create_batch(n, theme=world.themes[1]):
        fund(activity, SECOND, "10", "CNY", spent=Decimal("1"))
    client = api_for(world.hki_staff)
    # session, user, profile, the plan with its cities, the totals; a split adds its totals,
    # and by theme the themes
    with django_assert_num_queries(queries):
        response = client.get(summary_url(world.plan, by))
    assert response.status_code == 200
