"""Status notes and funders in either language or both (issue 12): the services, the pages
(the reader's language, the other marked), the migration that moved the one-language texts."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from cooperation.models import Funding, StatusUpdate
from cooperation.services import activities, funding
from tests.factories import FundingFactory, StatusUpdateFactory
from tests.helpers import main_of

pytestmark = pytest.mark.clock

MIGRATION = importlib.import_module("cooperation.migrations.0007_bilingual_notes")


def change(world, **notes):
    return activities.change_activity_status(
        user=world.hki_staff, activity_id=world.hki_activity.pk, to_status="in_progress", **notes
    )


def test_a_note_in_english_in_chinese_or_both(world):
    update = change(world, note_zh_hans=" 启动会已举行。 ")
    assert (update.note_en, update.note_zh_hans) == ("", "启动会已举行。")


def test_a_plain_note_is_in_the_active_language(world):
    with translation.override("zh-hans"):
        update = change(world, note="启动会已举行。")
    assert (update.note_en or "", update.note_zh_hans) == ("", "启动会已举行。")
    with translation.override("en"):
        update = activities.change_activity_status(
            user=world.hki_staff,
            activity_id=world.hki_activity.pk,
            to_status="on_hold",
            note="Paused.",
        )
    assert update.note_en == "Paused."


def test_a_note_in_neither_language_is_refused(world):
    with pytest.raises(ValidationError) as excinfo:
        change(world, note_en="  ", note_zh_hans="")
    assert set(excinfo.value.message_dict) == {"note"}
    assert not StatusUpdate.objects.filter(activity=world.hki_activity).exists()


def test_a_funder_in_either_language(world):
    row = funding.add_funding(
        user=world.hki_staff,
        activity=world.hki_activity,
        source="first_city",
        amount="10",
        funder_zh_hans="世界旅游城市联合会",
    )
    assert (row.funder_en, row.funder_zh_hans) == ("", "世界旅游城市联合会")
    with translation.override("en"):
        row = funding.update_funding(user=world.hki_staff, funding=row, funder=" WTCF ")
    row.refresh_from_db()
    assert (row.funder_en, row.funder_zh_hans) == ("WTCF", "世界旅游城市联合会")


@pytest.mark.parametrize(
    "language, shown, mark, other",
    [("en", "启动会已举行。", "中文", "zh-hans"), ("zh-hans", "Kick-off held.", "English", "en")],
)
def test_the_page_marks_a_note_in_the_other_language(
    world, client_for, language, shown, mark, other
):
    activity = world.hki_activity
    suffix = "en" if other == "en" else "zh_hans"
    notes = {"note_en": "", "note_zh_hans": "", f"note_{suffix}": shown}
    StatusUpdateFactory(activity=activity, sequence=1, **notes)
    funder = "WTCF" if other == "en" else "世旅联"
    funders = {"funder_en": "", "funder_zh_hans": "", f"funder_{suffix}": funder}
    FundingFactory(activity=activity, **funders)
    client = client_for(world.hki_staff)
    client.cookies["django_language"] = language
    page = main_of(client.get(reverse("activity-detail", args=[activity.pk])))
    assert f'<span lang="{other}">{shown}</span> <span class="fallback"' in page
    assert f">{mark}</span>" in page
    assert f'<span lang="{other}">{funder}</span>' in page


def test_a_note_in_the_readers_language_is_not_marked(world, client_for):
    activity = world.hki_activity
    StatusUpdateFactory(
        activity=activity, sequence=1, note_en="Kick-off held.", note_zh_hans="启动会已举行。"
    )
    client = client_for(world.hki_staff)
    client.cookies["django_language"] = "zh-hans"
    page = main_of(client.get(reverse("activity-detail", args=[activity.pk])))
    assert "启动会已举行。" in page and "Kick-off held." not in page


@pytest.mark.parametrize(
    "text, field",
    [("Kick-off held.", "note_en"), ("启动会已举行。", "note_zh_hans"), ("", "note_en")],
)
def test_the_migration_tells_the_language_by_its_characters(text, field):
    assert MIGRATION.language_field("note", text) == field


def test_the_migration_moves_each_text_into_its_language(world):
    english = StatusUpdateFactory(activity=world.hki_activity, sequence=1)
    chinese = StatusUpdateFactory(activity=world.hki_activity, sequence=2)
    row = FundingFactory(activity=world.hki_activity)
    # As before the migration: the text in the plain column only.
    notes = "UPDATE cooperation_statusupdate SET note = %s, note_en = NULL, note_zh_hans = NULL "
    funders = "UPDATE cooperation_funding SET funder = %s, funder_en = NULL, funder_zh_hans = NULL "
    with connection.cursor() as cursor:
        cursor.execute(notes + "WHERE id = %s", ["Kick-off held.", english.pk])
        cursor.execute(notes + "WHERE id = %s", ["启动会已举行。", chinese.pk])
        cursor.execute(funders + "WHERE id = %s", ["北京市科委", row.pk])
    state = MigrationExecutor(connection).loader.project_state(
        ("cooperation", "0007_bilingual_notes")
    )
    MIGRATION.move_texts(state.apps, None)

    english = StatusUpdate.objects.get(pk=english.pk)
    chinese = StatusUpdate.objects.get(pk=chinese.pk)
    row = Funding.objects.get(pk=row.pk)
    assert (english.note_en, english.note_zh_hans) == ("Kick-off held.", None)
    assert (chinese.note_en, chinese.note_zh_hans) == (None, "启动会已举行。")
    assert (row.funder_en, row.funder_zh_hans) == (None, "北京市科委")
