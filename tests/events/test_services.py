"""events.services: events, their series, programme items and delegation members.

Coordinators (and administrators) add and remove events and series; they and the staff of an
organising agency change an event, its programme and its delegation, but only coordinators move
an event to another plan or change who organises it. Everything an event points at belongs to
its plan or its partnership, checked again when it moves; every write of a part moves the
event's ``updated_at`` on (its ETag). Refusals change nothing.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from events import services
from events.models import (
    DelegationMember,
    Event,
    EventKind,
    EventSeries,
    ProgrammeItem,
    Recurrence,
)
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AgencyFactory,
    DelegationMemberFactory,
    EventSeriesFactory,
    ProgrammeItemFactory,
    ThemeFactory,
)
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = pytest.mark.clock

BEIJING = ZoneInfo("Asia/Shanghai")
LONG_AGO = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
MANAGERS = ["hki_coordinator", "bj_coordinator", "admin"]
NOT_MANAGERS = [r for r in ROLES if r not in MANAGERS]
# The world's event is organised by the Helsinki agency: its staff may change it.
EDITORS = [*MANAGERS, "hki_staff"]
NOT_EDITORS = [r for r in ROLES if r not in EDITORS]


def at(hour, minute=0, day=4):
    return datetime.datetime(2019, 11, day, hour, minute, tzinfo=BEIJING)


def ids(manager) -> list[int]:
    return sorted(manager.values_list("pk", flat=True))


def snapshot(event):
    """Everything of an event, its parts and its ETag's time."""
    stored = Event.objects.get(pk=event.pk)
    return (
        stored.plan_id,
        stored.code,
        stored.series_id,
        stored.kind,
        stored.title_en,
        stored.title_zh_hans,
        stored.host_city_id,
        stored.year,
        stored.start_date,
        stored.end_date,
        stored.updated_at,
        ids(stored.themes),
        ids(stored.activities),
        ids(stored.organisers),
        list(stored.programme.values_list("starts_at", "ends_at", "title_en", "organiser_id")),
        list(stored.delegation.values_list("name_en", "city_id", "agency_id", "is_head")),
    )


def updated_at(event) -> datetime.datetime:
    return Event.objects.get(pk=event.pk).updated_at


@pytest.fixture
def event(world):
    """The world's event, last changed long ago, so that any write shows."""
    Event.objects.filter(pk=world.event.pk).update(updated_at=LONG_AGO)
    return Event.objects.get(pk=world.event.pk)


def event_values(world, **kwargs):
    values = {
        "code": "beijing-week-2020",
        "kind": EventKind.WEEK,
        "title_en": "Beijing Week in Helsinki",
        "title_zh_hans": "赫尔辛基北京周",
        "host_city": world.helsinki,
        "year": 2020,
        "start_date": datetime.date(2020, 9, 7),
        "end_date": datetime.date(2020, 9, 11),
    }
    values.update(kwargs)
    return values


# --- events: who may --------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_add_and_remove_an_event(world, role):
    user = getattr(world, role)

    created = services.create_event(
        user=user,
        plan=world.plan,
        themes=[world.themes[1]],
        activities=[world.joint_activity],
        organisers=[world.bj_agency],
        **event_values(world),
    )
    stored = Event.objects.get(pk=created.pk)
    assert (stored.plan, stored.host_city, stored.title_en) == (
        world.plan,
        world.helsinki,
        "Beijing Week in Helsinki",
    )
    assert list(stored.themes.all()) == [world.themes[1]]
    assert list(stored.activities.all()) == [world.joint_activity]
    assert list(stored.organisers.all()) == [world.bj_agency]

    services.delete_event(user=user, event=created)
    assert not Event.objects.filter(pk=created.pk).exists()


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_adding_and_removing_events_to_everyone_else(world, role, event):
    user = getattr(world, role)
    before = snapshot(event)
    count = Event.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_event(user=user, plan=world.plan, **event_values(world))
    with pytest.raises(PermissionDenied):
        services.delete_event(user=user, event=event)

    assert Event.objects.count() == count
    assert snapshot(event) == before


