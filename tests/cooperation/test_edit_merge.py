"""Two people editing one activity: a save after someone else's merges three ways (issue 13).

A field the second person did not change keeps the saved value, one only they changed takes
theirs, and only a field both changed asks which value to keep, on the conflict page (409).
"""

import re

import pytest

from cooperation.models import Activity
from cooperation.services.activities import ActivityConflict, edit_values, update_activity
from core.merge import three_way
from tests.cooperation.test_pages import edit_data, text_of, url

pytestmark = pytest.mark.django_db


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', text_of(response))
    assert match, f"no hidden {name} in the form"
    return match.group(1)


def opened(client, activity) -> dict:
    """What the edit form posts unchanged, as the page gave it (with its base)."""
    page = client.get(url("activity-edit", activity.pk))
    return {**edit_data(activity), "base": hidden(page, "base"), "version": hidden(page, "version")}


def test_the_issues_sequence_keeps_the_first_editors_description(world, client_for):
    activity = world.joint_activity
    helsinki, beijing = client_for(world.hki_staff), client_for(world.bj_staff)
    first, second = opened(helsinki, activity), opened(beijing, activity)  # both on version 1

    saved = helsinki.post(url("activity-edit", activity.pk), {**first, "description_en": "Agenda"})
    assert saved.status_code == 302
    # The second started before, changed the title only: merged, nothing asked.
    response = beijing.post(url("activity-edit", activity.pk), {**second, "title_en": "New"})

    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.title_en, activity.description_en) == ("New", "Agenda")
    assert activity.version == 3
    page = text_of(beijing.get(response["Location"]))
    assert "Your changes were saved together with those saved meanwhile." in page


def test_a_true_conflict_asks_and_resubmitting_unchanged_loses_nothing(world, client_for):
    activity = world.joint_activity
    helsinki, beijing = client_for(world.hki_staff), client_for(world.bj_staff)
    first, second = opened(helsinki, activity), opened(beijing, activity)
    theirs = {**first, "title_en": "Helsinki's", "description_en": "Agreed agenda"}
    assert helsinki.post(url("activity-edit", activity.pk), theirs).status_code == 302

    mine = {**second, "title_en": "Beijing's", "planned_end": "2020-07-15"}
    conflict = beijing.post(url("activity-edit", activity.pk), mine)

    # Only the title, which both changed, is asked, side by side with a choice.
    assert conflict.status_code == 409
    page = text_of(conflict)
    box = page[page.index('class="conflict"') : page.index("</table>")]
    assert "You both changed these fields: choose which value to keep." in box
    assert "Helsinki&#x27;s" in box and "Beijing&#x27;s" in box
    assert 'name="keep-title_en" value="saved"' in box
    assert 'name="keep-title_en" value="yours"' in box
    assert "Agreed agenda" not in box and "keep-description_en" not in box
    # The form now shows the first editor's description, and the second's own changes.
    assert "Agreed agenda</textarea>" in page
    assert 'value="2020-07-15"' in page
    activity.refresh_from_db()
    assert (activity.title_en, activity.version) == ("Helsinki's", 2)

    # Resubmitted unchanged: asked again, nothing lost, nothing written.
    again = {**mine, "base": hidden(conflict, "base"), "version": hidden(conflict, "version")}
    again["description_en"] = "Agreed agenda"  # as the rebased form posts it
    unchanged = beijing.post(url("activity-edit", activity.pk), again)
    assert unchanged.status_code == 409
    activity.refresh_from_db()
    assert (activity.title_en, activity.description_en) == ("Helsinki's", "Agreed agenda")

    chosen = beijing.post(url("activity-edit", activity.pk), {**again, "keep-title_en": "yours"})
    assert chosen.status_code == 302
    activity.refresh_from_db()
    assert activity.title_en == "Beijing's"
    assert activity.description_en == "Agreed agenda"
    assert str(activity.planned_end) == "2020-07-15"


