"""Event pages: the list with its filters, one event, and programme edits per role."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from events.models import EventKind, ProgrammeItem
from tests import factories as f
from tests.helpers import MEMBERS, main_of

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

BEIJING = ZoneInfo("Asia/Shanghai")


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_it_lists_the_events_of_the_users_plans(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("event-list"))
    assert response.status_code == 200
    content = main_of(response)
    assert world.event.title_en in content
    assert reverse("event-detail", args=[world.event.pk]) in content


def test_it_asks_anonymous_to_log_in_for_events(world, client):
    for url in (reverse("event-list"), reverse("event-detail", args=[world.event.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_shows_an_outsider_none_of_our_events(world, client_for):
    f.EventFactory(plan=world.other_plan, title_en="Tallinn–Riga Days")
    content = main_of(client_for(world.outsider).get(reverse("event-list")))
    assert "Tallinn–Riga Days" in content
    assert world.event.title_en not in content


def test_it_shows_kind_host_dates_themes_organisers(world, client_for):
    world.event.themes.set([world.themes[0], world.themes[2]])
    content = main_of(client_for(world.official).get(reverse("event-list")))
    row = content[content.index(world.event.title_en) :]
    row = row[: row.index("</tr>")]
    assert "City week" in row
    assert "Beijing" in row
    assert 'datetime="2019-11-04"' in row and 'datetime="2019-11-08"' in row
    assert "Economy" in row and "Culture" in row and "Education" not in row
    assert escape(world.hki_agency.name_en) in row
    assert "demo-label" not in row


def test_it_marks_demo_events_and_undated_ones(world, client_for):
    f.EventFactory(
        plan=world.plan,
        title_en="Demo forum",
        is_demo=True,
        kind=EventKind.FORUM,
        year=2022,
        start_date=None,
        end_date=None,
    )
    f.EventFactory(
        plan=world.plan, title_en="Someday visit", year=None, start_date=None, end_date=None
    )
    content = main_of(client_for(world.official).get(reverse("event-list")))
    demo = content[content.index("Demo forum") :]
    demo = demo[: demo.index("</tr>")]
    assert "demo-label" in demo
    assert "2022" in demo and "date to be set" in demo
    someday = content[content.index("Someday visit") :]
    assert "Date to be set" in someday[: someday.index("</tr>")]
    # Dated first, undated last.
    assert content.index(world.event.title_en) < content.index("Demo forum")
    assert content.index("Demo forum") < content.index("Someday visit")


def test_it_filters_events(world, client_for):
    forum = f.EventFactory(
        plan=world.plan,
        title_en="Innovation forum",
        kind=EventKind.FORUM,
        host_city=world.helsinki,
        year=2021,
        start_date=datetime.date(2021, 5, 3),
        end_date=datetime.date(2021, 5, 3),
    )
    festival = f.EventFactory(
        plan=world.plan,
        title_en="Chinese New Year",
        kind=EventKind.FESTIVAL,
        host_city=world.helsinki,
        year=2022,
        start_date=None,
        end_date=None,
    )
    client = client_for(world.hki_coordinator)

    def titles(**params):
        content = main_of(client.get(reverse("event-list"), params))
        return {e.title_en for e in (world.event, forum, festival) if e.title_en in content}

    assert titles() == {world.event.title_en, forum.title_en, festival.title_en}
    assert titles(kind="forum") == {forum.title_en}
    assert titles(year="2022") == {festival.title_en}
    assert titles(year="2019") == {world.event.title_en}
    assert titles(host_city=world.helsinki.pk) == {forum.title_en, festival.title_en}
    assert titles(plan=world.plan.pk, kind="week") == {world.event.title_en}
    assert titles(plan=world.plan.pk, host_city=world.beijing.pk, year=2021) == set()


@pytest.mark.parametrize(
    "params",
    [
        {"plan": "abc"},
        {"plan": "99999999999999999999999"},
        {"plan": "-1"},
        {"kind": "picnic"},
        {"year": "zzz"},
        {"year": "99999999999"},
        {"year": "-5"},
        {"host_city": "'; drop table events_event; --"},
        {"host_city": "1e9"},
        {"page": "last"},
        {"page": "-3"},
        {"page": "999999"},
    ],
)
def test_it_shrugs_off_junk_filters(world, client_for, params):
    response = client_for(world.official).get(reverse("event-list"), params)
    assert response.status_code == 200
    assert world.event.title_en in main_of(response)  # the bad filter is ignored


def test_it_reports_a_junk_filter(world, client_for):
    response = client_for(world.official).get(reverse("event-list"), {"year": "soon"})
    assert "Some filters were not understood" in response.content.decode()


def test_it_does_not_offer_another_partnerships_plan_as_a_filter(world, client_for):
    client = client_for(world.official)
    content = client.get(reverse("event-list")).content.decode()
    plan_options = content.split('name="plan"')[1].split("</select>")[0]
    assert f'value="{world.other_plan.pk}"' not in plan_options
    response = client.get(reverse("event-list"), {"plan": world.other_plan.pk})
    assert world.event.title_en in main_of(response)  # refused filter, not someone else's plan


def test_it_shows_the_list_in_chinese(world, client_for):
    client = client_for(world.bj_staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = main_of(client.get(reverse("event-list")))
    assert world.event.title_zh_hans in content
    assert "北京" in content


def _many_events(world, n):
    series = f.EventSeriesFactory(plan=world.plan)
    for i in range(n):
        f.EventFactory(
            plan=world.plan,
            series=series if i % 2 else None,
            host_city=world.helsinki if i % 2 else world.beijing,
            themes=[world.themes[i % 3]],
            organisers=[world.hki_agency, world.bj_agency],
            start_date=None if i % 4 == 0 else datetime.date(2020, 1, 1 + i % 28),
            end_date=None,
        )


@pytest.mark.parametrize("extra", [5, 100])
def test_it_lists_events_in_constant_queries(world, client_for, django_assert_num_queries, extra):
    _many_events(world, extra)
    client = client_for(world.hki_coordinator)
    # 1 session, 2 user, 3 profile, 4 count for the paginator, 5 the page of events with
    # plan, host city and series, 6 their themes, 7 their organisers with city,
    # 8 the plan options and 9 the host city options of the filter form.
    with django_assert_num_queries(9):
        response = client.get(reverse("event-list"))
    assert response.status_code == 200


def test_it_filters_in_constant_queries(world, client_for, django_assert_num_queries):
    _many_events(world, 5)
    client = client_for(world.hki_coordinator)
    params = {"plan": world.plan.pk, "host_city": world.helsinki.pk, "kind": "week"}
    # As above, plus 10 and 11: looking up the chosen plan and host city.
    with django_assert_num_queries(11):
        response = client.get(reverse("event-list"), params)
    assert response.status_code == 200


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_it_shows_an_event(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("event-detail", args=[world.event.pk]))
    assert response.status_code == 200
    assert world.event.title_en in main_of(response)


def test_it_hides_an_event_from_an_outsider(world, client_for):
    response = client_for(world.outsider).get(reverse("event-detail", args=[world.event.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("pk", [999999, 2**63, 10**30])
def test_it_answers_404_for_a_missing_event(world, client_for, pk):
    client = client_for(world.admin)
    assert client.get(reverse("event-detail", args=[pk])).status_code == 404
    assert client.post(reverse("programme-item-create", args=[pk]), {}).status_code == 404
    assert client.post(reverse("programme-item-delete", args=[pk])).status_code == 404


def test_it_shows_everything_about_an_event(world, client_for):
    event = world.event
    event.description_en = "A week of Helsinki in Beijing.\nSecond line."
    event.venue_en = "Beijing Exhibition Centre"
    event.series = f.EventSeriesFactory(plan=world.plan, name_en="Helsinki Weeks")
    event.save()
    event.themes.set([world.themes[0]])
    event.activities.set([world.joint_activity])
    f.ProgrammeItemFactory(
        event=event,
        title_en="Opening ceremony",
        venue_en="Main hall",
        organiser=world.hki_agency,
        starts_at=datetime.datetime(2019, 11, 4, 9, 0, tzinfo=BEIJING),
        ends_at=datetime.datetime(2019, 11, 4, 10, 30, tzinfo=BEIJING),
    )
    f.DelegationMemberFactory(
        event=event,
        name_en="Jan Vapaavuori",
        position_en="Mayor",
        city=world.helsinki,
        is_head=True,
    )
    f.DelegationMemberFactory(event=event, name_en="Adviser", agency=world.hki_agency)
    content = main_of(client_for(world.bj_staff).get(reverse("event-detail", args=[event.pk])))
    assert "A week of Helsinki in Beijing." in content
    assert "Beijing Exhibition Centre" in content
    assert "Helsinki Weeks" in content
    assert reverse("theme-detail", args=[world.themes[0].pk]) in content
    assert reverse("activity-detail", args=[world.joint_activity.pk]) in content
    assert world.joint_activity.title_en in content
    assert "Opening ceremony" in content and "Main hall" in content
    # Programme times are the host city's local times (Beijing), not the portal's (Helsinki).
    assert "09:00" in content and "10:30" in content
    assert "03:00" not in content
    assert "Beijing time" in content and "Asia/Shanghai" not in content
    assert "Jan Vapaavuori" in content and "Mayor" in content and "Head of delegation" in content
    assert content.index("Jan Vapaavuori") < content.index("Adviser")


def test_it_shows_an_event_in_chinese_with_marked_fallbacks(world, client_for):
    f.ProgrammeItemFactory(event=world.event, title_en="Only English", title_zh_hans="")
    client = client_for(world.bj_coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = main_of(client.get(reverse("event-detail", args=[world.event.pk])))
    assert world.event.title_zh_hans in content
    assert '<span lang="en">Only English</span>' in content


def _programme(world, n):
    event = world.event
    event.themes.set(world.themes)
    event.activities.set([world.hki_activity, world.bj_activity])
    event.organisers.set([world.hki_agency, world.bj_agency])
    for i in range(n):
        start = datetime.datetime(2019, 11, 4, 8, 0, tzinfo=BEIJING) + datetime.timedelta(hours=i)
        f.ProgrammeItemFactory(
            event=event,
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=50),
            organiser=world.bj_agency if i % 2 else None,
        )
        f.DelegationMemberFactory(
            event=event, city=world.helsinki, agency=world.hki_agency if i % 2 else None
        )
    return event


@pytest.mark.parametrize("extra", [5, 100])
def test_it_shows_an_event_in_constant_queries(world, client_for, django_assert_num_queries, extra):
    event = _programme(world, extra)
    client = client_for(world.hki_staff)  # an organiser: the page has the programme form
    # 1 session, 2 user, 3 profile, 4 the event with plan, partnership, host city, series,
    # 5 themes, 6 activities with theme, 7 organisers with city, 8 programme items with
    # organiser, 9 delegation with city and agency, 10 the organiser options of the form.
    with django_assert_num_queries(10):
        response = client.get(reverse("event-detail", args=[event.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('action="/events/programme/') == extra


# --- programme items ------------------------------------------------------------------------

CAN_EDIT = ["hki_coordinator", "bj_coordinator", "hki_staff", "admin"]
CANNOT_EDIT = ["bj_staff", "official"]


def _item_data(**overrides):
    data = {
        "starts_at": "2019-11-05T14:00",
        "ends_at": "2019-11-05T15:30",
        "title_en": "Smart city seminar",
        "title_zh_hans": "智慧城市研讨会",
        "venue_en": "Zhongguancun",
        "venue_zh_hans": "中关村",
        "organiser": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("role", CAN_EDIT)
def test_it_lets_organisers_and_coordinators_add_an_item(world, client_for, role):
    client = client_for(getattr(world, role))
    url = reverse("programme-item-create", args=[world.event.pk])
    response = client.post(url, _item_data(organiser=world.hki_agency.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("event-detail", args=[world.event.pk]) + "#programme"
    item = ProgrammeItem.objects.get(event=world.event)
    # Typed in Beijing time (the host city's): 14:00 in Beijing is 06:00 UTC.
    assert item.starts_at == datetime.datetime(2019, 11, 5, 6, 0, tzinfo=datetime.UTC)
    assert item.ends_at == datetime.datetime(2019, 11, 5, 7, 30, tzinfo=datetime.UTC)
    assert item.title_zh_hans == "智慧城市研讨会"
    assert item.organiser == world.hki_agency
    page = client.get(response["Location"]).content.decode()
    assert "Smart city seminar" in page and "14:00" in page
    assert "The programme item was added." in page


@pytest.mark.parametrize("role", CANNOT_EDIT)
def test_it_refuses_items_from_others(world, client_for, role):
    client = client_for(getattr(world, role))
    detail = client.get(reverse("event-detail", args=[world.event.pk])).content.decode()
    assert reverse("programme-item-create", args=[world.event.pk]) not in detail
    response = client.post(reverse("programme-item-create", args=[world.event.pk]), _item_data())
    assert response.status_code == 403
    assert not ProgrammeItem.objects.exists()


def test_it_hides_the_programme_form_from_an_outsider(world, client_for):
    response = client_for(world.outsider).post(
        reverse("programme-item-create", args=[world.event.pk]), _item_data()
    )
    assert response.status_code == 404
    assert not ProgrammeItem.objects.exists()


def test_it_asks_anonymous_to_log_in_before_adding(world, client):
    response = client.post(reverse("programme-item-create", args=[world.event.pk]), _item_data())
    assert response.status_code == 302
    assert not ProgrammeItem.objects.exists()


def test_it_refuses_an_item_that_ends_before_it_starts(world, client_for):
    client = client_for(world.hki_staff)
    response = client.post(
        reverse("programme-item-create", args=[world.event.pk]),
        _item_data(starts_at="2019-11-05T15:00", ends_at="2019-11-05T14:00"),
    )
    assert response.status_code == 400
    assert "The item must end after it starts." in response.content.decode()
    assert not ProgrammeItem.objects.exists()


def test_it_refuses_an_item_that_ends_when_it_starts(world, client_for):
    response = client_for(world.hki_coordinator).post(
        reverse("programme-item-create", args=[world.event.pk]),
        _item_data(starts_at="2019-11-05T15:00", ends_at="2019-11-05T15:00"),
    )
    assert response.status_code == 400
    assert not ProgrammeItem.objects.exists()


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"starts_at": ""}, "This field is required."),
        ({"starts_at": "tomorrow-ish"}, "Enter a valid date/time."),
        # Before year 1 in UTC: no datetime can hold it.
        ({"starts_at": "0001-01-01T00:00", "ends_at": ""}, "Enter a valid date/time."),
        ({"ends_at": "9999-12-31T23:59"}, "Enter a valid date/time."),
        ({"title_en": "", "title_zh_hans": ""}, "Give the item a title in English or in Chinese."),
        ({"organiser": "nope"}, "Select a valid choice."),
        ({"title_en": "x" * 301}, "Ensure this value has at most 300 characters"),
    ],
)
def test_it_refuses_bad_input(world, client_for, overrides, message):
    response = client_for(world.bj_coordinator).post(
        reverse("programme-item-create", args=[world.event.pk]), _item_data(**overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgrammeItem.objects.exists()


def test_it_refuses_an_organiser_of_another_partnership(world, client_for):
    tallinn_agency = f.AgencyFactory(city=world.other_partnership.first_city)
    response = client_for(world.hki_coordinator).post(
        reverse("programme-item-create", args=[world.event.pk]),
        _item_data(organiser=tallinn_agency.pk),
    )
    assert response.status_code == 400
    assert not ProgrammeItem.objects.exists()


def test_it_shows_the_validation_error_in_chinese(world, client_for):
    client = client_for(world.hki_staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(
        reverse("programme-item-create", args=[world.event.pk]),
        _item_data(starts_at=""),
    )
    assert response.status_code == 400
    with translation.override("zh-hans"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."  # Django's own catalogue has it
    assert required in response.content.decode()


def test_it_adds_items_only_by_post(world, client_for):
    response = client_for(world.hki_coordinator).get(
        reverse("programme-item-create", args=[world.event.pk])
    )
    assert response.status_code == 405


@pytest.mark.parametrize("role", CAN_EDIT)
def test_it_lets_organisers_and_coordinators_remove_an_item(world, client_for, role):
    item = f.ProgrammeItemFactory(event=world.event)
    response = client_for(getattr(world, role)).post(
        reverse("programme-item-delete", args=[item.pk])
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("event-detail", args=[world.event.pk]) + "#programme"
    assert not ProgrammeItem.objects.filter(pk=item.pk).exists()


@pytest.mark.parametrize("role", CANNOT_EDIT)
def test_it_refuses_removal_by_others(world, client_for, role):
    item = f.ProgrammeItemFactory(event=world.event)
    response = client_for(getattr(world, role)).post(
        reverse("programme-item-delete", args=[item.pk])
    )
    assert response.status_code == 403
    assert ProgrammeItem.objects.filter(pk=item.pk).exists()


def test_it_hides_items_from_an_outsider(world, client_for):
    item = f.ProgrammeItemFactory(event=world.event)
    response = client_for(world.outsider).post(reverse("programme-item-delete", args=[item.pk]))
    assert response.status_code == 404
    assert ProgrammeItem.objects.filter(pk=item.pk).exists()


def test_it_removes_items_only_by_post(world, client_for):
    item = f.ProgrammeItemFactory(event=world.event)
    response = client_for(world.hki_coordinator).get(
        reverse("programme-item-delete", args=[item.pk])
    )
    assert response.status_code == 405
    assert ProgrammeItem.objects.filter(pk=item.pk).exists()


def test_it_answers_404_for_a_missing_item(world, client_for):
    response = client_for(world.admin).post(reverse("programme-item-delete", args=[424242]))
    assert response.status_code == 404


def test_it_lets_staff_edit_only_events_their_agency_organises(world, client_for):
    other = f.EventFactory(plan=world.plan, organisers=[world.bj_agency])
    url = reverse("programme-item-create", args=[other.pk])
    assert client_for(world.hki_staff).post(url, _item_data()).status_code == 403
    assert client_for(world.bj_staff).post(url, _item_data()).status_code == 302
    assert ProgrammeItem.objects.filter(event=other).count() == 1