@pytest.mark.parametrize("role", EDITORS)
def test_it_lets_coordinators_and_organisers_staff_change_an_event(world, role, event):
    services.update_event(
        user=getattr(world, role),
        event=event,
        venue_en="Beijing Exhibition Centre",
        themes=[world.themes[0]],
        activities=[world.hki_activity],
    )

    stored = Event.objects.get(pk=event.pk)
    assert stored.venue_en == "Beijing Exhibition Centre"
    assert list(stored.themes.all()) == [world.themes[0]]
    assert list(stored.activities.all()) == [world.hki_activity]
    assert stored.updated_at > LONG_AGO


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_it_refuses_changing_an_event_to_everyone_else(world, role, event):
    before = snapshot(event)

    with pytest.raises(PermissionDenied):
        services.update_event(
            user=getattr(world, role), event=event, title_en="Taken over", themes=[]
        )

    assert snapshot(event) == before


# --- events: what only coordinators change ---------------------------------------------------


def test_it_leaves_the_plan_and_the_organisers_to_coordinators(world, event):
    another_plan = ActionPlanFactory(partnership=world.partnership)
    before = snapshot(event)

    with pytest.raises(ValidationError) as moved:
        services.update_event(user=world.hki_staff, event=event, plan=another_plan)
    with pytest.raises(ValidationError) as regrouped:
        services.update_event(
            user=world.hki_staff, event=event, organisers=[world.hki_agency, world.bj_agency]
        )
    with pytest.raises(ValidationError) as both:
        services.update_event(
            user=world.hki_staff, event=event, plan=another_plan, organisers=[], title_en="X"
        )

    assert error_fields(moved) == {"plan"}
    assert error_fields(regrouped) == {"organisers"}
    assert error_fields(both) == {"plan", "organisers"}
    assert snapshot(event) == before


def test_it_lets_staff_send_back_the_plan_and_organisers_unchanged(world, event):
    # A whole form sent back repeats them: that changes neither.
    services.update_event(
        user=world.hki_staff,
        event=event,
        plan=world.plan,
        organisers=[world.hki_agency],
        title_en="Helsinki Week in Beijing 2019",
    )

    assert Event.objects.get(pk=event.pk).title_en == "Helsinki Week in Beijing 2019"


@pytest.mark.parametrize("role", ["hki_coordinator", "bj_coordinator", "admin"])
def test_it_lets_coordinators_change_the_organisers(world, role, event):
    services.update_event(
        user=getattr(world, role), event=event, organisers=[world.bj_agency, world.hki_agency]
    )

    assert ids(Event.objects.get(pk=event.pk).organisers) == sorted(
        [world.bj_agency.pk, world.hki_agency.pk]
    )
    assert updated_at(event) > LONG_AGO


def test_it_lets_a_coordinator_move_an_event_to_another_plan_of_the_partnership(world, event):
    another_plan = ActionPlanFactory(partnership=world.partnership)

    services.update_event(user=world.bj_coordinator, event=event, plan=another_plan)

    assert Event.objects.get(pk=event.pk).plan == another_plan


# --- events: what they point at ---------------------------------------------------------------


def test_it_refuses_a_host_city_outside_the_partnership(world, event):
    tallinn = world.other_partnership.first_city
    before = snapshot(event)
    count = Event.objects.count()

    with pytest.raises(ValidationError) as created:
        services.create_event(
            user=world.hki_coordinator, plan=world.plan, **event_values(world, host_city=tallinn)
        )
    with pytest.raises(ValidationError) as updated:
        services.update_event(user=world.hki_staff, event=event, host_city=tallinn)

    assert error_fields(created) == {"host_city"}
    assert error_fields(updated) == {"host_city"}
    assert Event.objects.count() == count
    assert snapshot(event) == before


