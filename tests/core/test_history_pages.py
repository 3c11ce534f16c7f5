"""An object's history as people read it: on the object's own history page, in /manage/ and in
/admin/; filtered by person and dates, exported as CSV, paginated, in a constant number of
queries; never edited or deleted, not even by a superuser in /admin/."""

import csv
import datetime
import io
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cooperation.models import Activity
from cooperation.services import activities, commitments, plans, themes
from core.doors import Door, door
from core.models import HistoryEntry
from core.moments import ZONE_LABELS
from events import services as events
from reviews import services as reviews
from tests.helpers import main_of

pytestmark = pytest.mark.clock


def as_user(user, name=Door.PAGE):
    return door(name, request=SimpleNamespace(user=user))


def rename(world, activity, title_en, *, user=None, participants=None):
    """One recorded change of ``activity`` (a fresh copy, its current version)."""
    user = user or world.hki_coordinator
    current = Activity.objects.get(pk=activity.pk)
    current.title_en = title_en
    with as_user(user):
        activities.update_activity(
            user=user,
            activity=current,
            expected_version=current.version,
            fields=["title_en"],
            participant_ids=participants,
        )


def test_each_object_page_links_its_history(world, client_for):
    client = client_for(world.official)
    pages = {
        f"/plans/{world.plan.pk}/": f"/plans/{world.plan.pk}/history/",
        f"/themes/{world.themes[0].pk}/": f"/themes/{world.themes[0].pk}/history/",
        f"/activities/{world.hki_activity.pk}/": f"/activities/{world.hki_activity.pk}/history/",
        f"/events/{world.event.pk}/": f"/events/{world.event.pk}/history/",
        f"/reviews/{world.review.pk}/": f"/reviews/{world.review.pk}/history/",
        "/agencies/": f"/agencies/{world.hki_agency.pk}/history/",
    }
    for page, link in pages.items():
        assert f'href="{link}"' in client.get(page).content.decode(), page


def test_an_outsider_gets_404_everywhere(world, client_for):
    client = client_for(world.outsider)
    for path in (
        f"/plans/{world.plan.pk}/history/",
        f"/themes/{world.themes[0].pk}/history/",
        f"/activities/{world.hki_activity.pk}/history/",
        f"/events/{world.event.pk}/history/",
        f"/reviews/{world.review.pk}/history/",
        f"/agencies/{world.hki_agency.pk}/history/",
        f"/activities/{world.hki_activity.pk}/history/?format=csv",
    ):
        assert client.get(path).status_code == 404, path


def test_an_entry_says_when_who_door_what_and_each_value(world, client_for):
    rename(world, world.hki_activity, "Helsinki-led pilot")
    page = main_of(client_for(world.official).get(f"/activities/{world.hki_activity.pk}/history/"))
    assert "times in Helsinki time" in page
    assert "hki_coordinator" in page and ">page<" in page
    assert "Title (English)" in page
    assert "Helsinki-led activity</span> → <span" in page
    assert "Helsinki-led pilot" in page
    # The creation lists both languages' titles.
    assert "Title (Simplified Chinese)" in page and "赫尔辛基牵头的活动" in page


def test_in_the_readers_language_and_time_zone(world, client_for):
    rename(world, world.hki_activity, "Renamed")
    world.bj_coordinator.profile.preferred_language = "zh-hans"
    world.bj_coordinator.profile.save()
    page = main_of(
        client_for(world.bj_coordinator).get(f"/activities/{world.hki_activity.pk}/history/")
    )
    assert "Asia/Shanghai" not in page
    # Pinned at 10:00 UTC: 18:00 in Beijing, said in words.
    with translation.override("zh-hans"):
        beijing_time = str(ZONE_LABELS["Asia/Shanghai"])  # 北京时间 once translated
    assert f'2026-11-30 18:00 <span class="time-zone">{beijing_time}</span>' in page
    assert "标题" in page  # the field's label in Chinese


def test_a_theme_shows_its_responsibilities_and_commitments(world, client_for):
    user = world.hki_coordinator
    theme = world.themes[1]
    with as_user(user):
        themes.add_responsibility(
            user=user, theme=theme, agency=world.hki_other_agency, role="lead"
        )
        commitments.create_commitment(
            user=user, theme=theme, code="exchange", order=1, text_en="Teacher exchange."
        )
    page = main_of(client_for(world.bj_staff).get(f"/themes/{theme.pk}/history/"))
    assert "Responsible agency" in page and "Culture and Leisure Division" in page
    assert "Commitment" in page and "Teacher exchange." in page


