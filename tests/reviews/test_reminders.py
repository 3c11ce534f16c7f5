"""Review reminders: the stages, the recipients, the language, the stale activities, exactly once.

The world's mid-term review is due on 31 December 2021 here; its 90-day reminder is due on
2 October 2021. Sweeps run at 08:00 Helsinki time on the chosen day, as the beat does.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from cooperation.models import Activity, ActivityStatus, PlanStatus
from core.moments import ZONE_LABELS
from partners.models import Profile, Role
from reviews.models import Reminder, ReminderStatus, ReviewStatus
from reviews.reminders import delivery, schedule
from reviews.reminders.sweep import sweep
from tests import factories as f

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

HELSINKI = ZoneInfo("Europe/Helsinki")
DUE = datetime.date(2021, 12, 31)
DAY_90 = datetime.date(2021, 10, 2)
LONG_AGO = datetime.datetime(2021, 1, 15, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def _eager_tasks(settings):
    """Tasks run in-process here, with or without CELERY_BROKER_URL (test_celery_worker.py
    runs the real worker); mail goes to mail.outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://portal.example.org"
    # Celery reads its settings from Django's (CELERY_ namespace), live.
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def rw(world):
    """The world with the mid-term review due 2021-12-31 and every activity last updated in
    January 2021 (so stale in October 2021), and a language per person."""
    world.review.due_date = DUE
    world.review.title_zh_hans = "中期评估"
    world.review.save()
    Activity.objects.update(updated_at=LONG_AGO)
    languages = {"hki_coordinator": "en", "bj_coordinator": "zh-hans", "hki_staff": "fi"}
    for username, language in languages.items():
        Profile.objects.filter(user__username=username).update(preferred_language=language)
    return world


def at(day: datetime.date, hour: int = 8):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=HELSINKI), tick=False
    )


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """``run(day, **kwargs)``: the sweep at 08:00 Helsinki on ``day``, its queued deliveries
    run (on commit, in-process); returns the SweepResult."""

    def sweep_on(day: datetime.date, **kwargs):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            return sweep(**kwargs)

    return sweep_on


def to(username: str) -> list:
    return [m for m in mail.outbox if m.to == [f"{username}@example.org"]]


def html_of(message) -> str:
    return message.alternatives[0][0]


# --- stages ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "stage"),
    [
        (datetime.date(2021, 10, 1), None),  # 91 days before: nothing yet
        (DAY_90, 90),
        (datetime.date(2021, 10, 3), 90),
        (datetime.date(2021, 11, 30), 90),  # 31 days before
        (datetime.date(2021, 12, 1), 30),
        (datetime.date(2021, 12, 23), 30),
        (datetime.date(2021, 12, 24), 7),
        (DUE, 7),
        (datetime.date(2022, 1, 1), -1),  # the day after the due date
        (datetime.date(2022, 1, 7), -1),
        (datetime.date(2022, 1, 8), -8),
        (datetime.date(2022, 1, 15), -15),
    ],
)
def test_it_knows_the_current_stage(rw, day, stage):
    assert schedule.current_stage(rw.review, day) == stage


def test_it_follows_lead_times_edited_on_the_review(rw, run):
    rw.review.reminder_days = [60, 14, 0]
    rw.review.save()
    assert run(DAY_90).reminders == []
    assert {r.lead_days for r in run(datetime.date(2021, 11, 1)).reminders} == {60}
    assert {r.lead_days for r in run(datetime.date(2021, 12, 17)).reminders} == {14}
    assert {r.lead_days for r in run(DUE).reminders} == {0}
    # Junk in the JSON list is ignored, not fatal.
    rw.review.reminder_days = ["90", -3, True, 30]
    assert schedule.lead_times(rw.review) == [30]


def test_stage_labels():
    with translation.override("en"):
        due = datetime.date(2021, 12, 31)
        assert schedule.stage_label(90, due) == "90 days before"
        assert schedule.stage_label(1, due) == "1 day before"
        assert schedule.stage_label(0, due) == "On the due date"
        assert schedule.stage_label(-1, due) == "Overdue since 31 December 2021"
        assert schedule.stage_label(-1793, due) == "Overdue since 31 December 2021"
    with translation.override("zh-hans"):
        assert "2021年12月31日" in schedule.stage_label(-8, due)