def test_it_refuses_a_series_theme_or_activity_of_another_plan(world, event):
    another_plan = ActionPlanFactory(partnership=world.partnership)
    series = EventSeriesFactory(plan=another_plan)
    theme = ThemeFactory(plan=another_plan)
    activity = ActivityFactory(theme=theme)
    before = snapshot(event)
    count = Event.objects.count()

    with pytest.raises(ValidationError) as created:
        services.create_event(
            user=world.hki_coordinator,
            plan=world.plan,
            series=series,
            themes=[world.themes[0], theme],
            activities=[activity],
            **event_values(world),
        )
    with pytest.raises(ValidationError) as updated:
        services.update_event(
            user=world.hki_staff, event=event, series=series, themes=[theme], activities=[activity]
        )

    assert error_fields(created) == {"series", "themes", "activities"}
    assert error_fields(updated) == {"series", "themes", "activities"}
    assert Event.objects.count() == count
    assert snapshot(event) == before


@pytest.mark.parametrize("linked", ["series", "themes", "activities"])
def test_it_checks_what_an_event_points_at_again_when_it_moves(world, event, linked):
    values = {
        "series": EventSeriesFactory(plan=world.plan),
        "themes": [world.themes[0]],
        "activities": [world.hki_activity],
    }
    Event.objects.filter(pk=event.pk).update(series=None)
    services.update_event(user=world.admin, event=event, **{linked: values[linked]})
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    another_plan = ActionPlanFactory(partnership=world.partnership)
    before = snapshot(event)

    with pytest.raises(ValidationError) as excinfo:
        services.update_event(user=world.hki_coordinator, event=event, plan=another_plan)

    assert error_fields(excinfo) == {linked}
    assert snapshot(event) == before


def test_it_refuses_a_coordinator_moving_an_event_to_another_partnership(world, event):
    before = snapshot(event)

    with pytest.raises(PermissionDenied):
        services.update_event(user=world.hki_coordinator, event=event, plan=world.other_plan)

    assert snapshot(event) == before


def test_it_refuses_even_an_administrator_an_event_that_no_longer_fits_its_plan(world, event):
    before = snapshot(event)

    with pytest.raises(ValidationError) as excinfo:
        services.update_event(user=world.admin, event=event, plan=world.other_plan)

    # Hosted in Beijing, organised by a Helsinki agency: neither is of Tallinn–Riga.
    assert error_fields(excinfo) == {"host_city", "organisers"}
    assert snapshot(event) == before


def test_it_refuses_organisers_outside_the_partnership(world, event):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    before = snapshot(event)
    count = Event.objects.count()

    with pytest.raises(ValidationError) as created:
        services.create_event(
            user=world.hki_coordinator,
            plan=world.plan,
            organisers=[world.hki_agency, tallinn_agency],
            **event_values(world),
        )
    with pytest.raises(ValidationError) as updated:
        services.update_event(user=world.hki_coordinator, event=event, organisers=[tallinn_agency])

    assert error_fields(created) == {"organisers"}
    assert error_fields(updated) == {"organisers"}
    assert Event.objects.count() == count
    assert snapshot(event) == before


def test_it_accepts_a_third_party_among_the_organisers(world, event):
    wtcf = AgencyFactory(city=None, partnerships=[world.partnership])

    services.update_event(user=world.hki_coordinator, event=event, organisers=[wtcf])

    assert list(Event.objects.get(pk=event.pk).organisers.all()) == [wtcf]


def test_it_refuses_another_partnerships_third_party_among_the_organisers(world, event):
    theirs = AgencyFactory(city=None, partnerships=[world.other_partnership])

    with pytest.raises(ValidationError):
        services.update_event(user=world.hki_coordinator, event=event, organisers=[theirs])

    assert not Event.objects.get(pk=event.pk).organisers.filter(pk=theirs.pk).exists()


