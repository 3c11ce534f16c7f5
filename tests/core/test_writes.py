"""core.writes: the mechanics every service shares — set what differs, validate, save it alone.

Rows from the factories stand in for any model: an agency (plain columns and a foreign key),
an activity (an ``auto_now`` column) and a commitment (a many-to-many relation).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cooperation.models import Activity
from core import writes
from partners.models import Agency, AgencyKind
from tests.factories import ActivityFactory, AgencyFactory, CityFactory, CommitmentFactory

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

AGENCY_FIELDS = ("code", "city", "kind", "name_en", "name_zh_hans", "parent", "website")


def fresh(obj):
    return type(obj).objects.get(pk=obj.pk)


# --- set_changes ----------------------------------------------------------------------------


def test_it_sets_what_differs_and_names_it():
    agency = AgencyFactory(name_en="Old name", kind=AgencyKind.DIVISION)

    changed = writes.set_changes(
        agency,
        {"name_en": "New name", "kind": AgencyKind.DIVISION},
        allowed=AGENCY_FIELDS,
    )

    assert changed == ["name_en"]
    assert agency.name_en == "New name"


def test_it_compares_related_rows_by_id():
    city = CityFactory()
    agency = fresh(AgencyFactory(city=city))
    same_city_other_copy = fresh(city)

    assert writes.set_changes(agency, {"city": same_city_other_copy}, allowed=AGENCY_FIELDS) == []
    assert writes.set_changes(agency, {"city": None}, allowed=AGENCY_FIELDS) == ["city"]
    assert agency.city_id is None


def test_it_refuses_a_name_it_does_not_write_and_sets_nothing():
    agency = AgencyFactory(name_en="Old name")

    with pytest.raises(TypeError) as excinfo:
        writes.set_changes(
            agency, {"name_en": "New name", "id": 999, "secret": 1}, allowed=AGENCY_FIELDS
        )

    assert "id, secret" in str(excinfo.value)
    assert agency.name_en == "Old name"
    assert agency.pk != 999


# --- save_changed ---------------------------------------------------------------------------


def test_it_saves_only_the_changed_columns_so_a_concurrent_change_survives():
    agency = AgencyFactory(name_en="Old name", website="")
    mine = fresh(agency)
    # Someone else saves another column after this copy was read.
    Agency.objects.filter(pk=agency.pk).update(website="https://example.org/theirs")

    changed = writes.set_changes(mine, {"name_en": "My name"}, allowed=AGENCY_FIELDS)
    writes.save_changed(mine, changed)

    stored = fresh(agency)
    assert stored.name_en == "My name"
    assert stored.website == "https://example.org/theirs"


def test_it_moves_the_auto_now_columns_with_the_changed_ones():
    activity = ActivityFactory()
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    Activity.objects.filter(pk=activity.pk).update(updated_at=long_ago)
    mine = fresh(activity)

    changed = writes.set_changes(mine, {"description_en": "More."}, allowed=["description_en"])
    writes.save_changed(mine, changed)

    assert fresh(activity).updated_at > long_ago


def test_it_writes_nothing_when_nothing_changed(django_assert_num_queries):
    agency = fresh(AgencyFactory())

    with django_assert_num_queries(0):
        writes.save_changed(agency, [])


def test_it_validates_before_saving_and_writes_nothing_on_an_error():
    agency = AgencyFactory(website="")
    mine = fresh(agency)

    changed = writes.set_changes(mine, {"website": "not a web address"}, allowed=AGENCY_FIELDS)
    with pytest.raises(ValidationError) as excinfo:
        writes.save_changed(mine, changed)

    assert "website" in excinfo.value.message_dict
    assert fresh(agency).website == ""


def test_it_validates_the_models_constraints_as_a_validation_error():
    agency = AgencyFactory()
    other = AgencyFactory()
    mine = fresh(agency)

    changed = writes.set_changes(mine, {"code": other.code}, allowed=AGENCY_FIELDS)
    with pytest.raises(ValidationError) as excinfo:
        writes.save_changed(mine, changed)

    assert "code" in excinfo.value.message_dict
    assert fresh(agency).code == agency.code


# --- save_new -------------------------------------------------------------------------------


def test_it_inserts_a_new_row_after_validating_it():
    city = CityFactory()
    agency = Agency(code="new-agency", city=city, kind=AgencyKind.BUREAU, name_en="New")

    writes.save_new(agency)

    assert fresh(agency).code == "new-agency"


def test_it_refuses_an_invalid_new_row_and_inserts_nothing():
    count = Agency.objects.count()
    agency = Agency(code="new agency with spaces", kind="no such kind", name_en="New")

    with pytest.raises(ValidationError) as excinfo:
        writes.save_new(agency)

    assert {"code", "kind"} <= set(excinfo.value.message_dict)
    assert Agency.objects.count() == count


# --- many-to-many ---------------------------------------------------------------------------


def test_it_splits_many_to_many_values_from_columns():
    first, second = AgencyFactory(), AgencyFactory()

    columns, many = writes.split_many(
        {"text_en": "Text", "agencies": (a for a in [first, second])}, {"agencies"}
    )

    assert columns == {"text_en": "Text"}
    assert many == {"agencies": [first, second]}


def test_it_sets_a_relation_that_differs_and_names_it():
    first, second = AgencyFactory(), AgencyFactory()
    commitment = CommitmentFactory()
    commitment.agencies.set([first])

    changed = writes.set_many(commitment, {"agencies": [first, second]})

    assert changed == ["agencies"]
    assert set(commitment.agencies.all()) == {first, second}


def test_it_leaves_an_unchanged_relation_alone():
    first, second = AgencyFactory(), AgencyFactory()
    commitment = CommitmentFactory()
    commitment.agencies.set([first, second])

    with CaptureQueriesContext(connection) as queries:
        changed = writes.set_many(commitment, {"agencies": [second, first]})

    assert changed == []
    assert len(queries) == 1  # the current members, read; nothing written


# --- refuse_move ----------------------------------------------------------------------------


def test_it_drops_a_parent_that_repeats_the_current_one():
    city = CityFactory()

    remaining = writes.refuse_move({"city": city, "name_en": "X"}, "city", city, "Stays.")

    assert remaining == {"name_en": "X"}


def test_it_passes_changes_without_the_parent_through():
    city = CityFactory()

    assert writes.refuse_move({"name_en": "X"}, "city", city, "Stays.") == {"name_en": "X"}


def test_it_refuses_a_move_to_another_parent_with_the_message():
    city, other = CityFactory(), CityFactory()

    with pytest.raises(ValidationError) as excinfo:
        writes.refuse_move({"city": other, "name_en": "X"}, "city", city, "Stays.")

    assert excinfo.value.message_dict == {"city": ["Stays."]}