def test_an_event_shows_its_programme_and_delegation(world, client_for):
    user = world.hki_staff
    with as_user(user):
        events.add_programme_item(
            user=user,
            event=world.event,
            starts_at=datetime.datetime(2019, 11, 4, 1, tzinfo=datetime.UTC),
            title_en="Opening",
        )
        events.add_delegation_member(user=user, event=world.event, name_en="Anni Sinnemäki")
    page = main_of(client_for(world.official).get(f"/events/{world.event.pk}/history/"))
    assert "Programme item" in page and "Opening" in page
    # A date and time in the reader's zone (01:00 UTC is 03:00 in Helsinki).
    assert "2019-11-04 03:00 Helsinki time" in page
    assert "Delegation member" in page and "Anni Sinnemäki" in page


def test_a_review_shows_its_assessments_and_a_plan_its_signatories(world, client_for):
    user = world.bj_coordinator
    with as_user(user):
        reviews.save_assessment(
            user=user,
            review=world.review,
            theme=world.themes[0],
            rating="at_risk",
            narrative_en="Slow.",
        )
        plans.add_signatory(
            user=user,
            plan=world.plan,
            city=world.beijing,
            name_en="Chen Jining",
            position_en="Mayor",
        )
    client = client_for(world.hki_staff)
    page = main_of(client.get(f"/reviews/{world.review.pk}/history/"))
    assert "Theme assessment" in page and "At risk" in page
    page = main_of(client.get(f"/plans/{world.plan.pk}/history/"))
    assert "Signatory" in page and "Chen Jining" in page


def test_links_are_named_now_or_as_they_were(world, client_for):
    user = world.hki_coordinator
    with as_user(user):
        events.update_event(user=user, event=world.event, organisers=[world.bj_other_agency])
    page = main_of(client_for(user).get(f"/events/{world.event.pk}/history/"))
    assert "added: Culture and Tourism Bureau" in page
    assert "removed: Economic Development Division" in page


def test_filter_by_person_and_dates(world, client_for):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 10, tzinfo=datetime.UTC)):
        rename(world, world.hki_activity, "Early", user=world.hki_staff)
    rename(world, world.hki_activity, "Late")
    client = client_for(world.official)
    url = f"/activities/{world.hki_activity.pk}/history/"
    early, late = 'history-new">Early<', 'history-new">Late<'
    page = main_of(client.get(url, {"actor": "hki_staff"}))
    assert early in page and late not in page
    page = main_of(client.get(url, {"since": "2026-11-10"}))
    assert late in page and early not in page
    page = main_of(client.get(url, {"since": "2026-11-01", "until": "2026-11-02"}))
    assert early in page and late not in page
    # The people offered are those who changed it.
    assert '<option value="hki_staff"' in page and '<option value="bj_staff"' not in page


def test_a_bad_filter_says_so_and_filters_nothing(world, client_for):
    rename(world, world.hki_activity, "Renamed")
    client = client_for(world.official)
    url = f"/activities/{world.hki_activity.pk}/history/"
    response = client.get(url, {"since": "30.2.2026", "until": "9999-12-31", "actor": "nobody"})
    assert response.status_code == 200
    page = main_of(response)
    assert 'role="alert"' in page and "Renamed" in page
    response = client.get(url, {"since": "2026-11-30", "until": "2026-11-01", "format": "csv"})
    assert response.status_code == 302 and "format" not in response["Location"]