# --- events: their own fields -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title_en": "  ", "title_zh_hans": ""}, "title_en"),
        ({"year": 1899}, "year"),
        ({"year": 20190}, "year"),
        ({"end_date": datetime.date(2020, 9, 6)}, "end_date"),
        ({"kind": "party"}, "kind"),
        ({"code": "helsinki-week-2019"}, "__all__"),  # taken in the plan
    ],
)
def test_it_refuses_an_event_that_cannot_be(world, event, values, field):
    before = snapshot(event)
    count = Event.objects.count()

    with pytest.raises(ValidationError) as excinfo:
        services.create_event(
            user=world.hki_coordinator, plan=world.plan, **event_values(world, **values)
        )

    assert field in error_fields(excinfo)
    assert Event.objects.count() == count
    assert snapshot(event) == before


def test_it_refuses_an_edit_ending_an_event_before_it_starts(world, event):
    before = snapshot(event)

    with pytest.raises(ValidationError) as excinfo:
        services.update_event(
            user=world.hki_staff, event=event, end_date=datetime.date(2019, 11, 3)
        )

    assert "end_date" in error_fields(excinfo)
    assert snapshot(event) == before


def test_it_accepts_an_event_with_a_chinese_title_alone(world):
    created = services.create_event(
        user=world.bj_coordinator,
        plan=world.plan,
        **event_values(world, title_en="", title_zh_hans="赫尔辛基春节"),
    )

    assert Event.objects.get(pk=created.pk).title_zh_hans == "赫尔辛基春节"


def test_it_refuses_an_event_field_it_does_not_write(world, event):
    before = snapshot(event)

    with pytest.raises(TypeError):
        services.update_event(user=world.admin, event=event, updated_at=LONG_AGO, id=1)

    assert snapshot(event) == before


def test_it_saves_only_the_events_changed_columns(world, event):
    stale = Event.objects.get(pk=event.pk)
    Event.objects.filter(pk=event.pk).update(venue_en="Their venue")

    services.update_event(user=world.hki_staff, event=stale, title_en="My title")

    stored = Event.objects.get(pk=event.pk)
    assert (stored.title_en, stored.venue_en) == ("My title", "Their venue")


def test_it_moves_the_event_on_when_only_its_relations_change(world, event):
    services.update_event(user=world.hki_staff, event=event, themes=[world.themes[2]])

    assert updated_at(event) > LONG_AGO


def test_it_leaves_the_event_alone_when_nothing_changes(world, event):
    before = snapshot(event)

    services.update_event(
        user=world.hki_staff, event=event, title_en=event.title_en, organisers=[world.hki_agency]
    )

    assert snapshot(event) == before


# --- series -----------------------------------------------------------------------------------


def series_snapshot(series):
    stored = EventSeries.objects.get(pk=series.pk)
    return (stored.plan_id, stored.code, stored.name_en, stored.recurrence)


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_keep_a_series(world, role, event):
    user = getattr(world, role)

    series = services.create_series(
        user=user,
        plan=world.plan,
        code="helsinki-chinese-new-year",
        name_en="Helsinki Chinese New Year",
        name_zh_hans="赫尔辛基春节",
        recurrence=Recurrence.YEARLY,
    )
    services.update_series(user=user, series=series, name_en="Chinese New Year in Helsinki")
    assert series_snapshot(series) == (
        world.plan.pk,
        "helsinki-chinese-new-year",
        "Chinese New Year in Helsinki",
        Recurrence.YEARLY,
    )

    Event.objects.filter(pk=event.pk).update(series=series)
    services.delete_series(user=user, series=series)
    assert not EventSeries.objects.filter(pk=series.pk).exists()
    # Its events stay, outside any series.
    assert Event.objects.get(pk=event.pk).series is None


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_series_to_everyone_else(world, role):
    user = getattr(world, role)
    series = EventSeriesFactory(plan=world.plan)
    before = series_snapshot(series)
    count = EventSeries.objects.count()

    with pytest.raises(PermissionDenied):
        services.create_series(user=user, plan=world.plan, code="new", name_en="New")
    with pytest.raises(PermissionDenied):
        services.update_series(user=user, series=series, name_en="Taken over")
    with pytest.raises(PermissionDenied):
        services.delete_series(user=user, series=series)

    assert EventSeries.objects.count() == count
    assert series_snapshot(series) == before


