"""End to end in headless Chromium: two coordinators change one review's schedule at once
(issue 13 §7). Beijing saves after Helsinki: the field only Helsinki changed keeps
Helsinki's value, the one both changed is asked in the choice table, and Beijing's choice is
saved; the page as the conflict gave it, sent without a choice, asks again and loses
nothing."""

import datetime
import shutil

import pytest

from cooperation.models import ActionPlan
from reviews.models import Review, ReviewStatus
from tests.e2e.conftest import CHROMIUM, load_demo_site, log_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.clock,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian's chromium is not installed"),
]


def open_schedule(page, base: str, review) -> None:
    page.goto(f"{base}/reviews/{review.pk}/")
    page.wait_for_selector("#schedule-form")


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_save_one_schedule_and_the_second_chooses(
    live_server, browser_page, settings
):
    load_demo_site(settings, with_data=False)
    plan = ActionPlan.objects.get(code="hki-bj-2019-2023")
    review = Review.objects.filter(plan=plan, status=ReviewStatus.SCHEDULED).order_by("pk")[0]
    base, helsinki = live_server.url, browser_page
    other = helsinki.context.browser.new_context(locale="en-GB")
    beijing = other.new_page()
    beijing.set_default_timeout(15_000)
    try:
        log_in(helsinki, base, "helsinki-coordinator")
        log_in(beijing, base, "beijing-coordinator")
        open_schedule(helsinki, base, review)
        open_schedule(beijing, base, review)

        helsinki.fill("#schedule-form [name=due_date]", "2021-12-20")
        helsinki.fill("#schedule-form [name=reminder_days]", "60")
        helsinki.click("#schedule-form button[type=submit]")
        helsinki.wait_for_selector(".messages, [role=status]")

        beijing.fill("#schedule-form [name=due_date]", "2021-11-15")
        beijing.click("#schedule-form button[type=submit]")
        beijing.wait_for_selector("#conflict")
        table = beijing.locator("#conflict table")
        # Only the due date is asked; Helsinki's reminders are in the form already.
        assert table.locator("tbody tr").count() == 1
        assert table.locator("input[name=keep-due_date]").count() == 2
        assert table.locator("input[name=keep-reminder_days]").count() == 0
        assert beijing.input_value("#schedule-form [name=reminder_days]") == "60"
        assert beijing.input_value("#schedule-form [name=due_date]") == "2021-11-15"

        # Sent as it stands, without a choice: asked again, nothing of Helsinki's lost.
        beijing.click("#schedule-form button[type=submit]")
        beijing.wait_for_selector("#conflict")
        saved = Review.objects.get(pk=review.pk)
        assert (saved.due_date, saved.reminder_days) == (datetime.date(2021, 12, 20), [60])

        beijing.check("#conflict input[value=yours]")
        beijing.click("#schedule-form button[type=submit]")
        beijing.wait_for_selector("#schedule-form")
        assert beijing.locator("#conflict").count() == 0
        saved = Review.objects.get(pk=review.pk)
        assert (saved.due_date, saved.reminder_days) == (datetime.date(2021, 11, 15), [60])
    finally:
        other.close()
