"""Issue 13's cases: dates, control characters and lengths bounded in the services, and
calendar feeds that one bad row (stored before the bounds) never breaks."""

from __future__ import annotations

import datetime

import icalendar
import pytest

from cooperation.models import Activity
from core.inputs import LIMITS
from events.models import Event
from tests.api.test_ical import feed_path, parse, vevents
from tests.cooperation.test_pages import edit_data
from tests.factories import EventFactory, ProgrammeItemFactory, ReviewFactory
from tests.helpers import main_of

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def event_url(event) -> str:
    return f"/api/v1/events/{event.pk}/"


def activity_url(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/"


def feeds_answer(world, client_for) -> None:
    """Every calendar of the partnership still answers a valid file."""
    client = client_for(world.hki_coordinator)
    parse(client_for(None).get(feed_path(world.hki_coordinator)))
    parse(client.get(f"/events/{world.event.pk}/event.ics"))


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1949-12-31", "2101-01-01"])
def test_an_event_dated_out_of_range_is_refused_and_the_feeds_stay_up(
    world, api_for, client_for, day
):
    before = (world.event.start_date, world.event.end_date)
    response = api_for(world.hki_coordinator).patch(
        event_url(world.event), {"start_date": day, "end_date": day}, format="json"
    )
    assert response.status_code == 400
    messages = response.json()["errors"]
    assert "between 1 January 1950 and 31 December 2100" in str(messages["start_date"])
    world.event.refresh_from_db()
    assert (world.event.start_date, world.event.end_date) == before
    feeds_answer(world, client_for)


def test_the_range_itself_is_accepted(world, api_for):
    response = api_for(world.hki_coordinator).patch(
        event_url(world.event),
        {"start_date": "2100-12-30", "end_date": "2100-12-31"},
        format="json",
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("day", [datetime.date(9999, 12, 31), datetime.date(1, 1, 1)])
def test_a_stored_bad_row_is_left_out_of_the_feed_and_logged(world, client_for, caplog, day):
    # Old data, written before the bounds (an update() passes no service).
    bad = EventFactory(plan=world.plan, title_en="Lost in time")
    Event.objects.filter(pk=bad.pk).update(start_date=day, end_date=day)
    ProgrammeItemFactory(event=world.event, title_en="Opening")
    item = ProgrammeItemFactory(event=world.event, title_en="Never")
    type(item).objects.filter(pk=item.pk).update(
        starts_at=datetime.datetime(9999, 12, 31, 23, tzinfo=datetime.UTC), ends_at=None
    )
    review = ReviewFactory(plan=world.plan, title_en="Far review")
    type(review).objects.filter(pk=review.pk).update(due_date=datetime.date(9999, 12, 31))

    calendar = parse(client_for(None).get(feed_path(world.hki_coordinator)))
    uids = set(vevents(calendar))
    assert not any(f"event-{bad.pk}@" in uid for uid in uids)
    assert not any(f"review-{review.pk}-due@" in uid for uid in uids)
    assert any(f"event-{world.event.pk}@" in uid for uid in uids)  # the rest stands
    assert f"event {bad.pk}" in caplog.text

    client = client_for(world.hki_coordinator)
    # Its own file: not found (no dates a calendar can hold), never an error.
    assert client.get(f"/events/{bad.pk}/event.ics").status_code == 404
    own = parse(client.get(f"/events/{world.event.pk}/event.ics"))
    summaries = [str(c["SUMMARY"]) for c in own.walk("VEVENT")]
    assert any("Opening" in s for s in summaries)
    assert not any("Never" in s for s in summaries)


def test_stored_control_characters_are_escaped_in_the_files(world, client_for):
    Event.objects.filter(pk=world.event.pk).update(
        # No NUL: PostgreSQL stores none (the services refuse it, tests/core/test_inputs.py).
        title_en="Line one\nline two\x1b\x7f",
        description_en="First.\r\nSecond.\x07",
    )
    response = client_for(world.hki_coordinator).get(f"/events/{world.event.pk}/event.ics")
    calendar = parse(response)  # the calendar's name is the title too
    event = next(iter(calendar.walk("VEVENT")))
    assert str(event["SUMMARY"]) == "Line one line two"
    assert str(event["DESCRIPTION"]).startswith("First.\nSecond.")
    assert b"\x1b" not in response.content and b"\x07" not in response.content
    assert str(calendar["X-WR-CALNAME"]) == "Line one line two"
    parse(client_for(None).get(feed_path(world.hki_coordinator)))


@pytest.mark.parametrize("title", ["a\nb", "a\tb", "a\x00b", "a\u202eb"])
def test_a_title_with_a_control_character_is_refused_by_the_api(world, api_for, title):
    activity = world.hki_activity
    before = activity.title_en
    response = api_for(world.hki_coordinator).patch(
        activity_url(activity), {"title": {"en": title}}, format="json"
    )
    assert response.status_code == 400
    assert "title.en" in response.json()["errors"]
    activity.refresh_from_db()
    assert activity.title_en == before


def test_a_title_with_a_newline_is_a_form_error_on_the_page(world, client_for):
    activity = world.hki_activity
    response = client_for(world.hki_coordinator).post(
        f"/activities/{activity.pk}/edit/", edit_data(activity, title_en="a\nb")
    )
    assert response.status_code == 400
    assert "Keep this to one line" in main_of(response)
    assert Activity.objects.get(pk=activity.pk).title_en == activity.title_en


@pytest.mark.parametrize("field", ["description", "outcomes"])
def test_nul_in_a_description_is_refused_not_an_error(world, api_for, client_for, field):
    activity = world.hki_activity
    response = api_for(world.hki_coordinator).patch(
        activity_url(activity), {field: {"en": "before\x00after"}}, format="json"
    )
    assert response.status_code == 400
    response = client_for(world.hki_coordinator).post(
        f"/activities/{activity.pk}/edit/", edit_data(activity, **{f"{field}_en": "a\x00b"})
    )
    assert response.status_code == 400
    assert getattr(Activity.objects.get(pk=activity.pk), f"{field}_en") == getattr(
        activity, f"{field}_en"
    )


def test_a_description_is_bounded_at_its_limit(world, api_for):
    activity, limit = world.hki_activity, LIMITS["text"]
    client = api_for(world.hki_coordinator)
    response = client.patch(
        activity_url(activity), {"description": {"en": "x" * (limit + 1)}}, format="json"
    )
    assert response.status_code == 400
    assert f"at most {limit}" in str(response.json()).replace(",", "").replace("\xa0", "")
    response = client.patch(
        activity_url(activity), {"description": {"zh-hans": "描" * limit}}, format="json"
    )
    assert response.status_code == 200
    assert len(Activity.objects.get(pk=activity.pk).description_zh_hans) == limit


def test_an_ics_of_a_long_text_folds_its_lines(world, client_for):
    Event.objects.filter(pk=world.event.pk).update(description_en="长" * 500)
    response = client_for(world.hki_coordinator).get(f"/events/{world.event.pk}/event.ics")
    assert all(len(line) <= 75 for line in response.content.split(b"\r\n"))
    assert icalendar.Calendar.from_ical(response.content)
