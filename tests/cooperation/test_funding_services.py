"""cooperation.services.funding: an activity's money by source (Article Three).

Who may change the activity may change its funding (coordinators of the partnership, staff of
an agency involved, administrators); everyone else is refused. The currency is a three-letter
ISO code stored in capitals, the amount is not negative, every write moves the activity's
version on and records who, and an update saves only the columns it changes.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Activity, Funding, FundingSource
from cooperation.services import funding as services
from cooperation.services.activities import ActivityConflict, update_activity
from partners.access import SYSTEM
from tests.factories import FundingFactory
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

# Who may change the Helsinki-led activity.
MAY_CHANGE = ["hki_coordinator", "bj_coordinator", "hki_staff", "admin"]
MAY_NOT_CHANGE = [r for r in ROLES if r not in MAY_CHANGE]


def fundings(activity):
    return list(
        Funding.objects.filter(activity=activity)
        .order_by("pk")
        .values_list("source", "funder", "amount", "currency")
    )


def snapshot(activity):
    stored = Activity.objects.get(pk=activity.pk)
    return (stored.version, stored.updated_by_id, stored.updated_at, fundings(activity))


def version_of(activity) -> int:
    return Activity.objects.get(pk=activity.pk).version


# --- who may ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MAY_CHANGE)
def test_it_lets_whoever_may_change_the_activity_change_its_funding(world, role):
    user = getattr(world, role)
    activity = world.hki_activity

    funding = services.add_funding(
        user=user,
        activity=activity,
        source=FundingSource.FIRST_CITY,
        amount=Decimal("15000.00"),
        currency="EUR",
        funder="City of Helsinki",
    )
    assert fundings(activity) == [
        (FundingSource.FIRST_CITY, "City of Helsinki", Decimal("15000.00"), "EUR")
    ]
    assert version_of(activity) == 2

    services.update_funding(user=user, funding=funding, amount=Decimal("20000"))
    assert fundings(activity)[0][2] == Decimal("20000.00")
    assert version_of(activity) == 3

    services.delete_funding(user=user, funding=funding)
    assert fundings(activity) == []
    stored = Activity.objects.get(pk=activity.pk)
    assert stored.version == 4
    assert stored.updated_by == user


@pytest.mark.parametrize("role", MAY_NOT_CHANGE)
def test_it_refuses_funding_to_everyone_else(world, role):
    user = getattr(world, role)
    activity = world.hki_activity
    funding = FundingFactory(activity=activity)
    before = snapshot(activity)

    with pytest.raises(PermissionDenied):
        services.add_funding(
            user=user, activity=activity, source=FundingSource.SECOND_CITY, amount=1
        )
    with pytest.raises(PermissionDenied):
        services.update_funding(user=user, funding=funding, amount=Decimal("1"))
    with pytest.raises(PermissionDenied):
        services.delete_funding(user=user, funding=funding)

    assert snapshot(activity) == before


def test_it_lets_the_system_write_funding_and_records_no_author(world):
    activity = world.hki_activity
    Activity.objects.filter(pk=activity.pk).update(updated_by=world.hki_staff)

    services.add_funding(
        user=SYSTEM, activity=activity, source=FundingSource.THIRD_PARTY, amount=500
    )

    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.version, stored.updated_by) == (2, None)


# --- currency and amount ----------------------------------------------------------------------


@pytest.mark.parametrize(("given", "stored"), [("cny", "CNY"), (" eur ", "EUR"), ("Usd", "USD")])
def test_it_stores_the_currency_code_in_capitals(world, given, stored):
    funding = services.add_funding(
        user=world.hki_staff,
        activity=world.hki_activity,
        source=FundingSource.SECOND_CITY,
        amount=100,
        currency=given,
    )
    assert fundings(world.hki_activity)[0][3] == stored

    services.update_funding(user=world.hki_staff, funding=funding, currency=given.lower())
    assert fundings(world.hki_activity)[0][3] == stored


@pytest.mark.parametrize("currency", ["EURO", "€", "E1R", "", None, "EU"])
def test_it_refuses_a_currency_that_is_no_iso_code(world, currency):
    activity = world.hki_activity
    funding = FundingFactory(activity=activity, currency="EUR")
    before = snapshot(activity)

    with pytest.raises(ValidationError) as added:
        services.add_funding(
            user=world.hki_staff,
            activity=activity,
            source=FundingSource.FIRST_CITY,
            amount=100,
            currency=currency,
        )
    with pytest.raises(ValidationError) as updated:
        services.update_funding(user=world.hki_staff, funding=funding, currency=currency)

    assert "currency" in error_fields(added)
    assert "currency" in error_fields(updated)
    assert snapshot(activity) == before


@pytest.mark.parametrize("amount", [Decimal("-0.01"), -100, "-5"])
def test_it_refuses_a_negative_amount(world, amount):
    activity = world.hki_activity
    funding = FundingFactory(activity=activity)
    before = snapshot(activity)

    with pytest.raises(ValidationError) as added:
        services.add_funding(
            user=world.hki_staff, activity=activity, source=FundingSource.FIRST_CITY, amount=amount
        )
    with pytest.raises(ValidationError) as updated:
        services.update_funding(user=world.hki_staff, funding=funding, amount=amount)

    assert "amount" in error_fields(added)
    assert "amount" in error_fields(updated)
    assert snapshot(activity) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"amount": "a lot"}, "amount"),
        ({"amount": Decimal("1e15")}, "amount"),
        ({"amount": None}, "amount"),
        ({"source": "lottery"}, "source"),
        ({"funder": "x" * 201}, "funder"),
    ],
)
def test_it_refuses_funding_the_model_does_not_accept(world, values, field):
    activity = world.hki_activity
    before = snapshot(activity)
    arguments = {"source": FundingSource.FIRST_CITY, "amount": 100, **values}

    with pytest.raises(ValidationError) as excinfo:
        services.add_funding(user=world.hki_staff, activity=activity, **arguments)

    assert field in error_fields(excinfo)
    assert snapshot(activity) == before


def test_it_accepts_no_money_at_all(world):
    services.add_funding(
        user=world.hki_staff, activity=world.hki_activity, source="first_city", amount=0
    )

    assert fundings(world.hki_activity)[0][2] == Decimal("0.00")


def test_it_trims_the_funders_name(world):
    services.add_funding(
        user=world.hki_staff,
        activity=world.hki_activity,
        source=FundingSource.THIRD_PARTY,
        amount=100,
        funder="  Business Finland  ",
    )

    assert fundings(world.hki_activity)[0][1] == "Business Finland"


# --- versions and columns ---------------------------------------------------------------------


def test_it_makes_an_edit_form_open_elsewhere_stale(world):
    activity = world.hki_activity
    form_copy = Activity.objects.get(pk=activity.pk)
    form_copy.title_en = "Edited in a form opened before the funding changed"

    services.add_funding(
        user=world.hki_staff, activity=activity, source=FundingSource.FIRST_CITY, amount=100
    )

    with pytest.raises(ActivityConflict):
        update_activity(
            user=world.hki_staff, activity=form_copy, expected_version=1, fields=["title_en"]
        )
    assert Activity.objects.get(pk=activity.pk).title_en == "Helsinki-led activity"


def test_it_leaves_the_version_alone_when_an_update_changes_nothing(world):
    funding = FundingFactory(activity=world.hki_activity, amount=Decimal("100.00"))
    before = snapshot(world.hki_activity)

    services.update_funding(
        user=world.hki_staff, funding=funding, amount=Decimal("100.00"), currency="EUR"
    )

    assert snapshot(world.hki_activity) == before


def test_it_saves_only_the_changed_columns(world):
    funding = FundingFactory(activity=world.hki_activity, source=FundingSource.FIRST_CITY)
    stale = Funding.objects.get(pk=funding.pk)

    with CaptureQueriesContext(connection) as queries:
        services.update_funding(user=world.hki_staff, funding=stale, amount=Decimal("5"))

    [update] = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "cooperation_funding"')]
    assigned = update.split(" WHERE ")[0]
    assert '"amount"' in assigned
    assert '"source"' not in assigned
    assert '"activity_id"' not in assigned


def test_it_keeps_a_concurrent_change_of_another_column(world):
    funding = FundingFactory(activity=world.hki_activity, source=FundingSource.FIRST_CITY)
    stale = Funding.objects.get(pk=funding.pk)
    Funding.objects.filter(pk=funding.pk).update(source=FundingSource.THIRD_PARTY)

    services.update_funding(user=world.hki_staff, funding=stale, amount=Decimal("5"))

    stored = Funding.objects.get(pk=funding.pk)
    assert (stored.source, stored.amount) == (FundingSource.THIRD_PARTY, Decimal("5.00"))


def test_it_refuses_a_field_it_does_not_write(world):
    funding = FundingFactory(activity=world.hki_activity)
    before = snapshot(world.hki_activity)

    with pytest.raises(TypeError):
        services.update_funding(user=world.admin, funding=funding, activity=world.bj_activity)

    assert snapshot(world.hki_activity) == before
    assert Funding.objects.get(pk=funding.pk).activity == world.hki_activity