@pytest.mark.parametrize("plan", ["another plan of the partnership", "another partnership's plan"])
def test_it_keeps_a_series_in_its_plan(world, plan):
    series = EventSeriesFactory(plan=world.plan)
    target = (
        ActionPlanFactory(partnership=world.partnership)
        if plan == "another plan of the partnership"
        else world.other_plan
    )
    before = series_snapshot(series)

    with pytest.raises(ValidationError) as excinfo:
        services.update_series(user=world.admin, series=series, plan=target, name_en="Moved")

    assert error_fields(excinfo) == {"plan"}
    assert series_snapshot(series) == before
    services.update_series(user=world.admin, series=series, plan=world.plan, name_en="Kept")
    assert series_snapshot(series)[2] == "Kept"


def test_it_refuses_a_series_code_taken_in_the_plan(world):
    EventSeriesFactory(plan=world.plan, code="helsinki-week")
    count = EventSeries.objects.count()

    with pytest.raises(ValidationError):
        services.create_series(
            user=world.hki_coordinator, plan=world.plan, code="helsinki-week", name_en="Again"
        )

    assert EventSeries.objects.count() == count


def test_it_refuses_an_unknown_recurrence(world):
    with pytest.raises(ValidationError) as excinfo:
        services.create_series(
            user=world.hki_coordinator,
            plan=world.plan,
            code="fortnightly",
            name_en="Fortnightly",
            recurrence="fortnightly",
        )

    assert "recurrence" in error_fields(excinfo)
    assert not EventSeries.objects.filter(code="fortnightly").exists()


# --- programme items --------------------------------------------------------------------------


def programme(event):
    return list(
        ProgrammeItem.objects.filter(event=event)
        .order_by("pk")
        .values_list(
            "starts_at", "ends_at", "title_en", "title_zh_hans", "venue_en", "organiser_id"
        )
    )


@pytest.mark.parametrize("role", EDITORS)
def test_it_lets_coordinators_and_organisers_staff_plan_the_programme(world, role, event):
    user = getattr(world, role)

    item = services.add_programme_item(
        user=user,
        event=event,
        starts_at=at(9),
        ends_at=at(10, 30),
        title_en="  Opening ceremony  ",
        title_zh_hans="开幕式",
        venue_en=" Beijing Hotel ",
        organiser=world.hki_agency,
    )
    assert programme(event) == [
        (at(9), at(10, 30), "Opening ceremony", "开幕式", "Beijing Hotel", world.hki_agency.pk)
    ]
    assert updated_at(event) > LONG_AGO

    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    services.update_programme_item(user=user, item=item, ends_at=at(11), organiser=None)
    assert programme(event)[0][1::4] == (at(11), None)
    assert updated_at(event) > LONG_AGO

    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    services.delete_programme_item(user=user, item=item)
    assert programme(event) == []
    assert updated_at(event) > LONG_AGO


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_it_refuses_the_programme_to_everyone_else(world, role, event):
    user = getattr(world, role)
    item = ProgrammeItemFactory(event=event)
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)

    with pytest.raises(PermissionDenied):
        services.add_programme_item(user=user, event=event, starts_at=at(9), title_en="Mine")
    with pytest.raises(PermissionDenied):
        services.update_programme_item(user=user, item=item, title_en="Taken over")
    with pytest.raises(PermissionDenied):
        services.delete_programme_item(user=user, item=item)

    assert snapshot(event) == before


def test_it_refuses_staff_the_programme_of_an_event_their_agency_does_not_organise(world, event):
    event.organisers.set([world.bj_agency])
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)

    with pytest.raises(PermissionDenied):
        services.add_programme_item(
            user=world.hki_staff, event=event, starts_at=at(9), title_en="Mine"
        )

    assert snapshot(event) == before
    services.add_programme_item(user=world.bj_staff, event=event, starts_at=at(9), title_en="Ours")
    assert [row[2] for row in programme(event)] == ["Ours"]