# --- the 90-day reminder: the right day, people, language, once -----------------------------


def test_the_90_day_reminder_goes_out_on_the_day_not_before(rw, run):
    assert run(datetime.date(2021, 10, 1)).reminders == []
    assert mail.outbox == []
    assert not Reminder.objects.exists()

    result = run(DAY_90)
    assert {r.lead_days for r in result.reminders} == {90}
    assert len(mail.outbox) == 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


def test_it_reminds_the_right_people(rw, run):
    # Not reminded: staff of a responsible agency whose activities are all fresh or closed,
    # staff of an agency that is not responsible for a theme, an inactive coordinator, and a
    # coordinator without an e-mail address.
    fresh_agency = f.AgencyFactory(city=rw.helsinki)
    f.ThemeAgencyFactory(theme=rw.themes[1], agency=fresh_agency)
    fresh_staff = f.ProfileFactory(
        user=f.UserFactory(username="fresh_staff"),
        city=rw.helsinki,
        role=Role.AGENCY_STAFF,
        agency=fresh_agency,
    ).user
    f.ActivityFactory(theme=rw.themes[1], first_lead_agency=fresh_agency)  # updated today
    f.ActivityFactory(
        theme=rw.themes[1],
        first_lead_agency=fresh_agency,
        status=ActivityStatus.CANCELLED,
    )
    Activity.objects.filter(status=ActivityStatus.CANCELLED).update(updated_at=LONG_AGO)
    other_staff = f.ProfileFactory(
        user=f.UserFactory(username="other_staff"),
        city=rw.helsinki,
        role=Role.AGENCY_STAFF,
        agency=rw.hki_other_agency,
    ).user
    inactive = f.ProfileFactory(
        user=f.UserFactory(username="inactive", is_active=False), city=rw.beijing
    ).user
    no_mail = f.ProfileFactory(user=f.UserFactory(username="no_mail", email=""), city=rw.beijing)

    result = run(DAY_90)

    reminded = {r.recipient.username for r in result.reminders}
    assert reminded == {"hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"{u}@example.org" for u in reminded)
    for user in (rw.official, rw.outsider, rw.admin, fresh_staff, other_staff, inactive):
        assert to(user.username) == []
    assert not Reminder.objects.filter(recipient=no_mail.user).exists()


def test_it_writes_in_the_recipients_language(rw, run):
    run(DAY_90)

    (english,) = to("hki_coordinator")
    assert english.subject == "Reminder: Mid-term review (2021) is due on 31 December 2021"
    assert "中期评估" not in english.body

    (chinese,) = to("bj_coordinator")
    with translation.override("zh-hans"):
        expected = translation.gettext("Reminder: %(review)s (%(year)s) is due on %(date)s") % {
            "review": "中期评估",
            "year": "2021",
            "date": "2021年12月31日",
        }
    assert chinese.subject == expected
    assert "2021年12月31日" in chinese.subject and "中期评估" in chinese.subject
    assert "Mid-term review" not in chinese.subject + chinese.body
    assert "赫尔辛基牵头的活动" not in chinese.body  # coordinators get counts, not titles

    # Finnish interface, English content.
    (finnish,) = to("hki_staff")
    assert "Mid-term review" in finnish.subject and "31. joulukuuta 2021" in finnish.subject
    assert "Helsinki-led activity" in finnish.body

    # Not chosen: English first, then Chinese.
    (both,) = to("bj_staff")
    assert both.subject.startswith("Reminder: Mid-term review (2021) is due on 31 December 2021")
    assert both.subject.index("31 December 2021") < both.subject.index("2021年12月31日")
    for part in (both.body, html_of(both)):
        assert part.index("Beijing-led activity") < part.index("北京牵头的活动")
        assert part.index("Mid-term review") < part.index("中期评估")
    assert '<div lang="en">' in html_of(both) and '<div lang="zh-hans">' in html_of(both)
    assert {r.language for r in Reminder.objects.all()} == {"en", "zh-hans", "fi", ""}


def test_it_sends_each_reminder_exactly_once(rw, run):
    run(DAY_90)
    assert len(mail.outbox) == 4

    second = run(DAY_90)  # a second beat, a restart, a rerun: nothing new
    next_day = run(datetime.date(2021, 10, 3))
    assert second.reminders == [] and next_day.reminders == []
    assert len(mail.outbox) == 4
    assert Reminder.objects.count() == 4


def test_the_30_and_7_day_reminders(rw, run):
    run(DAY_90)
    run(datetime.date(2021, 12, 1))
    assert [m.subject for m in to("hki_coordinator")][1:] == [
        "Reminder: Mid-term review (2021) is due on 31 December 2021"
    ]
    assert "in 30 days" in to("hki_coordinator")[1].body
    run(datetime.date(2021, 12, 24))
    assert "in 7 days" in to("hki_coordinator")[2].body
    assert sorted(
        Reminder.objects.filter(recipient=rw.hki_coordinator).values_list("lead_days", flat=True)
    ) == [7, 30, 90]
    assert len(mail.outbox) == 12


def test_a_sweep_that_missed_days_sends_only_the_current_stage(rw, run):
    result = run(datetime.date(2021, 12, 27))
    assert {r.lead_days for r in result.reminders} == {7}
    assert len(mail.outbox) == 4
    assert "in 4 days" in to("hki_coordinator")[0].body


def test_weekly_reminders_while_overdue(rw, run):
    assert {r.lead_days for r in run(datetime.date(2022, 1, 1)).reminders} == {-1}
    (first,) = to("hki_coordinator")
    assert first.subject == "Reminder: Mid-term review (2021) was due on 31 December 2021"
    assert "has been overdue since 31 December 2021." in first.body
    assert "days overdue" not in first.body and "day overdue" not in first.body
    assert run(datetime.date(2022, 1, 7)).reminders == []
    assert {r.lead_days for r in run(datetime.date(2022, 1, 10)).reminders} == {-8}
    assert "has been overdue since 31 December 2021." in to("hki_coordinator")[1].body
    assert {r.lead_days for r in run(datetime.date(2022, 1, 15)).reminders} == {-15}
    assert len(to("hki_coordinator")) == 3


def test_completed_reviews_stop_reminding(rw, run):
    run(DAY_90)
    rw.review.status = ReviewStatus.COMPLETED
    rw.review.completed_at = datetime.datetime(2021, 11, 20, 12, 0, tzinfo=datetime.UTC)
    rw.review.save()
    assert run(datetime.date(2021, 12, 1)).reminders == []
    assert run(datetime.date(2022, 1, 1)).reminders == []
    assert len(mail.outbox) == 4


def test_a_concluded_plan_stops_reminding(rw, run):
    rw.plan.status = PlanStatus.CONCLUDED
    rw.plan.save()
    assert run(DAY_90).reminders == []
    assert mail.outbox == []


def test_an_unsent_reminder_of_a_review_completed_meanwhile_is_withdrawn(rw, run):
    stuck = Reminder.objects.create(
        review=rw.review, recipient=rw.hki_coordinator, lead_days=90, status="failed"
    )
    rw.review.status = ReviewStatus.COMPLETED
    rw.review.completed_at = datetime.datetime(2021, 10, 1, tzinfo=datetime.UTC)
    rw.review.save()
    assert delivery.deliver(stuck.pk) is False
    result = run(DAY_90)
    assert result.withdrawn == 1
    assert not Reminder.objects.filter(pk=stuck.pk).exists()
    assert mail.outbox == []


# --- stale activities -----------------------------------------------------------------------


def _updated(activity, when: datetime.datetime):
    Activity.objects.filter(pk=activity.pk).update(updated_at=when)


def test_stale_activities_per_agency(rw):
    by_agency = schedule.stale_activities_by_agency(rw.review, DAY_90)
    assert by_agency == {
        rw.hki_agency.pk: sorted([rw.hki_activity.pk, rw.joint_activity.pk]),
        rw.bj_agency.pk: sorted([rw.bj_activity.pk, rw.joint_activity.pk]),
    }  # not other_agency_activity: its agencies are responsible for no theme


def test_stale_means_not_updated_in_60_days(rw):
    cutoff = datetime.datetime(2021, 8, 3, tzinfo=HELSINKI)  # 2 October minus 60 days
    assert schedule.stale_cutoff(rw.review, DAY_90) == cutoff
    _updated(rw.hki_activity, cutoff)  # updated at the cutoff: fresh
    _updated(rw.joint_activity, cutoff - datetime.timedelta(seconds=1))
    by_agency = schedule.stale_activities_by_agency(rw.review, DAY_90)
    assert by_agency[rw.hki_agency.pk] == [rw.joint_activity.pk]


def test_stale_means_not_updated_since_the_previous_review(rw):
    completed = datetime.datetime(2021, 9, 1, 12, 0, tzinfo=datetime.UTC)
    f.ReviewFactory(
        plan=rw.plan,
        status=ReviewStatus.COMPLETED,
        completed_at=completed,
        due_date=datetime.date(2021, 9, 1),
    )
    # Another plan's review, and one completed after the sweep's day, do not count.
    f.ReviewFactory(
        plan=rw.other_plan,
        status=ReviewStatus.COMPLETED,
        completed_at=datetime.datetime(2021, 9, 30, tzinfo=datetime.UTC),
    )
    f.ReviewFactory(
        plan=rw.plan,
        status=ReviewStatus.COMPLETED,
        completed_at=datetime.datetime(2021, 10, 5, tzinfo=datetime.UTC),
    )
    assert schedule.stale_cutoff(rw.review, DAY_90) == completed
    _updated(rw.hki_activity, datetime.datetime(2021, 8, 20, tzinfo=datetime.UTC))  # before it
    _updated(rw.joint_activity, datetime.datetime(2021, 9, 10, tzinfo=datetime.UTC))  # after it
    by_agency = schedule.stale_activities_by_agency(rw.review, DAY_90)
    assert by_agency[rw.hki_agency.pk] == [rw.hki_activity.pk]


def test_a_previous_review_long_ago_leaves_the_60_day_rule(rw):
    f.ReviewFactory(
        plan=rw.plan,
        status=ReviewStatus.COMPLETED,
        completed_at=datetime.datetime(2020, 12, 1, tzinfo=datetime.UTC),
    )
    assert schedule.stale_cutoff(rw.review, DAY_90) == datetime.datetime(
        2021, 8, 3, tzinfo=HELSINKI
    )


def test_closed_activities_and_other_plans_are_never_stale(rw):
    rw.hki_activity.status = ActivityStatus.COMPLETED
    rw.hki_activity.actual_end = datetime.date(2020, 6, 1)
    rw.hki_activity.save()
    rw.joint_activity.status = ActivityStatus.CANCELLED
    rw.joint_activity.save()
    on_hold = f.ActivityFactory(
        theme=rw.themes[2], status=ActivityStatus.ON_HOLD, participants=[rw.hki_agency]
    )
    f.ActivityFactory(theme=rw.other_theme, first_lead_agency=rw.hki_agency)
    Activity.objects.update(updated_at=LONG_AGO)
    by_agency = schedule.stale_activities_by_agency(rw.review, DAY_90)
    # Taking part is enough, in any theme of the plan; the other plan's activity is not ours.
    assert by_agency[rw.hki_agency.pk] == [on_hold.pk]
    assert by_agency[rw.bj_agency.pk] == [rw.bj_activity.pk]


def test_staff_get_their_list_with_links_and_coordinators_counts(rw, run):
    run(DAY_90)
    (staff,) = to("bj_staff")
    site = "https://portal.example.org"
    for activity in (rw.bj_activity, rw.joint_activity):
        url = site + reverse("activity-detail", args=[activity.pk])
        assert url in staff.body and f'href="{url}"' in html_of(staff)
    assert "Helsinki-led activity" not in staff.body
    assert "Planned; last updated 15 January 2021 18:00" in staff.body  # Beijing time
    assert site + reverse("review-detail", args=[rw.review.pk]) in staff.body
    assert set(Reminder.objects.get(recipient=rw.bj_staff).activity_ids) == {
        rw.bj_activity.pk,
        rw.joint_activity.pk,
    }

    (coordinator,) = to("hki_coordinator")
    assert "- Economic Development Division: 2" in coordinator.body
    assert "- Science & Technology Commission: 2" in coordinator.body
    assert "<li>Science &amp; Technology Commission: 2</li>" in html_of(coordinator)
    assert "Helsinki-led activity" not in coordinator.body


def test_coordinators_hear_when_nothing_is_stale(rw, run):
    Activity.objects.update(updated_at=datetime.datetime(2021, 9, 30, tzinfo=datetime.UTC))
    result = run(DAY_90)
    assert {r.recipient.username for r in result.reminders} == {"hki_coordinator", "bj_coordinator"}
    assert "Every responsible agency has updated its activities recently." in (
        to("hki_coordinator")[0].body
    )


def test_times_are_in_the_recipients_time_zone(rw, run):
    run(DAY_90)
    assert "Sent 2 October 2021 08:00 (Helsinki time)." in to("hki_coordinator")[0].body
    assert "2021年10月2日 13:00" in to("bj_coordinator")[0].body
    with translation.override("zh-hans"):
        beijing_time = str(ZONE_LABELS["Asia/Shanghai"])  # 北京时间 once translated
    assert beijing_time in to("bj_coordinator")[0].body
    assert "Asia/Shanghai" not in to("bj_coordinator")[0].body


def test_user_content_is_escaped_in_html(rw, run):
    Activity.objects.filter(pk=rw.bj_activity.pk).update(title_en="<b>Bold</b> & co")
    run(DAY_90)
    (staff,) = to("bj_staff")
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html_of(staff)
    assert "<b>Bold</b>" not in html_of(staff)
    assert "<b>Bold</b> & co" in staff.body  # plain text stays plain


def test_each_message_has_a_stable_message_id(rw, run):
    run(DAY_90)
    reminder = Reminder.objects.get(recipient=rw.hki_coordinator)
    (message,) = to("hki_coordinator")
    assert message.extra_headers["Message-ID"] == (
        f"<review-reminder-{reminder.pk}@portal.example.org>"
    )
    assert message.message()["Message-ID"] == message.extra_headers["Message-ID"]
    assert message.message()["Auto-Submitted"] == "auto-generated"
    assert message.from_email


# --- dry run and the management command -----------------------------------------------------


def test_a_dry_run_writes_nothing(rw, run):
    failed = Reminder.objects.create(
        review=rw.review,
        recipient=rw.hki_coordinator,
        lead_days=-99,
        status=ReminderStatus.FAILED,
        next_attempt_at=datetime.datetime(2021, 10, 1, tzinfo=datetime.UTC),
    )
    result = run(DAY_90, dry_run=True)
    assert result.dry_run
    assert {r.recipient.username for r in result.reminders} == {
        "hki_coordinator",
        "bj_coordinator",
        "hki_staff",
        "bj_staff",
    }
    assert all(r.reminder_id is None for r in result.reminders)
    assert result.requeued == [failed.pk]
    assert list(Reminder.objects.values_list("pk", "status")) == [(failed.pk, "failed")]
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_command_sweeps_as_of_a_day(rw, capsys):
    # Committed as in real use: each claim is delivered (in-process) as soon as it commits, so
    # the command can report the outcome.
    with at(datetime.date(2022, 6, 1)):
        call_command("send_reminders", "--today", "2021-10-02")
    out = capsys.readouterr().out
    assert "Reminders as of 2021-10-02:" in out
    assert re.search(
        r"Mid-term review \(due 2021-12-31\) -> bj_staff <bj_staff@example.org>, "
        r"en\+zh-hans, 90 days before \[sent\]",
        out,
    )
    assert "bj_coordinator <bj_coordinator@example.org>, zh-hans, 90 days before" in out
    assert len(mail.outbox) == 4
    # Days are counted from the given day, not from the real one.
    assert "in 90 days" in to("hki_coordinator")[0].body


def test_the_command_dry_run(rw, capsys):
    call_command("send_reminders", "--today", "2021-10-02", "--dry-run")
    out = capsys.readouterr().out
    assert "dry run" in out and "Would send 4:" in out
    assert "hki_staff <hki_staff@example.org>, fi, 90 days before" in out
    assert not Reminder.objects.exists()
    assert mail.outbox == []


def test_the_command_says_when_nothing_is_due(rw, capsys):
    call_command("send_reminders", "--today", "2021-09-01")
    assert "none due." in capsys.readouterr().out


@pytest.mark.parametrize("bad", ["2021-13-01", "yesterday", "02.10.2021", "2021-10-2x", ""])
def test_the_command_refuses_a_bad_date(rw, bad):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--today", bad)
    assert not Reminder.objects.exists()


# --- the "my reminders" page ----------------------------------------------------------------

MEMBERS = ["hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff"]


@pytest.mark.parametrize("role", MEMBERS)
def test_my_reminders_lists_the_users_own(rw, run, client_for, role):
    run(DAY_90)
    run(datetime.date(2022, 1, 4))
    user = getattr(rw, role)
    response = client_for(user).get(reverse("my-reminders"))
    assert response.status_code == 200
    content = response.content.decode()
    main = content[content.index("<main") :]
    assert reverse("review-detail", args=[rw.review.pk]) in main
    assert main.count("<tr>") == 3  # the header and two reminders
    if role in {"bj_coordinator"}:
        assert "2021年10月2日" in main  # sent time, in Chinese and Beijing time
    elif role == "hki_coordinator":
        assert "90 days before" in main and "Overdue since 31 December 2021" in main
        assert "Helsinki time" in main and "Europe/Helsinki" not in main


@pytest.mark.parametrize("role", ["official", "outsider", "admin"])
def test_my_reminders_of_people_never_reminded(rw, run, client_for, role):
    run(DAY_90)
    response = client_for(getattr(rw, role)).get(reverse("my-reminders"))
    assert response.status_code == 200
    assert "You have had no reminders yet." in response.content.decode()


def test_my_reminders_shows_nothing_of_another_partnership(rw, client_for):
    # Say the outsider once worked on our side and was reminded: they no longer see it.
    Reminder.objects.create(review=rw.review, recipient=rw.outsider, lead_days=90)
    content = client_for(rw.outsider).get(reverse("my-reminders")).content.decode()
    assert "Mid-term review" not in content
    assert "You have had no reminders yet." in content


def test_my_reminders_asks_anonymous_to_log_in(client):
    response = client.get(reverse("my-reminders"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_my_reminders_shows_the_sent_time_in_the_users_zone(rw, client_for):
    Reminder.objects.create(
        review=rw.review,
        recipient=rw.bj_staff,
        lead_days=90,
        status=ReminderStatus.SENT,
        sent_at=datetime.datetime(2021, 10, 2, 5, 0, tzinfo=datetime.UTC),
    )
    content = client_for(rw.bj_staff).get(reverse("my-reminders")).content.decode()
    assert 'datetime="2021-10-02T13:00:00+08:00"' in content


def test_my_reminders_ignores_a_bad_page_number(rw, client_for):
    response = client_for(rw.hki_staff).get(reverse("my-reminders") + "?page=x%00")
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 20])
def test_my_reminders_runs_a_constant_number_of_queries(
    rw, client_for, django_assert_num_queries, count
):
    for i in range(count):
        review = f.ReviewFactory(plan=rw.plan)
        Reminder.objects.create(
            review=review,
            recipient=rw.hki_staff,
            lead_days=90 - i,
            status=ReminderStatus.SENT,
            sent_at=datetime.datetime(2021, 10, 2, 5, 0, tzinfo=datetime.UTC),
        )
    client = client_for(rw.hki_staff)
    # 1 session, 2 user, 3 profile (language middleware; cached for the page header),
    # 4 count for the paginator, 5 the page of reminders with their reviews and plans.
    with django_assert_num_queries(5):
        response = client.get(reverse("my-reminders"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == count + 1
