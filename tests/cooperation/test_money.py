"""The money of Article Three (cooperation.money): totals by source and currency per activity,
commitment, theme, year and plan; committed against spent; never a sum across currencies.

The year of a funding row is its activity's actual start, else its planned start; an undated
activity's money is under "no year".
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cooperation import money
from cooperation.models import Funding, FundingSource
from cooperation.services import funding as services
from tests.factories import ActivityFactory, FundingFactory
from tests.helpers import error_fields

pytestmark = pytest.mark.django_db

FIRST, SECOND, THIRD = FundingSource.FIRST_CITY, FundingSource.SECOND_CITY, "third_party"
D = Decimal


def fund(activity, source, amount, currency, spent=None):
    return FundingFactory(
        activity=activity, source=source, amount=D(amount), currency=currency, spent=spent
    )


@pytest.fixture
def funded(world):
    """Money in four currencies' worth of places: two themes, a commitment, three years."""
    later = ActivityFactory(
        theme=world.themes[1],
        planned_start=datetime.date(2020, 3, 1),
        actual_start=datetime.date(2021, 5, 1),
    )
    undated = ActivityFactory(
        theme=world.themes[0], commitment=world.commitment, planned_start=None, planned_end=None
    )
    fund(world.hki_activity, FIRST, "20000", "EUR", spent=D("5000"))
    fund(world.hki_activity, SECOND, "150000", "CNY")
    fund(world.bj_activity, SECOND, "60000", "CNY", spent=D("60000"))
    fund(world.bj_activity, THIRD, "5000", "EUR")
    fund(later, FIRST, "1000.50", "EUR")
    fund(undated, THIRD, "300", "USD")
    fund(world.other_activity, FIRST, "999", "EUR")  # another partnership's plan
    return {"later": later, "undated": undated}


def table(totals):
    return [(x.source, x.currency, x.committed, x.spent, x.rows, x.reported) for x in totals.lines]


def per_currency(totals):
    return [(x.currency, x.committed, x.spent) for x in totals.by_currency()]


# --- totals -----------------------------------------------------------------------------------


def test_the_plan_adds_up_by_source_and_currency(world, funded):
    totals = money.plan_totals(world.plan)
    assert table(totals) == [
        (FIRST, "EUR", D("21000.50"), D("5000.00"), 2, 1),
        (SECOND, "CNY", D("210000.00"), D("60000.00"), 2, 1),
        (THIRD, "EUR", D("5000.00"), D("0.00"), 1, 0),
        (THIRD, "USD", D("300.00"), D("0.00"), 1, 0),
    ]
    assert all(
        isinstance(x.committed, Decimal) and isinstance(x.spent, Decimal) for x in totals.lines
    )


def test_currencies_are_never_added_together(world, funded):
    totals = money.plan_totals(world.plan)
    assert per_currency(totals) == [
        ("CNY", D("210000.00"), D("60000.00")),
        ("EUR", D("26000.50"), D("5000.00")),
        ("USD", D("300.00"), D("0.00")),
    ]
    assert totals.currencies() == ["CNY", "EUR", "USD"]


def test_committed_and_spent_are_told_apart_and_unreported_rows_counted(world, funded):
    line = money.plan_totals(world.plan).lines[0]
    assert (line.committed, line.spent, line.unreported) == (D("21000.50"), D("5000.00"), 1)


def test_totals_per_activity(world, funded):
    totals = money.activity_totals([world.hki_activity.pk, world.joint_activity.pk])
    assert set(totals) == {world.hki_activity.pk}  # the joint activity has no money
    assert per_currency(totals[world.hki_activity.pk]) == [
        ("CNY", D("150000.00"), D("0.00")),
        ("EUR", D("20000.00"), D("5000.00")),
    ]
    assert money.activity_totals([]) == {}


def test_totals_per_theme_list_every_theme(world, funded):
    parts = money.plan_split(world.plan, "theme")
    assert [p.key for p in parts] == [t.pk for t in world.themes]
    assert parts[0].label == "1. Economy"
    assert [x.currency for x in parts[0].totals.lines] == ["EUR", "CNY", "EUR", "USD"]
    assert table(parts[1].totals) == [(FIRST, "EUR", D("1000.50"), D("0.00"), 1, 0)]
    assert not parts[2].totals


def test_totals_per_commitment_with_the_money_under_none(world, funded):
    parts = money.plan_split(world.plan, "commitment")
    assert [p.key for p in parts] == [world.commitment.pk, None]
    assert per_currency(parts[0].totals) == [("USD", D("300.00"), D("0.00"))]
    assert [x.currency for x in parts[1].totals.by_currency()] == ["CNY", "EUR"]


