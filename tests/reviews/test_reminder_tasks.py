"""Delivery of reminders: claimed with one conditional UPDATE, retried with backoff after an SMTP
failure, re-delivered after a dead worker's lease ran out, sent once however the sweeps and
workers race (on PostgreSQL), and the admin's "retry now"."""

import datetime
import smtplib
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.urls import reverse

from cooperation.models import Activity
from reviews import tasks
from reviews.models import Reminder, ReminderStatus
from reviews.reminders import delivery
from reviews.reminders.delivery import ReminderDeliveryFailed
from reviews.reminders.email import message_id
from reviews.reminders.sweep import sweep

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

HELSINKI = ZoneInfo("Europe/Helsinki")
DUE = datetime.date(2021, 12, 31)
DAY_90 = datetime.date(2021, 10, 2)
EIGHT_AM = datetime.datetime(2021, 10, 2, 8, 0, tzinfo=HELSINKI)


class FlakyBackend(EmailBackend):
    """The mail server refuses the first ``failures`` messages, then accepts (into outbox)."""

    failures = 0
    calls = 0

    def send_messages(self, messages):
        type(self).calls += 1
        if type(self).failures > 0:
            type(self).failures -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)


@pytest.fixture(autouse=True)
def _eager_tasks(settings):
    """Tasks run in-process here, with or without CELERY_BROKER_URL."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Celery reads its settings from Django's (CELERY_ namespace), live.
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.failures, FlakyBackend.calls = 1, 0
    return FlakyBackend


@pytest.fixture
def rw(world):
    world.review.due_date = DUE
    world.review.save()
    Activity.objects.update(updated_at=datetime.datetime(2021, 1, 15, tzinfo=datetime.UTC))
    return world


def reminder_for(world, user, **fields) -> Reminder:
    return Reminder.objects.create(review=world.review, recipient=user, lead_days=90, **fields)


# --- the tasks ------------------------------------------------------------------------------


def test_the_tasks_are_thin_and_configured():
    assert tasks.send_review_reminders.name == "reviews.tasks.send_review_reminders"
    task = tasks.deliver_reminder_task
    assert task.acks_late is True
    assert task.max_retries == 8
    assert task.autoretry_for == (ReminderDeliveryFailed,)
    assert task.retry_backoff == delivery.BACKOFF_SECONDS
    assert task.retry_backoff_max == 6 * 3600
    assert task.retry_jitter is False
    # Celery's retry schedule is the one deliver() records as the next attempt.
    assert [delivery.backoff_seconds(n) for n in range(1, 10)] == [
        300,
        600,
        1200,
        2400,
        4800,
        9600,
        19200,
        21600,
        21600,
    ]


@time_machine.travel(EIGHT_AM, tick=False)
def test_the_sweep_task_takes_a_day(rw, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.send_review_reminders.delay("2021-10-02").get()
    assert result["today"] == "2021-10-02"
    assert len(result["claimed"]) == 4
    assert len(mail.outbox) == 4
    # Without a day: today in Helsinki (the beat's call); nothing new.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_review_reminders.delay().get()["claimed"] == []


@time_machine.travel(EIGHT_AM, tick=False)
def test_the_delivery_task_does_not_repeat_a_success(rw):
    reminder = reminder_for(rw, rw.hki_coordinator)
    first = tasks.deliver_reminder_task.apply(args=[reminder.pk])
    assert first.successful() and first.result is True
    again = tasks.deliver_reminder_task.apply(args=[reminder.pk])  # a duplicate message
    assert again.successful() and again.result is False
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.attempts == 1
    assert reminder.sent_at == EIGHT_AM


# --- claiming -------------------------------------------------------------------------------


@time_machine.travel(EIGHT_AM, tick=False)
def test_deliver_claims_only_what_is_due(rw):
    now = EIGHT_AM
    later = reminder_for(
        rw, rw.hki_coordinator, status="failed", next_attempt_at=now + datetime.timedelta(minutes=1)
    )
    busy = reminder_for(
        rw, rw.bj_coordinator, status="sending", claimed_until=now + datetime.timedelta(minutes=5)
    )
    sent = reminder_for(rw, rw.hki_staff, status="sent", sent_at=now)
    for reminder in (later, busy, sent):
        assert delivery.deliver(reminder.pk) is False
    assert delivery.deliver(999_999) is False
    assert mail.outbox == []
    assert list(Reminder.objects.order_by("pk").values_list("attempts", flat=True)) == [0, 0, 0]


@time_machine.travel(EIGHT_AM, tick=False)
def test_a_stale_sending_lease_is_delivered_again(rw, django_capture_on_commit_callbacks):
    # A worker claimed it at 07:30 and died: its 15-minute lease ran out at 07:45.
    dead = reminder_for(
        rw,
        rw.hki_coordinator,
        status="sending",
        attempts=1,
        claimed_until=datetime.datetime(2021, 10, 2, 7, 45, tzinfo=HELSINKI),
    )
    Reminder.objects.filter(pk=dead.pk).update(
        created_at=datetime.datetime(2021, 10, 2, 7, 30, tzinfo=HELSINKI)
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert dead.pk in result.requeued
    dead.refresh_from_db()
    assert dead.status == ReminderStatus.SENT and dead.attempts == 2
    assert len(to := [m for m in mail.outbox if m.to == ["hki_coordinator@example.org"]]) == 1
    # The same Message-ID the dead worker's copy had, if it got out.
    assert to[0].extra_headers["Message-ID"] == message_id(dead.pk)
    assert len(mail.outbox) == 4  # and the three others of the stage, once each


@time_machine.travel(EIGHT_AM, tick=False)
def test_a_pending_reminder_never_picked_up_is_queued_again(rw, django_capture_on_commit_callbacks):
    lost = reminder_for(rw, rw.hki_coordinator)
    Reminder.objects.filter(pk=lost.pk).update(created_at=EIGHT_AM - datetime.timedelta(hours=1))
    just_claimed = reminder_for(rw, rw.bj_coordinator)  # another sweep's, seconds old
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep()
    assert lost.pk in result.requeued and just_claimed.pk not in result.requeued
    assert Reminder.objects.get(pk=lost.pk).status == ReminderStatus.SENT


# --- an SMTP failure ------------------------------------------------------------------------


def test_an_smtp_failure_is_retried_then_sent_once(rw, flaky):
    with time_machine.travel(EIGHT_AM, tick=False):
        reminder = reminder_for(rw, rw.hki_coordinator)
        with pytest.raises(ReminderDeliveryFailed):
            delivery.deliver(reminder.pk)
    reminder.refresh_from_db()
    # Visible as failed in between, with the error and when it is tried again.
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 1
    assert "SMTPServerDisconnected" in reminder.last_error
    assert reminder.next_attempt_at == EIGHT_AM + datetime.timedelta(minutes=5)
    assert reminder.sent_at is None and mail.outbox == []

    with time_machine.travel(EIGHT_AM + datetime.timedelta(minutes=4), tick=False):
        assert delivery.deliver(reminder.pk) is False  # not yet due
    with time_machine.travel(EIGHT_AM + datetime.timedelta(minutes=5), tick=False):
        assert delivery.deliver(reminder.pk) is True
        assert delivery.deliver(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.attempts == 2
    assert reminder.last_error == "" and reminder.next_attempt_at is None
    assert len(mail.outbox) == 1 and flaky.calls == 2


def test_the_task_retries_an_smtp_failure_on_the_recorded_schedule(rw, flaky, monkeypatch):
    """The task retries (autoretry) with the countdown deliver() recorded; in-process, Celery
    runs the retry at once, which finds the reminder not yet due and stops; the sweep after
    the backoff sends it, once."""
    countdowns = []
    original = tasks.deliver_reminder_task.retry

    def spy(*args, **kwargs):
        countdowns.append(kwargs.get("countdown"))
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.deliver_reminder_task, "retry", spy)
    with time_machine.travel(EIGHT_AM, tick=False):
        reminder = reminder_for(rw, rw.hki_coordinator)
        # throw=False: as a worker would, rather than raising Retry (CELERY_TASK_EAGER_PROPAGATES).
        result = tasks.deliver_reminder_task.apply(args=[reminder.pk], throw=False)
    assert countdowns == [300]
    assert result.successful() and result.result is False  # the immediate retry: not yet due
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED and reminder.attempts == 1
    assert mail.outbox == []


def test_an_smtp_failure_during_a_sweep(rw, flaky, django_capture_on_commit_callbacks):
    """The first of the stage's e-mails fails: the others still go; the failed one is sent by
    the sweep after its backoff, and only then."""
    with time_machine.travel(EIGHT_AM, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            sweep()
        assert len(mail.outbox) == 3
        (failed,) = Reminder.objects.filter(status=ReminderStatus.FAILED)
        with django_capture_on_commit_callbacks(execute=True):
            assert sweep().requeued == []  # not due yet
    with time_machine.travel(EIGHT_AM + datetime.timedelta(minutes=6), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            result = sweep()
        assert result.requeued == [failed.pk] and result.reminders == []
    assert len(mail.outbox) == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{u}@example.org" for u in ("hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff")
    )
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


@time_machine.travel(EIGHT_AM, tick=False)
def test_a_recipient_without_an_address_stays_failed_and_visible(rw):
    rw.hki_coordinator.email = ""
    rw.hki_coordinator.save()
    reminder = reminder_for(rw, rw.hki_coordinator)
    assert delivery.deliver(reminder.pk) is False
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.last_error == "The recipient has no e-mail address."


# --- the admin ------------------------------------------------------------------------------


@time_machine.travel(EIGHT_AM, tick=False)
def test_the_admin_lists_reminders_with_filters(rw, client_for):
    reminder_for(rw, rw.hki_coordinator, status="failed", attempts=2, last_error="SMTP: no")
    reminder_for(rw, rw.bj_coordinator, status="sent", sent_at=EIGHT_AM, attempts=1)
    client = client_for(rw.admin)
    url = reverse("admin:reviews_reminder_changelist")
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "hki_coordinator" in content and "90 days before" in content
    for query in ("status__exact=failed", "attempts=2", "has_error=yes", "next_attempt=none"):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        assert "hki_coordinator" in response.content.decode(), query
    assert "hki_coordinator" not in client.get(f"{url}?has_error=no").content.decode()
    assert client.get(reverse("admin:reviews_reminder_add")).status_code == 403
    pk = Reminder.objects.get(recipient=rw.hki_coordinator).pk
    change = client.get(reverse("admin:reviews_reminder_change", args=[pk]))
    assert change.status_code == 200
    assert 'name="status"' not in change.content.decode()  # read-only


def test_the_admin_retry_now_action(rw, client_for, flaky):
    with time_machine.travel(EIGHT_AM, tick=False):
        failed = reminder_for(
            rw,
            rw.hki_coordinator,
            status="failed",
            attempts=1,
            last_error="SMTPServerDisconnected",
            next_attempt_at=EIGHT_AM + datetime.timedelta(hours=1),
        )
        sent = reminder_for(rw, rw.bj_coordinator, status="sent", sent_at=EIGHT_AM, attempts=1)
        flaky.failures = 0
        response = client_for(rw.admin).post(
            reverse("admin:reviews_reminder_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )
    assert response.status_code == 200
    assert "Reminders sent: 1; failed again: 0; skipped: 1." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.SENT and failed.attempts == 2
    assert [m.to for m in mail.outbox] == [["hki_coordinator@example.org"]]


def test_the_admin_retry_now_action_reports_a_new_failure(rw, client_for, flaky):
    with time_machine.travel(EIGHT_AM, tick=False):
        pending = reminder_for(rw, rw.hki_coordinator)
        response = client_for(rw.admin).post(
            reverse("admin:reviews_reminder_changelist"),
            {"action": "retry_now", "_selected_action": [pending.pk]},
            follow=True,
        )
    assert "failed again: 1" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == ReminderStatus.FAILED
    assert mail.outbox == []


def test_only_administrators_reach_the_reminders_admin(rw, client_for):
    url = reverse("admin:reviews_reminder_changelist")
    response = client_for(rw.hki_coordinator).get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# --- races on PostgreSQL ---------------------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
)


def _in_threads(count: int, work):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(work())
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_sweeps_send_each_reminder_once(rw):
    with time_machine.travel(EIGHT_AM, tick=False):
        results = _in_threads(4, lambda: sweep(today=DAY_90))
    claimed = [item.reminder_id for result in results for item in result.reminders]
    assert len(claimed) == 4 == len(set(claimed))
    assert Reminder.objects.count() == 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
    assert len(mail.outbox) == 4
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 4


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_racing_workers_deliver_once(rw):
    with time_machine.travel(EIGHT_AM, tick=False):
        reminder = reminder_for(rw, rw.hki_coordinator)
        results = _in_threads(6, lambda: delivery.deliver(reminder.pk))
    assert sorted(results) == [False] * 5 + [True]
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT and reminder.attempts == 1
