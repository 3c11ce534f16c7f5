"""The calendar: a private feed of the user's events and review deadlines, and one event's
.ics from its page. Both parse as RFC 5545 (icalendar) and say what the pages say."""

from __future__ import annotations

import datetime

import icalendar
import pytest

from api.models import CalendarFeed
from events.models import EventKind
from partners.models import Profile
from tests.factories import EventFactory, ProgrammeItemFactory, ReviewFactory

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar) -> dict[str, icalendar.Event]:
    return {str(c["UID"]): c for c in calendar.walk("VEVENT")}


@pytest.fixture
def weeks(world):
    """The two Weeks of the plan, a year-only festival and another partnership's event."""
    helsinki_week = world.event  # Helsinki Week in Beijing, 4–8 Nov 2019
    helsinki_week.title_en, helsinki_week.title_zh_hans = "Helsinki Week in Beijing", "赫尔辛基周"
    helsinki_week.venue_en = "Beijing Exhibition Centre"
    helsinki_week.save()
    beijing_week = EventFactory(
        plan=world.plan,
        kind=EventKind.WEEK,
        title_en="Beijing Week in Helsinki",
        title_zh_hans="北京周",
        host_city=world.helsinki,
        year=2021,
        start_date=datetime.date(2021, 9, 6),
        end_date=None,  # one day
    )
    festival = EventFactory(
        plan=world.plan,
        kind=EventKind.FESTIVAL,
        title_en="Helsinki Chinese New Year",
        year=2022,
        start_date=None,
        end_date=None,
    )
    foreign = EventFactory(plan=world.other_plan, title_en="Tallinn Days")
    return helsinki_week, beijing_week, festival, foreign


def feed_path(user) -> str:
    _feed, secret = CalendarFeed.issue(user=user)
    return f"/calendar/{secret}.ics"


def test_the_feed_carries_the_weeks_and_the_review_deadlines(world, weeks, client_for):
    helsinki_week, beijing_week, festival, foreign = weeks
    second_review = ReviewFactory(
        plan=world.plan, title_en="Evaluation", due_date=datetime.date(2023, 6, 30)
    )
    calendar = parse(client_for(None).get(feed_path(world.hki_coordinator)))
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    entries = vevents(calendar)
    domain = "127.0.0.1"

    week = entries[f"event-{helsinki_week.pk}@{domain}"]
    assert week["SUMMARY"] == "Helsinki Week in Beijing"
    assert week.decoded("DTSTART") == datetime.date(2019, 11, 4)
    assert week.decoded("DTEND") == datetime.date(2019, 11, 9)  # the end is exclusive
    assert "Beijing Exhibition Centre" in week["LOCATION"]
    assert str(week["URL"]).endswith(f"/events/{helsinki_week.pk}/")

    one_day = entries[f"event-{beijing_week.pk}@{domain}"]
    assert one_day.decoded("DTSTART") == datetime.date(2021, 9, 6)
    assert one_day.decoded("DTEND") == datetime.date(2021, 9, 7)

    # Known only by its year: left out. Another partnership's: not there.
    assert f"event-{festival.pk}@{domain}" not in entries
    assert f"event-{foreign.pk}@{domain}" not in entries

    due = entries[f"review-{world.review.pk}-due@{domain}"]
    assert due["SUMMARY"] == "Review due: Mid-term review"
    assert due.decoded("DTSTART") == world.review.due_date
    assert due.decoded("DTEND") == world.review.due_date + datetime.timedelta(days=1)
    assert f"review-{second_review.pk}-due@{domain}" in entries
    assert len(entries) == 4


def test_uids_are_stable_and_the_texts_follow_the_preferred_language(world, weeks, client_for):
    Profile.objects.filter(user=world.bj_coordinator).update(preferred_language="zh-hans")
    path = feed_path(world.bj_coordinator)
    first = vevents(parse(client_for(None).get(path)))
    second = vevents(parse(client_for(None).get(path)))
    assert set(first) == set(second)
    titles = {str(e["SUMMARY"]) for e in first.values()}
    assert "赫尔辛基周" in titles and "北京周" in titles


def test_an_english_speaker_gets_english(world, weeks, client_for):
    titles = {
        str(e["SUMMARY"])
        for e in vevents(parse(client_for(None).get(feed_path(world.official)))).values()
    }
    assert "Beijing Week in Helsinki" in titles


def test_a_revoked_or_unknown_feed_is_404(world, client_for):
    feed, secret = CalendarFeed.issue(user=world.official)
    path = f"/calendar/{secret}.ics"
    assert client_for(None).get(path).status_code == 200
    feed.revoke()
    assert client_for(None).get(path).status_code == 404
    assert client_for(None).get("/calendar/scf_guess.ics").status_code == 404
    assert client_for(None).get(f"/calendar/{'x' * 300}.ics").status_code == 404
    # A deactivated user's feed stops too.
    _feed, other = CalendarFeed.issue(user=world.bj_staff)
    world.bj_staff.is_active = False
    world.bj_staff.save(update_fields=["is_active"])
    assert client_for(None).get(f"/calendar/{other}.ics").status_code == 404


def test_the_feed_records_its_use(world, client_for):
    feed, secret = CalendarFeed.issue(user=world.official)
    client_for(None).get(f"/calendar/{secret}.ics")
    feed.refresh_from_db()
    assert feed.last_used_at is not None


def test_one_events_ics_with_its_programme(world, weeks, client_for):
    helsinki_week = weeks[0]
    item = ProgrammeItemFactory(event=helsinki_week, title_en="Opening ceremony")
    response = client_for(world.bj_staff).get(f"/events/{helsinki_week.pk}/event.ics")
    assert response["Content-Disposition"].startswith("attachment")
    entries = vevents(parse(response))
    assert set(entries) == {
        f"event-{helsinki_week.pk}@127.0.0.1",
        f"programme-item-{item.pk}@127.0.0.1",
    }
    opening = entries[f"programme-item-{item.pk}@127.0.0.1"]
    # 09:00 in Beijing is 01:00 UTC.
    assert opening.decoded("DTSTART") == datetime.datetime(2019, 11, 4, 1, 0, tzinfo=datetime.UTC)
    assert str(opening["SUMMARY"]).startswith("Opening ceremony")


def test_one_events_ics_needs_a_login_and_the_partnership(world, weeks, client_for):
    path = f"/events/{weeks[0].pk}/event.ics"
    assert client_for(None).get(path).status_code == 302
    assert client_for(world.outsider).get(path).status_code == 404


def test_an_event_without_dates_has_no_ics(world, weeks, client_for):
    # Known only by its year: no empty calendar to download, and no link to one.
    festival = weeks[2]
    client = client_for(world.official)

    assert client.get(f"/events/{festival.pk}/event.ics").status_code == 404
    assert "event.ics" not in client.get(f"/events/{festival.pk}/").content.decode()
    assert (
        f"/events/{weeks[0].pk}/event.ics" in client.get(f"/events/{weeks[0].pk}/").content.decode()
    )
