"""Through which door, and by whom: each door of the portal writes its own name into the
history (core.doors): pages, the API (token users too), /manage/, /admin/, the plan loader,
Celery tasks and other commands."""

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command

from cooperation.models import ActionPlan, Evidence, Theme
from core.doors import Door, current_actor, current_door, door, door_of_path, through
from core.models import HistoryEntry
from partners.models import Profile
from plandata.planfile import DEFAULT_PLAN_FILE
from tests.cooperation.test_uploads import pdf_bytes, upload

pytestmark = pytest.mark.clock


def latest(model, **filters) -> HistoryEntry:
    content_type = ContentType.objects.get_for_model(model)
    return HistoryEntry.objects.filter(content_type=content_type, **filters).latest("id")


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/activities/1/edit/", Door.PAGE),
        ("/api/v1/activities/1/", Door.API),
        ("/manage/cooperation/theme/1/change/", Door.MANAGE),
        ("/admin/cooperation/theme/1/change/", Door.ADMIN),
        ("/apiary/", Door.PAGE),
    ],
)
def test_the_door_of_a_path(path, expected):
    assert door_of_path(path) == expected


def test_outside_any_door_it_is_a_command_by_nobody():
    assert current_door() == Door.COMMAND and current_actor() is None
    with door(Door.TASK):
        assert current_door() == Door.TASK
    assert current_door() == Door.COMMAND
    with pytest.raises(ValueError), door("window"):
        pass


def test_a_page(world, client_for):
    client = client_for(world.hki_staff)
    response = client.post(
        f"/activities/{world.hki_activity.pk}/evidence/",
        {"file": upload("minutes.pdf", pdf_bytes()), "description": "Minutes"},
    )
    assert response.status_code == 302
    entry = latest(Evidence)
    assert (entry.door, entry.actor, entry.action) == (Door.PAGE, world.hki_staff, 0)
    assert entry.parent_id == world.hki_activity.pk


def test_manage(world, client_for):
    client = client_for(world.bj_coordinator)
    theme = world.themes[2]
    response = client.post(f"/manage/cooperation/theme/{theme.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Theme.objects.filter(pk=theme.pk).exists()
    entry = latest(Theme, object_id=theme.pk)
    assert (entry.door, entry.actor, entry.action) == (Door.MANAGE, world.bj_coordinator, 2)


def test_admin(world, client_for):
    client = client_for(world.admin)
    theme = world.themes[2]
    response = client.post(f"/admin/cooperation/theme/{theme.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = latest(Theme, object_id=theme.pk)
    assert (entry.door, entry.actor, entry.action) == (Door.ADMIN, world.admin, 2)


@pytest.mark.django_db
def test_the_plan_loader():
    plan_file = Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
    call_command("load_action_plan", str(plan_file), stdout=io.StringIO())
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    created = latest(ActionPlan, object_id=plan.pk, action=0)
    assert (created.door, created.actor, created.action) == (Door.LOADER, None, 0)
    theme = plan.themes.get(order=1)
    name = theme.name_zh_hans
    Theme.objects.filter(pk=theme.pk).update(name_zh_hans="外交")  # behind the history's back
    call_command("load_action_plan", str(plan_file), "--update", stdout=io.StringIO())
    entry = latest(Theme, object_id=theme.pk)
    assert (entry.door, entry.actor, entry.action) == (Door.LOADER, None, 1)
    assert entry.changes == {"name_zh_hans": ["外交", name]}


@pytest.mark.django_db
def test_a_command():
    plan_file = Path(settings.BASE_DIR) / DEFAULT_PLAN_FILE
    call_command("load_action_plan", str(plan_file), stdout=io.StringIO())
    call_command("create_demo_users", "--force", stdout=io.StringIO())
    entry = latest(Profile)
    assert (entry.door, entry.actor, entry.action) == (Door.COMMAND, None, 0)


def test_tasks_go_through_their_door(world, monkeypatch):
    from reports import tasks as report_tasks
    from reviews import tasks as review_tasks

    seen = []

    def sweep(today=None):
        seen.append(current_door())
        return SimpleNamespace(
            today=datetime.date(2026, 11, 30), reminders=[], requeued=0, withdrawn=0
        )

    monkeypatch.setattr(review_tasks, "sweep", sweep)
    review_tasks.send_review_reminders.delay()  # in-process in tests (conftest)
    assert seen == [Door.TASK]
    for task in (review_tasks.deliver_reminder_task, report_tasks.render_progress_report):
        assert task.run.__wrapped__  # decorated with core.doors.through

    @through(Door.TASK)
    def rename(theme_id):
        from cooperation.services import themes
        from partners.access import SYSTEM

        themes.update_theme(
            user=SYSTEM, theme=Theme.objects.get(pk=theme_id), name_zh_hans="文化艺术"
        )

    rename(world.themes[2].pk)
    entry = latest(Theme, object_id=world.themes[2].pk)
    assert (entry.door, entry.actor) == (Door.TASK, None)
