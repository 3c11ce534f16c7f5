"""Two coordinators working one review: a save after someone else's merges three ways
(issue 13 §7), as the activity edit does (tests/cooperation/test_edit_merge.py).

The schedule, each theme's assessment and the conclusions carry the values the user started
from, signed. A
field the second person did not change keeps the saved value, one only they changed takes
theirs, and only a field both changed is asked, on the conflict page (409): resubmitting it
unchanged reverts nothing. An altered start is refused with a message and writes nothing.
"""

import datetime
import html
import re

import pytest

from reviews import merging, services
from reviews.models import Review, ThemeAssessment
from tests.helpers import main_of
from tests.reviews.test_workflow import section_of, url

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


def hidden(response, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', main_of(response))
    assert match, f"no hidden {name} in the page"
    return html.unescape(match.group(1))


def in_form(response, form_id: str, name: str) -> str:
    """A hidden value of one form of the page (several carry a ``base``)."""
    content = main_of(response)
    form = content[content.index(f'id="{form_id}"') :]
    match = re.search(rf'name="{name}" value="([^"]*)"', form[: form.index("</form>")])
    assert match, f"no hidden {name} in {form_id}"
    return html.unescape(match.group(1))


def reload(review) -> Review:
    return Review.objects.get(pk=review.pk)


# --- the schedule ---------------------------------------------------------------------------


def opened_schedule(client, review) -> dict:
    """The schedule form as the page gave it, unchanged (with its signed start)."""
    page = client.get(url("review-detail", review))
    return {
        "due_date": review.due_date.isoformat(),
        "reminder_days": ", ".join(str(d) for d in review.reminder_days),
        "version": in_form(page, "schedule-form", "version"),
        "base": in_form(page, "schedule-form", "base"),
    }


def test_two_coordinators_changing_different_fields_keep_both(world, client_for):
    review = world.review
    helsinki, beijing = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first, second = opened_schedule(helsinki, review), opened_schedule(beijing, review)

    saved = helsinki.post(url("review-schedule", review), {**first, "due_date": "2021-12-20"})
    assert saved.status_code == 302
    # Beijing started before Helsinki saved and changed the reminders only: merged.
    response = beijing.post(url("review-schedule", review), {**second, "reminder_days": "45, 10"})

    assert response.status_code == 302
    review = reload(review)
    assert review.due_date == datetime.date(2021, 12, 20)
    assert review.reminder_days == [45, 10]
    page = main_of(beijing.get(response["Location"]))
    assert "Your changes were saved together with those saved meanwhile." in page


def test_both_changing_a_field_asks_and_resubmitting_unchanged_loses_nothing(world, client_for):
    review = world.review
    helsinki, beijing = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first, second = opened_schedule(helsinki, review), opened_schedule(beijing, review)
    theirs = {**first, "due_date": "2021-12-20", "reminder_days": "60"}
    assert helsinki.post(url("review-schedule", review), theirs).status_code == 302

    mine = {**second, "due_date": "2021-11-15"}
    conflict = beijing.post(url("review-schedule", review), mine)

    # Only the due date, which both changed, is asked, with a choice.
    assert conflict.status_code == 409
    content = main_of(conflict)
    box = content[content.index('class="conflict"') : content.index("</table>")]
    assert "You both changed these fields: choose which value to keep." in box
    assert 'name="keep-due_date" value="saved"' in box
    assert 'name="keep-due_date" value="yours"' in box
    assert 'form="schedule-form"' in box and "keep-reminder_days" not in box
    # The form shows Helsinki's reminders (only they changed them) and Beijing's date.
    assert 'value="60"' in content and 'value="2021-11-15"' in content
    review = reload(review)
    assert (review.due_date, review.reminder_days) == (datetime.date(2021, 12, 20), [60])

    # Resubmitted as the conflict page gave it, without a choice: asked again, nothing lost.
    again = {
        **mine,
        "reminder_days": "60",
        "base": in_form(conflict, "schedule-form", "base"),
        "version": in_form(conflict, "schedule-form", "version"),
    }
    unchanged = beijing.post(url("review-schedule", review), again)
    assert unchanged.status_code == 409
    review = reload(review)
    assert (review.due_date, review.reminder_days) == (datetime.date(2021, 12, 20), [60])

    chosen = beijing.post(url("review-schedule", review), {**again, "keep-due_date": "yours"})
    assert chosen.status_code == 302
    review = reload(review)
    assert (review.due_date, review.reminder_days) == (datetime.date(2021, 11, 15), [60])


def test_choosing_the_saved_value_keeps_it(world, client_for):
    review = world.review
    helsinki, beijing = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first, second = opened_schedule(helsinki, review), opened_schedule(beijing, review)
    helsinki.post(url("review-schedule", review), {**first, "due_date": "2021-12-20"})
    mine = {**second, "due_date": "2021-11-15", "reminder_days": "14"}
    conflict = beijing.post(url("review-schedule", review), mine)
    assert conflict.status_code == 409

    again = {**mine, "keep-due_date": "saved"}
    again["base"] = in_form(conflict, "schedule-form", "base")
    again["version"] = in_form(conflict, "schedule-form", "version")
    assert beijing.post(url("review-schedule", review), again).status_code == 302
    review = reload(review)
    assert (review.due_date, review.reminder_days) == (datetime.date(2021, 12, 20), [14])


def test_an_altered_start_is_refused_with_a_message(world, client_for):
    review = world.review
    client = client_for(world.hki_coordinator)
    before = reload(review)
    data = opened_schedule(client, review)
    forged = {**data, "due_date": "2021-11-15", "base": data["base"][:-2] + "xx"}

    response = client.post(url("review-schedule", review), forged)

    assert response.status_code == 400
    assert "The form was damaged. Reload the page and try again." in main_of(response)
    after = reload(review)
    assert (after.due_date, after.version) == (before.due_date, before.version)


def test_another_forms_start_is_refused(world, client_for):
    review = world.review
    client = client_for(world.hki_coordinator)
    data = opened_schedule(client, review)
    theme = world.themes[0]
    borrowed = merging.sign(f"theme-{theme.pk}", review.pk, {"due_date": None})
    response = client.post(url("review-schedule", review), {**data, "base": borrowed})
    assert response.status_code == 400
    assert "The form was damaged. Reload the page and try again." in main_of(response)


# --- a theme's assessment -------------------------------------------------------------------


def opened_assessment(client, review, theme) -> dict:
    page = client.get(url("review-detail", review))
    prefix = f"theme-{theme.pk}"
    return {
        f"{prefix}-rating": "on_track",
        f"{prefix}-narrative_en": "Dialogue held.",
        f"{prefix}-narrative_zh_hans": "",
        f"{prefix}-saved_at": hidden(page, f"{prefix}-saved_at"),
        f"{prefix}-base": hidden(page, f"{prefix}-base"),
    }


def assessed(review, theme):
    return services.save_assessment(
        user=SYSTEM_USER,
        review=review,
        theme=theme,
        rating="on_track",
        narrative_en="Dialogue held.",
    )


SYSTEM_USER = services.access.SYSTEM


def test_assessments_edited_in_different_fields_keep_both(world, client_for):
    review, theme = world.review, world.themes[0]
    assessed(review, theme)
    helsinki, beijing = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first = opened_assessment(helsinki, review, theme)
    second = opened_assessment(beijing, review, theme)
    prefix = f"theme-{theme.pk}"

    hki = helsinki.post(
        url("review-assessment", review, theme.pk), {**first, f"{prefix}-rating": "at_risk"}
    )
    assert hki.status_code == 302
    # The sequence: Beijing only adds the Chinese narrative, and keeps Helsinki's rating.
    bj = beijing.post(
        url("review-assessment", review, theme.pk),
        {**second, f"{prefix}-narrative_zh_hans": "举行了对话。"},
    )

    assert bj.status_code == 302
    saved = ThemeAssessment.objects.get(review=review, theme=theme)
    assert (saved.rating, saved.narrative_en, saved.narrative_zh_hans) == (
        "at_risk",
        "Dialogue held.",
        "举行了对话。",
    )


def test_an_assessment_both_changed_asks_and_choosing_works(world, client_for):
    review, theme = world.review, world.themes[0]
    assessed(review, theme)
    helsinki, beijing = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first = opened_assessment(helsinki, review, theme)
    second = opened_assessment(beijing, review, theme)
    prefix = f"theme-{theme.pk}"
    theirs = {**first, f"{prefix}-narrative_en": "Helsinki's view."}
    theirs[f"{prefix}-rating"] = "off_track"
    assert helsinki.post(url("review-assessment", review, theme.pk), theirs).status_code == 302

    mine = {**second, f"{prefix}-narrative_en": "Beijing's view."}
    conflict = beijing.post(url("review-assessment", review, theme.pk), mine)

    assert conflict.status_code == 409
    section = section_of(main_of(conflict), theme)
    box = section[section.index('class="conflict"') : section.index("</table>")]
    assert "Helsinki&#x27;s view." in box and "Beijing&#x27;s view." in box
    assert f'name="{prefix}-keep-narrative_en" value="yours"' in box
    assert f"{prefix}-keep-rating" not in box
    saved = ThemeAssessment.objects.get(review=review, theme=theme)
    assert (saved.rating, saved.narrative_en) == ("off_track", "Helsinki's view.")

    again = {
        **mine,
        f"{prefix}-rating": "off_track",  # as the rebased form shows it
        f"{prefix}-base": hidden(conflict, f"{prefix}-base"),
        f"{prefix}-saved_at": hidden(conflict, f"{prefix}-saved_at"),
    }
    unchanged = beijing.post(url("review-assessment", review, theme.pk), again)
    assert unchanged.status_code == 409
    saved.refresh_from_db()
    assert (saved.rating, saved.narrative_en) == ("off_track", "Helsinki's view.")

    chosen = beijing.post(
        url("review-assessment", review, theme.pk),
        {**again, f"{prefix}-keep-narrative_en": "yours"},
    )
    assert chosen.status_code == 302
    saved.refresh_from_db()
    assert (saved.rating, saved.narrative_en) == ("off_track", "Beijing's view.")


def test_an_altered_assessment_start_is_refused(world, client_for):
    review, theme = world.review, world.themes[0]
    assessed(review, theme)
    client = client_for(world.hki_coordinator)
    data = opened_assessment(client, review, theme)
    prefix = f"theme-{theme.pk}"
    data.update({f"{prefix}-rating": "off_track", f"{prefix}-base": "not-signed"})

    response = client.post(url("review-assessment", review, theme.pk), data)

    assert response.status_code == 400
    assert "The form was damaged. Reload the page and try again." in main_of(response)
    assert ThemeAssessment.objects.get(review=review, theme=theme).rating == "on_track"


# --- the service ----------------------------------------------------------------------------


def test_the_service_refuses_a_clash_without_a_choice(world):
    review = world.review
    base = merging.values_of(review, merging.SCHEDULE_FIELDS)
    services.update_review_schedule(
        user=world.bj_coordinator,
        review=review,
        due_date=datetime.date(2021, 12, 20),
        reminder_days=review.reminder_days,
        expected_version=review.version,
    )
    with pytest.raises(services.ReviewConflict) as refused:
        services.update_review_schedule(
            user=world.hki_coordinator,
            review=review,
            due_date=datetime.date(2021, 11, 15),
            reminder_days=review.reminder_days,
            expected_version=None,
            base=base,
        )
    assert refused.value.clash.fields == ["due_date"]
    assert reload(review).due_date == datetime.date(2021, 12, 20)


# --- the conclusions ------------------------------------------------------------------------


def test_conclusions_both_changed_are_asked_and_nothing_else_reverts(world, client_for):
    review = world.review
    for theme in world.themes:
        services.save_assessment(
            user=world.hki_coordinator,
            review=review,
            theme=theme,
            rating="on_track",
            narrative_en="Fine.",
        )
    beijing = client_for(world.bj_coordinator)
    page = beijing.get(url("review-detail", review))
    start = {
        "version": in_form(page, "complete-form", "version"),
        "base": in_form(page, "complete-form", "base"),
    }
    # Meanwhile Helsinki completes with its conclusion and reopens to fix a typo.
    current = services.complete_review(
        user=world.hki_coordinator,
        review=reload(review),
        conclusion="continue",
        conclusions_text_en="Keep going.",
        expected_version=reload(review).version,
    )
    services.reopen_review(
        user=world.hki_coordinator, review=current, expected_version=current.version
    )

    mine = {**start, "conclusion": "revise", "conclusions_text_zh_hans": "修订计划。"}
    conflict = beijing.post(url("review-complete", review), mine)

    # Only the conclusion is asked; Helsinki's English text is in the form, not reverted.
    assert conflict.status_code == 409
    content = main_of(conflict)
    box = content[content.index('class="conflict"') : content.index("</table>")]
    assert 'name="keep-conclusion" value="yours"' in box and 'form="complete-form"' in box
    assert "keep-conclusions_text_en" not in box and "keep-conclusions_text_zh_hans" not in box
    assert "Keep going.</textarea>" in content
    again = {
        **mine,
        "conclusions_text_en": "Keep going.",  # as the rebased form shows it
        "base": in_form(conflict, "complete-form", "base"),
        "version": in_form(conflict, "complete-form", "version"),
    }
    assert beijing.post(url("review-complete", review), again).status_code == 409
    assert reload(review).status == "in_preparation"

    chosen = beijing.post(url("review-complete", review), {**again, "keep-conclusion": "yours"})
    assert chosen.status_code == 302
    done = reload(review)
    assert (done.conclusion, done.conclusions_text_en, done.conclusions_text_zh_hans) == (
        "revise",
        "Keep going.",
        "修订计划。",
    )
