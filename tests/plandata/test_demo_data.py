"""``load_demo_data``: flagged demo activities with real histories, demo events, and --clear."""

import datetime
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from cooperation.models import (
    CLOSED_STATUSES,
    Activity,
    ActivityStatus,
    Funding,
    StatusUpdate,
    Theme,
)
from cooperation.selectors import STALE_AFTER_DAYS
from events.models import DelegationMember, Event, ProgrammeItem
from plandata.demofile import DEMO_USERNAMES
from plandata.loader import load_plan_file

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = pytest.mark.clock

PLAN = "hki-bj-2019-2023"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def plan_and_users(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"
    load_plan_file()
    call_command("create_demo_users", stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def demo(plan_and_users):
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    return out.getvalue()


def demo_activities():
    return Activity.objects.filter(is_demo=True)


def test_activities_for_every_theme(demo):
    assert "joint activities" in demo
    themes = Theme.objects.filter(plan__code=PLAN)
    assert themes.count() == 10
    for theme in themes:
        count = demo_activities().filter(theme=theme).count()
        assert 2 <= count <= 3, theme
    assert not Activity.objects.filter(is_demo=False).exists()


def test_activities_are_bilingual_and_linked_to_the_plan(demo):
    for activity in demo_activities().select_related(
        "theme__plan__partnership", "commitment", "first_lead_agency", "second_lead_agency"
    ):
        assert activity.title_en and CHINESE.search(activity.title_zh_hans), activity
        assert activity.description_en and CHINESE.search(activity.description_zh_hans)
        assert activity.commitment.theme_id == activity.theme_id
        partnership = activity.theme.plan.partnership
        assert activity.first_lead_agency.city_id == partnership.first_city_id
        assert activity.second_lead_agency.city_id == partnership.second_city_id
        responsible = set(activity.theme.responsibilities.values_list("agency_id", flat=True))
        assert activity.first_lead_agency_id in responsible
        assert activity.second_lead_agency_id in responsible
        assert activity.created_by.username in DEMO_USERNAMES
        for day in (activity.planned_start, activity.planned_end):
            assert datetime.date(2019, 1, 1) <= day <= datetime.date(2023, 12, 31)


def test_statuses_vary_and_histories_explain_them(demo):
    statuses = set(demo_activities().values_list("status", flat=True))
    assert statuses == set(ActivityStatus.values)
    for activity in demo_activities():
        history = list(activity.status_updates.order_by("sequence"))
        if activity.status == ActivityStatus.PLANNED:
            assert history == []
            continue
        assert [u.sequence for u in history] == list(range(1, len(history) + 1))
        assert history[0].from_status == ActivityStatus.PLANNED
        assert history[-1].to_status == activity.status
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.created_at >= before.created_at
        assert all(u.note and u.author.username in DEMO_USERNAMES for u in history)
        # Every write moves the version on: each status change and each funding row.
        assert activity.version == 1 + len(history) + activity.fundings.count()
        if activity.status == ActivityStatus.COMPLETED:
            assert activity.actual_start <= activity.actual_end <= datetime.date(2023, 12, 31)
    assert StatusUpdate.objects.filter(activity__is_demo=True).count() >= 20


def test_staff_agencies_lead_activities_and_update_them(demo):
    economic = demo_activities().filter(first_lead_agency__code="hki-economic-development")
    science = demo_activities().filter(second_lead_agency__code="bj-science-technology")
    assert economic.count() >= 2
    assert science.count() >= 1
    assert StatusUpdate.objects.filter(
        activity__in=economic, author__username="hki-economic-staff"
    ).exists()
    assert StatusUpdate.objects.filter(
        activity__in=science, author__username="bj-science-staff"
    ).exists()


def test_the_plan_ended_so_open_activities_are_stale(demo):
    """Nothing was updated after 2023: every activity still open shows as not updated."""
    cutoff = timezone.now() - datetime.timedelta(days=STALE_AFTER_DAYS)
    stale = demo_activities().filter(updated_at__lt=cutoff).exclude(status__in=CLOSED_STATUSES)
    assert stale.count() == demo_activities().exclude(status__in=CLOSED_STATUSES).count() >= 3
    assert not demo_activities().filter(updated_at__gte=cutoff).exists()
    assert stale.filter(first_lead_agency__code="hki-economic-development").exists()


def test_funding_in_both_currencies(demo):
    funding = Funding.objects.filter(activity__is_demo=True)
    assert {"EUR", "CNY"} <= set(funding.values_list("currency", flat=True))
    assert funding.filter(source="first_city", currency="EUR").exists()
    assert funding.filter(source="second_city", currency="CNY").exists()


def test_demo_events_with_programme_and_delegation(demo):
    events = Event.objects.filter(is_demo=True, plan__code=PLAN)
    assert 2 <= events.count() <= 3
    for event in events:
        assert event.title_en and CHINESE.search(event.title_zh_hans)
        assert event.programme.count() >= 2
        assert event.delegation.count() >= 2
        assert event.delegation.filter(is_head=True).count() == 1
        assert event.themes.exists() and event.organisers.exists()
        assert all(a.is_demo for a in event.activities.all())
        for item in event.programme.all():
            day = timezone.localdate(item.starts_at, ZoneInfo(event.host_city.time_zone))
            assert event.start_date <= day <= event.end_date


def test_second_run_does_nothing(demo):
    counts = (
        demo_activities().count(),
        StatusUpdate.objects.count(),
        Event.objects.filter(is_demo=True).count(),
    )
    out = io.StringIO()
    call_command("load_demo_data", stdout=out)
    assert "already" in out.getvalue()
    assert counts == (
        demo_activities().count(),
        StatusUpdate.objects.count(),
        Event.objects.filter(is_demo=True).count(),
    )


def test_clear_removes_only_demo_rows(demo):
    from tests.factories import ActivityFactory

    theme = Theme.objects.get(plan__code=PLAN, order=1)
    own = ActivityFactory(theme=theme, title_en="Real work")
    out = io.StringIO()
    call_command("load_demo_data", "--clear", stdout=out)
    assert "Removed 25 demo activities and 3 demo events" in out.getvalue()
    assert not demo_activities().exists()
    assert not Event.objects.filter(is_demo=True).exists()
    assert not StatusUpdate.objects.filter(activity__is_demo=True).exists()
    assert not Funding.objects.exists()
    assert not ProgrammeItem.objects.exists()
    assert not DelegationMember.objects.exists()
    assert Activity.objects.filter(pk=own.pk).exists()
    assert Event.objects.filter(plan__code=PLAN).count() == 6  # the plan's own events stay
    assert Theme.objects.filter(plan__code=PLAN).count() == 10

    call_command("load_demo_data", stdout=io.StringIO())
    assert demo_activities().count() == 25


def test_needs_the_demo_users(db):
    load_plan_file()
    with pytest.raises(CommandError, match="create_demo_users"):
        call_command("load_demo_data", stdout=io.StringIO())
    assert not Activity.objects.exists()


def test_needs_the_plan(db):
    with pytest.raises(CommandError, match="load_action_plan"):
        call_command("load_demo_data", stdout=io.StringIO())
