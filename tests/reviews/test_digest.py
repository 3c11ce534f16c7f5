"""The monthly digest: staff of agencies with open activities not updated for 90 days hear
about them once a month, exactly once, in their language, unless they opted out."""

import datetime
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Activity, ActivityStatus, PlanStatus
from partners import services as partners
from reviews import tasks
from reviews.models import Digest, ReminderStatus
from reviews.reminders.digest import deliver_digest, sweep_digests
from tests import factories as f

pytestmark = pytest.mark.clock

TODAY = datetime.date(2026, 11, 30)


def age(activity, days):
    Activity.objects.filter(pk=activity.pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=days)
    )


def emails(world):
    for user in (world.hki_staff, world.bj_staff, world.hki_coordinator, world.bj_coordinator):
        user.email = f"{user.username}@example.org"
        user.save()


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def sweep(today=TODAY):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep_digests(today=today)

    return sweep


def test_staff_hear_of_their_activities_not_updated_for_90_days(world, run):
    emails(world)
    age(world.hki_activity, 91)
    age(world.joint_activity, 89)  # updated within the 90 days

    result = run()

    assert [d.recipient for d in result.digests] == [world.hki_staff]
    assert Digest.objects.get().activity_ids == [world.hki_activity.pk]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hki_staff@example.org"]
    assert "Helsinki-led activity" in message.body
    assert reverse("activity-detail", args=[world.hki_activity.pk]) in message.body
    assert reverse("profile") in message.body
    assert Digest.objects.get().status == ReminderStatus.SENT


def test_participating_agencies_hear_too_and_closed_activities_are_left_out(world, run):
    emails(world)
    world.hki_activity.participants.add(world.bj_agency)
    age(world.hki_activity, 120)
    done = f.ActivityFactory(
        theme=world.themes[0],
        second_lead_agency=world.bj_agency,
        status=ActivityStatus.COMPLETED,
        actual_end=datetime.date(2025, 1, 1),
    )
    age(done, 400)

    run()

    digests = {d.recipient_id: d.activity_ids for d in Digest.objects.all()}
    assert digests == {
        world.hki_staff.pk: [world.hki_activity.pk],
        world.bj_staff.pk: [world.hki_activity.pk],
    }


def test_it_is_sent_once_a_month_however_often_it_runs(world, run):
    emails(world)
    age(world.bj_activity, 100)

    run()
    run(TODAY)
    second = run(datetime.date(2026, 11, 1) + datetime.timedelta(days=5))
    assert second.digests == []
    assert len(mail.outbox) == 1

    run(datetime.date(2026, 12, 1))

    assert len(mail.outbox) == 2
    assert list(Digest.objects.order_by("month").values_list("month", flat=True)) == [
        datetime.date(2026, 11, 1),
        datetime.date(2026, 12, 1),
    ]


def test_a_second_delivery_of_the_same_digest_sends_nothing(world, run):
    emails(world)
    age(world.bj_activity, 100)
    run()
    digest = Digest.objects.get()

    assert deliver_digest(digest.pk) is False
    assert tasks.deliver_digest_task(digest.pk) is False
    assert len(mail.outbox) == 1


def test_a_second_sweep_claiming_the_same_row_loses(world):
    emails(world)
    age(world.bj_activity, 100)
    Digest.objects.create(recipient=world.bj_staff, month=datetime.date(2026, 11, 1))

    result = sweep_digests(today=TODAY)

    assert result.digests == [] and result.lost_races == 0
    assert Digest.objects.count() == 1


def test_it_is_written_in_the_recipients_language(world, run):
    emails(world)
    partners.set_preferred_language(user=world.bj_staff, language="zh-hans")
    age(world.bj_activity, 100)

    run()

    message = mail.outbox[0]
    assert "北京牵头的活动" in message.body
    assert "Hello" not in message.body
    assert Digest.objects.get().language == "zh-hans"


def test_without_a_chosen_language_it_is_in_english_and_chinese(world, run):
    emails(world)
    age(world.bj_activity, 100)

    run()

    body = mail.outbox[0].body
    assert "Beijing-led activity" in body and "北京牵头的活动" in body


def test_people_who_opted_out_get_nothing(world, run, client_for):
    emails(world)
    age(world.bj_activity, 100)
    client = client_for(world.bj_staff)

    response = client.post(reverse("profile"), {"form": "digest"})  # the box unticked

    assert response.status_code == 302
    assert run().digests == []
    assert mail.outbox == []
    client.post(reverse("profile"), {"form": "digest", "wants_monthly_digest": "on"})
    assert len(run().digests) == 1


def test_opting_out_after_the_sweep_stops_the_delivery(world):
    emails(world)
    age(world.bj_activity, 100)
    sweep_digests(today=TODAY)  # claimed, its delivery not run
    partners.set_monthly_digest(user=world.bj_staff, wanted=False)

    assert deliver_digest(Digest.objects.get().pk) is False
    assert mail.outbox == []


def test_plans_no_longer_running_and_inactive_people_are_left_out(world, run):
    emails(world)
    age(world.bj_activity, 100)
    age(world.hki_activity, 100)
    world.hki_staff.is_active = False
    world.hki_staff.save()
    world.plan.status = PlanStatus.RENEWED
    world.plan.save()

    assert run().digests == []


def test_the_task_and_the_command_run_the_same_sweep(world, django_capture_on_commit_callbacks):
    emails(world)
    age(world.bj_activity, 100)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_monthly_digests(TODAY.isoformat())
    call_command("send_digests", "--today", TODAY.isoformat(), stdout=None)

    assert result["month"] == "2026-11-01"
    assert len(result["claimed"]) == 1
    assert Digest.objects.count() == 1


def test_the_beat_sends_it_monthly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["monthly-digest"]

    assert entry["task"] == "reviews.tasks.send_monthly_digests"
    assert entry["schedule"].day_of_month == {1}


def test_a_failed_send_is_recorded_and_retried(world, run, settings, monkeypatch):
    from reviews.reminders import delivery

    emails(world)
    age(world.bj_activity, 100)
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise OSError("mail server down")

    monkeypatch.setattr(delivery, "get_connection", broken)
    run()  # the task's failure is its own (queued robustly): the sweep goes on

    digest = Digest.objects.get()
    assert calls
    assert digest.status == ReminderStatus.FAILED
    assert "mail server down" in digest.last_error
    assert digest.next_attempt_at > timezone.now()


def test_administrators_read_the_digests_and_change_none(world, run, client_for):
    emails(world)
    age(world.bj_activity, 100)
    run()
    client = client_for(world.admin)

    assert client.get("/admin/reviews/digest/").status_code == 200
    digest = Digest.objects.get()
    assert client.get(f"/admin/reviews/digest/{digest.pk}/change/").status_code == 200
    client.post(f"/admin/reviews/digest/{digest.pk}/delete/", {"post": "yes"})
    assert Digest.objects.filter(pk=digest.pk).exists()


def test_an_account_without_a_profile_has_no_digest_to_set(world):
    with pytest.raises(PermissionDenied):
        partners.set_monthly_digest(user=world.admin, wanted=False)


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_one_digest(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's concurrent transactions")
    emails(world)
    age(world.bj_activity, 100)
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait(timeout=10)
            outcomes.append(sweep_digests(today=TODAY))
        except Exception as exc:  # recorded for the assertion below
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(len(r.digests) for r in outcomes) == [0, 1], outcomes
    assert Digest.objects.count() == 1
    assert len(mail.outbox) == 1