def test_choosing_the_saved_value_keeps_it(world, client_for):
    activity = world.joint_activity
    helsinki, beijing = client_for(world.hki_staff), client_for(world.bj_staff)
    first, second = opened(helsinki, activity), opened(beijing, activity)
    helsinki.post(url("activity-edit", activity.pk), {**first, "title_en": "Helsinki's"})
    conflict = beijing.post(url("activity-edit", activity.pk), {**second, "title_en": "Mine"})
    assert conflict.status_code == 409
    again = {**second, "title_en": "Mine", "keep-title_en": "saved"}
    again.update(base=hidden(conflict, "base"), version=hidden(conflict, "version"))

    assert beijing.post(url("activity-edit", activity.pk), again).status_code == 302
    activity.refresh_from_db()
    assert activity.title_en == "Helsinki's"


def test_an_altered_base_merges_nothing_and_writes_nothing(world, client_for):
    activity = world.joint_activity
    helsinki, beijing = client_for(world.hki_staff), client_for(world.bj_staff)
    first, second = opened(helsinki, activity), opened(beijing, activity)
    helsinki.post(url("activity-edit", activity.pk), {**first, "description_en": "Agenda"})

    forged = {**second, "title_en": "New", "base": second["base"][:-2] + "xx"}
    response = beijing.post(url("activity-edit", activity.pk), forged)

    assert response.status_code == 409
    activity.refresh_from_db()
    assert (activity.description_en, activity.version) == ("Agenda", 2)


# --- the service and the merge --------------------------------------------------------------


def test_the_merge_takes_each_side_only_where_it_alone_changed():
    base = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}
    saved = {"a": 2, "b": 1, "c": 2, "d": 2, "e": 2}
    yours = {"a": 1, "b": 3, "c": 3, "d": 2, "e": 4}

    merge = three_way(base, saved, yours)
    assert merge.keep_saved == ["a"] and merge.clashes == ["c", "e"]
    settled = three_way(base, saved, yours, {"c": "saved", "e": "yours"})
    assert settled.keep_saved == ["a", "c"] and settled.clashes == []
    # A field the base does not know is asked, not guessed.
    assert three_way({}, {"a": 1}, {"a": 2}).clashes == ["a"]


def test_the_service_merges_participants_and_fields(world):
    activity = world.joint_activity
    base = edit_values(activity, ["title_en", "description_en"])
    theirs = Activity.objects.get(pk=activity.pk)
    theirs.description_en = "Theirs"
    update_activity(
        user=world.bj_staff, activity=theirs, expected_version=1, fields=["description_en"]
    )
    mine = Activity.objects.get(pk=activity.pk)
    mine.title_en, mine.description_en = "Mine", activity.description_en  # the stale copy

    update_activity(
        user=world.hki_staff,
        activity=mine,
        expected_version=1,
        fields=["title_en", "description_en"],
        participant_ids=[world.hki_other_agency.pk],
        base=base,
    )

    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.title_en, stored.description_en) == ("Mine", "Theirs")
    assert list(stored.participants.all()) == [world.hki_other_agency]


def test_the_service_refuses_a_clash_without_a_choice(world):
    activity = world.joint_activity
    base = edit_values(activity, ["title_en"])
    theirs = Activity.objects.get(pk=activity.pk)
    theirs.title_en = "Theirs"
    update_activity(user=world.bj_staff, activity=theirs, expected_version=1, fields=["title_en"])
    mine = Activity.objects.get(pk=activity.pk)
    mine.title_en = "Mine"

    with pytest.raises(ActivityConflict) as excinfo:
        update_activity(
            user=world.hki_staff, activity=mine, expected_version=1, fields=["title_en"], base=base
        )

    assert [d.field for d in excinfo.value.differences] == ["title_en"]
    assert Activity.objects.get(pk=activity.pk).title_en == "Theirs"
