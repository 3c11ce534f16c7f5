"""After a failed save, a form opens with an error summary linked to the fields in error."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.cooperation.test_pages import edit_data

pytestmark = pytest.mark.clock


def summary_of(html: str) -> str:
    match = re.search(r'<div class="error-summary"[^>]*>.*?</div>', html, re.S)
    assert match, "no error summary on the page"
    return match.group(0)


def post_status(client, activity, **data):
    values = {"version": activity.version, "to_status": "", "note_en": "", "date": ""}
    values.update(data)
    return client.post(reverse("activity-status", args=[activity.pk]), values)


def test_a_failed_status_update_shows_the_summary_linked_to_its_fields(world, client_for):
    # No note in either language: the service's rule, shown on the English note.
    response = post_status(client_for(world.hki_staff), world.hki_activity, to_status="in_progress")

    html = response.content.decode()
    summary = summary_of(html)
    assert 'role="alert"' in summary and 'tabindex="-1"' in summary
    assert "data-error-summary" in summary
    assert "There is a problem" in summary
    assert 'href="#id_note_en"' in summary and "Say in a note what happened." in summary
    note = re.search(r"<textarea[^>]*\bname=\"note_en\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in note
    described = re.search(r'aria-describedby="([^"]+)"', note).group(1).split()
    assert "id_note_en_error" in described and "id_note_en_helptext" in described
    assert 'id="id_note_en_error"' in html


def test_fields_of_a_form_that_failed_on_its_own_are_listed(world, client_for):
    response = post_status(client_for(world.hki_staff), world.hki_activity, note="x")
    summary = summary_of(response.content.decode())
    assert 'href="#id_to_status"' in summary


def test_no_summary_before_a_save(world, client_for):
    response = client_for(world.hki_staff).get(
        reverse("activity-detail", args=[world.hki_activity.pk])
    )
    assert "error-summary" not in response.content.decode()


def test_the_activity_form_lists_the_funding_rows_in_error(world, client_for):
    activity = world.hki_activity
    data = edit_data(
        activity,
        **{
            "funding-TOTAL_FORMS": 1,
            "funding-0-activity": activity.pk,
            "funding-0-source": "first_city",
            "funding-0-amount": "-5",
            "funding-0-currency": "EUR",
        },
    )
    response = client_for(world.hki_coordinator).post(
        reverse("activity-edit", args=[activity.pk]), data
    )

    summary = summary_of(response.content.decode())
    assert 'href="#id_funding-0-amount"' in summary
    assert "Row 1" in summary


def test_the_login_form_has_the_summary(db, client):
    response = client.post(reverse("login"), {"username": "nobody", "password": "wrong"})
    assert "There is a problem" in summary_of(response.content.decode())


def test_the_script_focuses_the_summary_without_inline_script():
    script = (Path(settings.BASE_DIR) / "static/js/portal.js").read_text()
    assert "[data-error-summary]" in script and ".focus(" in script
    assert "scrollIntoView" in script
    template = (Path(settings.BASE_DIR) / "templates/core/_form_errors.html").read_text()
    assert "<script" not in template
    assert '{% translate "There is a problem" %}' in template
