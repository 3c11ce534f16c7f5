"""The sweep through a real broker: a Celery worker (in this process) against the real Redis.

Runs when CELERY_BROKER_URL points at a reachable Redis (CI sets redis://127.0.0.1:6379/0);
skipped otherwise. The test uses a queue of its own, so that another worker on the same Redis
cannot take its tasks (nor it theirs).
"""

import datetime
import os
import time
import uuid

import pytest
from django.core import mail

from config.celery import app as celery_app
from cooperation.models import Activity
from reviews.models import Reminder, ReminderStatus
from reviews.tasks import send_review_reminders

BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")


def _redis_reachable(url: str) -> bool:
    if not url.startswith(("redis://", "rediss://")):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means: no broker here
        return False


pytestmark = pytest.mark.skipif(
    not _redis_reachable(BROKER_URL), reason="CELERY_BROKER_URL does not point at a reachable Redis"
)


@pytest.fixture
def real_broker(settings):
    """Tasks through the broker (not in-process), results in Redis, a queue of this test's own."""
    from celery.backends.redis import RedisBackend

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    queue = f"test-reminders-{uuid.uuid4().hex[:12]}"
    # Celery reads its settings from Django's (CELERY_ namespace), live.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_TASK_DEFAULT_QUEUE = queue
    settings.CELERY_RESULT_BACKEND = BROKER_URL
    settings.CELERY_RESULT_EXPIRES = 600
    assert celery_app.conf.task_default_queue == queue
    yield queue, RedisBackend(app=celery_app, url=BROKER_URL)
    import redis

    redis.Redis.from_url(BROKER_URL).delete(
        queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}"
    )


@pytest.mark.django_db(transaction=True)
def test_the_sweep_runs_on_a_real_worker_and_the_mail_arrives(world, real_broker):
    from celery.contrib.testing.worker import start_worker

    queue, results = real_broker
    world.review.due_date = datetime.date(2021, 12, 31)
    world.review.save()
    Activity.objects.update(updated_at=datetime.datetime(2021, 1, 15, tzinfo=datetime.UTC))

    with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
        sent = send_review_reminders.delay("2021-10-02")
        outcome = celery_app.AsyncResult(sent.id, backend=results).get(timeout=60)
        assert outcome["today"] == "2021-10-02" and len(outcome["claimed"]) == 4
        # The sweep queued one delivery task per reminder, through the broker, on commit.
        deadline = time.monotonic() + 60
        while len(mail.outbox) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"{u}@example.org" for u in ("hki_coordinator", "bj_coordinator", "hki_staff", "bj_staff")
    )
    assert all("31 December 2021" in m.subject for m in mail.outbox)
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}