ITEM_ERRORS = [
    ({"title_en": "  ", "title_zh_hans": ""}, "title_en"),
    ({"starts_at": None}, "starts_at"),
    ({"starts_at": datetime.datetime(1899, 12, 31, 9, 0, tzinfo=datetime.UTC)}, "starts_at"),
    ({"ends_at": datetime.datetime(2201, 1, 1, 9, 0, tzinfo=datetime.UTC)}, "ends_at"),
    ({"ends_at": at(9)}, "ends_at"),  # ends when it starts
    ({"ends_at": at(8, 59)}, "ends_at"),
]


@pytest.mark.parametrize(("values", "field"), ITEM_ERRORS)
def test_it_refuses_a_programme_item_that_cannot_be(world, event, values, field):
    item = ProgrammeItemFactory(event=event, starts_at=at(9), ends_at=at(10))
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)
    arguments = {"starts_at": at(9), "ends_at": None, "title_en": "Forum", **values}

    with pytest.raises(ValidationError) as added:
        services.add_programme_item(user=world.hki_staff, event=event, **arguments)
    with pytest.raises(ValidationError) as updated:
        services.update_programme_item(user=world.hki_staff, item=item, **values)

    assert field in error_fields(added)
    assert field in error_fields(updated)
    assert snapshot(event) == before


@pytest.mark.parametrize("name", ["starts_at", "ends_at"])
def test_it_takes_a_naive_programme_time_for_a_programming_error(world, event, name):
    item = ProgrammeItemFactory(event=event, starts_at=at(9), ends_at=at(10))
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)
    naive = {
        "starts_at": datetime.datetime(2019, 11, 4, 9),
        "ends_at": datetime.datetime(2019, 11, 4, 10),
    }
    arguments = {"starts_at": at(9), "ends_at": at(10), "title_en": "Forum", name: naive[name]}

    with pytest.raises(ValueError):
        services.add_programme_item(user=world.hki_staff, event=event, **arguments)
    with pytest.raises(ValueError):
        services.update_programme_item(user=world.hki_staff, item=item, **{name: naive[name]})

    assert snapshot(event) == before


def test_it_refuses_a_programme_organiser_outside_the_partnership(world, event):
    tallinn_agency = AgencyFactory(city=world.other_partnership.first_city)
    item = ProgrammeItemFactory(event=event)
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)

    with pytest.raises(ValidationError) as added:
        services.add_programme_item(
            user=world.hki_staff,
            event=event,
            starts_at=at(9),
            title_en="Forum",
            organiser=tallinn_agency,
        )
    with pytest.raises(ValidationError) as updated:
        services.update_programme_item(user=world.hki_staff, item=item, organiser=tallinn_agency)

    assert error_fields(added) == {"organiser"}
    assert error_fields(updated) == {"organiser"}
    assert snapshot(event) == before


def test_it_accepts_a_programme_item_with_a_chinese_title_and_a_third_party(world, event):
    wtcf = AgencyFactory(city=None, partnerships=[world.partnership])

    services.add_programme_item(
        user=world.hki_staff, event=event, starts_at=at(14), title_zh_hans="论坛", organiser=wtcf
    )

    assert programme(event) == [(at(14), None, "", "论坛", "", wtcf.pk)]


def test_it_keeps_a_programme_item_in_its_event(world, event):
    item = ProgrammeItemFactory(event=event)
    other = Event.objects.exclude(pk=event.pk).first() or ProgrammeItemFactory().event

    with pytest.raises(TypeError):
        services.update_programme_item(user=world.admin, item=item, event=other)

    assert ProgrammeItem.objects.get(pk=item.pk).event_id == event.pk


def test_it_leaves_the_event_alone_when_an_item_does_not_change(world, event):
    item = ProgrammeItemFactory(event=event, starts_at=at(9), ends_at=at(10), title_en="Forum")
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)

    services.update_programme_item(user=world.hki_staff, item=item, starts_at=at(9))

    assert updated_at(event) == LONG_AGO