def test_csv_export_with_the_filters_and_safe_cells(world, client_for):
    rename(world, world.hki_activity, '=HYPERLINK("http://x")', user=world.hki_staff)
    rename(world, world.hki_activity, "Plain")
    response = client_for(world.official).get(
        f"/activities/{world.hki_activity.pk}/history/", {"actor": "hki_staff", "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert lines[0][:4] == ["When", "Time zone", "Who", "Door"]
    assert len(lines) == 2  # one change, by that person
    when, zone, who, through, kind, name, action, label, old, new = lines[1]
    assert (zone, who, through, action, label) == (
        "Europe/Helsinki",
        "hki_staff",
        "page",
        "changed",
        "Title (English)",
    )
    assert new == '\'=HYPERLINK("http://x")'  # never a formula


def test_pages_of_history(world, client_for):
    for number in range(30):
        rename(world, world.joint_activity, f"Title {number}")
    client = client_for(world.official)
    url = f"/activities/{world.joint_activity.pk}/history/"
    first = main_of(client.get(url))
    assert "Title 29" in first and "Page 1 of 2" in first
    second = main_of(client.get(url, {"page": 2}))
    assert "Title 3</span>" in second and "Title 29</span>" not in second


@pytest.mark.parametrize("path", ["activity", "theme", "csv"])
def test_constant_queries_whatever_the_history(world, client_for, path):
    client = client_for(world.official)
    activity, theme = world.joint_activity, world.themes[0]
    agencies = [world.hki_other_agency.pk, world.bj_other_agency.pk]

    def change(number):
        """A title and a link (an agency named on the page) changed by a Beijing person."""
        if path == "theme":
            with as_user(world.bj_coordinator):
                commitments.update_commitment(
                    user=world.bj_coordinator,
                    commitment=world.commitment,
                    text_en=f"Text {number}",
                    agencies=[[world.hki_other_agency, world.bj_other_agency][number % 2]],
                )
        else:
            rename(
                world,
                activity,
                f"Title {number}",
                user=world.bj_staff,
                participants=[agencies[number % 2]],
            )

    url, actor = {
        "activity": (f"/activities/{activity.pk}/history/", "bj_staff"),
        "theme": (f"/themes/{theme.pk}/history/", "bj_coordinator"),
        "csv": (f"/activities/{activity.pk}/history/?format=csv", "bj_staff"),
    }[path]
    url += ("&" if "?" in url else "?") + f"actor={actor}"
    client.get(url)  # the session, once

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    change(0)
    few = count()
    for number in range(1, 41):
        change(number)
    # Session, user, profile, the object, the people who changed it, the count (not for CSV),
    # the page's entries with their authors, and the agencies they name (one query for any
    # number of them): the same at 1 and at 41 entries.
    assert count() == few == {"activity": 8, "theme": 8, "csv": 7}[path]


# --- /manage/ and /admin/ -------------------------------------------------------------------


def test_manage_shows_the_history_of_what_one_may_see(world, client_for):
    rename(world, world.hki_activity, "Renamed")
    user = world.hki_coordinator
    with as_user(user, Door.MANAGE):
        themes.update_theme(user=user, theme=world.themes[0], summary_zh_hans="经贸")
    client = client_for(world.bj_coordinator)
    response = client.get(f"/manage/cooperation/theme/{world.themes[0].pk}/history/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Summary (Simplified Chinese)" in content and "经贸" in content
    assert "plan management" in content and "Beijing time" in content
    # Staff do not manage themes; an outsider does not see the theme at all.
    assert (
        client_for(world.hki_staff)
        .get(f"/manage/cooperation/theme/{world.themes[0].pk}/history/")
        .status_code
        == 403
    )
    outsider = client_for(world.outsider).get(
        f"/manage/cooperation/theme/{world.themes[0].pk}/history/"
    )
    assert outsider.status_code == 302  # "no such object" (Django's own answer)
    people = client.get(f"/manage/portal/people/{world.bj_staff.pk}/history/")
    assert people.status_code == 200 and "Profile" in people.content.decode()


def test_admin_shows_the_history_and_lists_every_entry(world, client_for):
    rename(world, world.hki_activity, "Renamed")
    client = client_for(world.admin)
    response = client.get(f"/admin/cooperation/activity/{world.hki_activity.pk}/history/")
    assert response.status_code == 200 and "Renamed" in response.content.decode()
    listing = client.get("/admin/core/historyentry/")
    assert listing.status_code == 200


def test_nobody_edits_or_deletes_history_in_admin(world, client_for):
    rename(world, world.hki_activity, "Renamed")
    entry = HistoryEntry.objects.latest("id")
    client = client_for(world.admin)  # a superuser
    base = "/admin/core/historyentry"
    assert client.get(f"{base}/add/").status_code == 403
    assert client.post(f"{base}/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    change = client.get(f"{base}/{entry.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.post(f"{base}/{entry.pk}/change/", {"door": "api"}).status_code == 403
    # No bulk action either (no "delete selected").
    listing = client.get(f"{base}/").content.decode()
    assert "delete_selected" not in listing
    response = client.post(
        f"{base}/", {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302)
    assert HistoryEntry.objects.filter(pk=entry.pk, door=entry.door).exists()
    # Coordinators do not see the whole history in /manage/ (their objects' history only).
    assert client_for(world.hki_coordinator).get("/manage/core/historyentry/").status_code == 404
