"""With the demo data loaded late in 2026, the pages tell the plan's story: the plan has ended,
the mid-term review of 2021 is completed, and the evaluation is "overdue since" its due date,
spelled out in the reader's language, never counted in days."""

import datetime
import io

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from cooperation.models import ActionPlan
from plandata.loader import load_plan_file
from reviews.models import Review, ReviewKind
from tests.helpers import main_of

pytestmark = pytest.mark.clock

# The reader's language: the due date and the plan's last day as the page spells them.
DATES = {
    "en": ("31 December 2022", "31 December 2023"),
    "zh-hans": ("2022年12月31日", "2023年12月31日"),
    "fi": ("31. joulukuuta 2022", "31. joulukuuta 2023"),
}


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    settings.DEMO_PASSWORD = "Demo-passw0rd-for-tests"
    load_plan_file()
    out = io.StringIO()
    call_command("create_demo_users", stdout=out, stderr=out)
    call_command("load_demo_data", stdout=out)
    return ActionPlan.objects.get(code="hki-bj-2019-2023")


def reader(client_for, username, language):
    client = client_for(get_user_model().objects.get(username=username))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.mark.parametrize("language", DATES)
@pytest.mark.parametrize("username", ["hki-economic-staff", "helsinki-coordinator"])
def test_the_dashboard_says_the_plan_ended_and_since_when_the_evaluation_is_overdue(
    demo, client_for, language, username
):
    due, last_day = DATES[language]
    page = main_of(reader(client_for, username, language).get(reverse("dashboard", args=[demo.pk])))
    assert "plan-stage-ended" in page
    assert last_day in page
    assert due in page
    evaluation = Review.objects.get(plan=demo, kind=ReviewKind.EVALUATION)
    assert reverse("review-detail", args=[evaluation.pk]) in page
    assert "days overdue" not in page


@pytest.mark.parametrize("language", DATES)
def test_the_evaluation_page_says_overdue_since(demo, client_for, language):
    evaluation = Review.objects.get(plan=demo, kind=ReviewKind.EVALUATION)
    client = reader(client_for, "beijing-coordinator", language)
    page = main_of(client.get(reverse("review-detail", args=[evaluation.pk])))
    note = page[page.index('class="due-note overdue-note"') :].split("</span>")[0]
    assert DATES[language][0] in note
    assert "1430" not in note and "days" not in note  # 1430 days after 31 December 2022


def test_the_mid_term_review_page_shows_the_completed_review(demo, client_for):
    mid_term = Review.objects.get(plan=demo, kind=ReviewKind.MID_TERM)
    page = main_of(
        reader(client_for, "helsinki-coordinator", "en").get(
            reverse("review-detail", args=[mid_term.pk])
        )
    )
    assert "review-completed" in page
    assert "overdue" not in page.lower()
    assert "Both coordinating offices reviewed the ten themes at mid-term." in page
    assert mid_term.completed_at.date() == datetime.date(2021, 12, 10)