# --- delegation members -----------------------------------------------------------------------


def delegation(event):
    return list(
        DelegationMember.objects.filter(event=event)
        .order_by("pk")
        .values_list("name_en", "name_zh_hans", "position_en", "city_id", "agency_id", "is_head")
    )


@pytest.mark.parametrize("role", EDITORS)
def test_it_lets_coordinators_and_organisers_staff_list_the_delegation(world, role, event):
    user = getattr(world, role)

    member = services.add_delegation_member(
        user=user,
        event=event,
        name_en="  Jan Vapaavuori ",
        position_en="Mayor of Helsinki",
        city=world.helsinki,
        is_head=True,
    )
    assert delegation(event) == [
        ("Jan Vapaavuori", "", "Mayor of Helsinki", world.helsinki.pk, None, True)
    ]
    assert updated_at(event) > LONG_AGO

    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    services.update_delegation_member(
        user=user, member=member, name_zh_hans="万博", agency=world.hki_agency
    )
    assert delegation(event)[0][1::3] == ("万博", world.hki_agency.pk)
    assert updated_at(event) > LONG_AGO

    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    services.remove_delegation_member(user=user, member=member)
    assert delegation(event) == []
    assert updated_at(event) > LONG_AGO


@pytest.mark.parametrize("role", NOT_EDITORS)
def test_it_refuses_the_delegation_to_everyone_else(world, role, event):
    user = getattr(world, role)
    member = DelegationMemberFactory(event=event)
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)

    with pytest.raises(PermissionDenied):
        services.add_delegation_member(user=user, event=event, name_en="Someone")
    with pytest.raises(PermissionDenied):
        services.update_delegation_member(user=user, member=member, name_en="Someone else")
    with pytest.raises(PermissionDenied):
        services.remove_delegation_member(user=user, member=member)

    assert snapshot(event) == before


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"name_en": "  ", "name_zh_hans": ""}, "name_en"),
        ({"city": "tallinn"}, "city"),
        ({"agency": "tallinn"}, "agency"),
        ({"name_en": "x" * 201}, "name_en"),
    ],
)
def test_it_refuses_a_delegation_member_who_cannot_be(world, event, values, field):
    tallinn = world.other_partnership.first_city
    replacements = {"tallinn": tallinn}
    if "agency" in values:
        replacements["tallinn"] = AgencyFactory(city=tallinn)
    values = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in values.items()}
    member = DelegationMemberFactory(event=event)
    Event.objects.filter(pk=event.pk).update(updated_at=LONG_AGO)
    before = snapshot(event)

    with pytest.raises(ValidationError) as added:
        services.add_delegation_member(
            user=world.hki_staff, event=event, **{"name_en": "Someone", **values}
        )
    with pytest.raises(ValidationError) as updated:
        services.update_delegation_member(user=world.hki_staff, member=member, **values)

    assert field in error_fields(added)
    assert field in error_fields(updated)
    assert snapshot(event) == before


def test_it_accepts_a_delegate_of_the_other_side_and_of_a_third_party(world, event):
    wtcf = AgencyFactory(city=None, partnerships=[world.partnership])

    services.add_delegation_member(
        user=world.hki_staff, event=event, name_zh_hans="代表", city=world.beijing, agency=wtcf
    )

    [(name_en, name_zh_hans, _position, city, agency, is_head)] = delegation(event)
    assert (name_en, name_zh_hans, city, agency, is_head) == (
        "",
        "代表",
        world.beijing.pk,
        wtcf.pk,
        False,
    )


def test_it_keeps_a_delegation_member_in_their_event(world, event):
    member = DelegationMemberFactory(event=event)

    with pytest.raises(TypeError):
        services.update_delegation_member(user=world.admin, member=member, event=None)

    assert DelegationMember.objects.get(pk=member.pk).event_id == event.pk