def test_the_year_is_the_actual_start_else_the_planned_one(world, funded):
    parts = money.plan_split(world.plan, "year")
    assert [p.key for p in parts] == [2020, 2021, None]
    assert per_currency(parts[1].totals) == [("EUR", D("1000.50"), D("0.00"))]
    assert per_currency(parts[2].totals) == [("USD", D("300.00"), D("0.00"))]
    assert str(parts[2].label) == "No year"


def test_sources_are_named_after_the_partnerships_cities(world, funded):
    parts = money.plan_split(world.plan, "source")
    assert [(p.key, p.label) for p in parts] == [
        (FIRST, "Helsinki"),
        (SECOND, "Beijing"),
        (THIRD, "Third party"),
    ]
    assert per_currency(parts[2].totals) == [
        ("EUR", D("5000.00"), D("0.00")),
        ("USD", D("300.00"), D("0.00")),
    ]


def test_another_plans_money_is_not_counted(world, funded):
    assert money.plan_totals(world.other_plan).lines[0].committed == D("999.00")
    assert "999" not in str(table(money.plan_totals(world.plan)))


def test_an_unknown_split_is_a_programming_error(world):
    with pytest.raises(ValueError):
        money.plan_split(world.plan, "agency")


def test_amounts_are_written_as_the_reader_groups_them():
    with translation.override("en"):
        assert money.format_amount(D("1234567.5"), "CNY") == "1,234,567.50\xa0CNY"
    with translation.override("fi"):
        assert money.format_amount(D("1234567.5"), "EUR").replace(" ", "\xa0") == (
            "1\xa0234\xa0567,50\xa0EUR"
        )
    assert money.format_amount(None, "EUR") == "—"


@pytest.mark.parametrize("n", [5, 100])
def test_every_summary_reads_in_a_constant_number_of_queries(
    world, funded, django_assert_num_queries, n
):
    for activity in ActivityFactory.create_batch(n, theme=world.themes[2]):
        fund(activity, SECOND, "10", "CNY", spent=D("1"))
    ids = list(world.plan.themes.values_list("activities", flat=True))
    with django_assert_num_queries(1):
        money.plan_totals(world.plan)
    with django_assert_num_queries(1):
        money.activity_totals(ids)
    for by, queries in (("theme", 2), ("commitment", 2), ("year", 1), ("source", 1)):
        with django_assert_num_queries(queries):
            money.plan_split(world.plan, by)


# --- the service: committed and spent ---------------------------------------------------------


def test_spent_is_recorded_and_can_be_emptied_again(world):
    row = services.add_funding(
        user=world.hki_coordinator,
        activity=world.hki_activity,
        source=FIRST,
        amount="100",
        spent="80.5",
        currency="eur",
    )
    assert Funding.objects.get(pk=row.pk).spent == D("80.50")
    services.update_funding(user=world.hki_coordinator, funding=row, spent=None)
    assert Funding.objects.get(pk=row.pk).spent is None


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"spent": "-0.01"}, "spent"),
        ({"amount": "10000000000.01"}, "amount"),
        ({"spent": "99999999999"}, "spent"),
        ({"spent": "1.001"}, "spent"),
        ({"spent": "abc"}, "spent"),
    ],
)
def test_bad_amounts_are_refused_naming_the_field_and_nothing_changes(world, values, field):
    before = Funding.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.add_funding(
            user=world.hki_coordinator,
            activity=world.hki_activity,
            source=FIRST,
            **{"amount": "1", **values},
        )
    assert field in error_fields(refused)
    assert Funding.objects.count() == before


def test_an_update_past_the_maximum_changes_nothing(world):
    row = fund(world.hki_activity, FIRST, "5", "EUR", spent=D("1"))
    with pytest.raises(ValidationError) as refused:
        services.update_funding(user=world.hki_coordinator, funding=row, spent=D("1e11"))
    assert error_fields(refused) == {"spent"}
    assert Funding.objects.get(pk=row.pk).spent == D("1.00")


def test_the_maximum_is_told_in_the_users_language(world):
    with translation.override("fi"), pytest.raises(ValidationError) as refused:
        services.add_funding(
            user=world.hki_coordinator, activity=world.hki_activity, source=FIRST, amount="1e12"
        )
    message = refused.value.message_dict["amount"][0]
    assert "10\xa0000\xa0000\xa0000" in message.replace(" ", "\xa0")
