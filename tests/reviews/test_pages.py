"""Review pages as read: the list with status badges and one review's assessment by theme.

The workflow (the forms coordinators work a review with) is tested in test_workflow.py.
"""

import datetime

import pytest
import time_machine
from django.conf import settings as django_settings
from django.urls import reverse

from reviews.models import Conclusion, Rating, ReviewKind, ReviewStatus
from tests import factories as f
from tests.helpers import MEMBERS, main_of

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

COMPLETED_AT = datetime.datetime(2021, 11, 30, 12, 0, tzinfo=datetime.UTC)


def section_of(content: str, theme) -> str:
    """The review page's section of one theme."""
    section = content[content.index(f'<section class="card theme-review" id="theme-{theme.pk}"') :]
    return section[: section.index("</section>")]


def row_of(content: str, text: str) -> str:
    row = content[content.index(text) :]
    return row[: row.index("</tr>")]


# --- list -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_it_lists_the_reviews_of_the_users_plans(world, client_for, role):
    response = client_for(getattr(world, role)).get(reverse("review-list"))
    assert response.status_code == 200
    content = main_of(response)
    assert "Mid-term review" in content
    assert reverse("review-detail", args=[world.review.pk]) in content


def test_it_asks_anonymous_to_log_in_for_reviews(world, client):
    for url in (reverse("review-list"), reverse("review-detail", args=[world.review.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_shows_an_outsider_none_of_our_reviews(world, client_for):
    f.ReviewFactory(plan=world.other_plan, title_en="Tallinn–Riga review")
    content = main_of(client_for(world.outsider).get(reverse("review-list")))
    assert "Tallinn–Riga review" in content
    assert "Mid-term review" not in content


@time_machine.travel(datetime.datetime(2022, 6, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_it_badges_status_and_overdue(world, client_for):
    # world.review: the mid-term review, due 2021-10-11, still scheduled -> overdue.
    f.ReviewFactory(
        plan=world.plan,
        title_en="Done review",
        due_date=datetime.date(2021, 3, 1),
        status=ReviewStatus.COMPLETED,
        completed_at=COMPLETED_AT,
        conclusion=Conclusion.REVISE,
    )
    f.ReviewFactory(
        plan=world.plan,
        kind=ReviewKind.EVALUATION,
        title_en="Final evaluation",
        due_date=datetime.date(2023, 6, 30),
        status=ReviewStatus.IN_PREPARATION,
    )
    content = main_of(client_for(world.official).get(reverse("review-list")))
    overdue = row_of(content, "Mid-term review")
    assert 'class="badge review-overdue"' in overdue and "Overdue" in overdue
    assert "Mid-term review" in overdue
    done = row_of(content, "Done review")
    assert 'class="badge review-completed"' in done
    assert "Revise the plan" in done
    future = row_of(content, "Final evaluation")
    assert 'class="badge review-in_preparation"' in future and "Evaluation" in future
    assert "review-overdue" not in done + future
    # By due date.
    assert content.index("Done review") < content.index("Mid-term review")
    assert content.index("Mid-term review") < content.index("Final evaluation")


@time_machine.travel(datetime.datetime(2021, 10, 11, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_it_is_not_overdue_on_the_due_date(world, client_for):
    content = main_of(client_for(world.official).get(reverse("review-list")))
    assert "review-overdue" not in row_of(content, "Mid-term review")


@pytest.mark.parametrize(
    ("instant", "overdue_for"),
    [
        # Beijing's midnight: the due day is over in Beijing, not in Helsinki.
        (datetime.datetime(2021, 10, 11, 16, 0, 30, tzinfo=datetime.UTC), {"bj_staff"}),
        # Helsinki's midnight: over in both cities.
        (
            datetime.datetime(2021, 10, 11, 21, 0, 30, tzinfo=datetime.UTC),
            {"bj_staff", "hki_staff"},
        ),
    ],
)
def test_overdue_is_read_on_each_persons_calendar(world, client_for, instant, overdue_for):
    # world.review is due 2021-10-11 (Helsinki is UTC+3 then, Beijing UTC+8).
    with time_machine.travel(instant, tick=False):
        for role in ("hki_staff", "bj_staff"):
            content = main_of(client_for(getattr(world, role)).get(reverse("review-list")))
            overdue = "review-overdue" in row_of(content, "Mid-term review")
            assert overdue == (role in overdue_for), role


def test_it_lists_reviews_in_chinese(world, client_for):
    client = client_for(world.bj_staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = main_of(client.get(reverse("review-list")))
    assert world.review.title_zh_hans in content


@pytest.mark.parametrize("extra", [5, 100])
def test_it_lists_reviews_in_constant_queries(world, client_for, django_assert_num_queries, extra):
    for i in range(extra):
        f.ReviewFactory(plan=world.plan, due_date=datetime.date(2020, 1, 1 + i % 28))
    client = client_for(world.official)
    # 1 session, 2 user, 3 profile, 4 the reviews with their plan, 5 the user's plans (for
    # the "new ad-hoc review" button).
    with django_assert_num_queries(5):
        response = client.get(reverse("review-list"))
    assert response.status_code == 200


# --- detail ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_it_shows_a_review(world, client_for, role):
    response = client_for(getattr(world, role)).get(
        reverse("review-detail", args=[world.review.pk])
    )
    assert response.status_code == 200
    assert "Mid-term review" in main_of(response)


def test_it_hides_a_review_from_an_outsider(world, client_for):
    response = client_for(world.outsider).get(reverse("review-detail", args=[world.review.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("pk", [31337, 2**63, 10**30])
def test_it_answers_404_for_a_missing_review(world, client_for, pk):
    response = client_for(world.admin).get(reverse("review-detail", args=[pk]))
    assert response.status_code == 404


def test_the_review_page_itself_takes_no_posts(world, client_for):
    # Its forms post to their own URLs.
    response = client_for(world.hki_coordinator).post(
        reverse("review-detail", args=[world.review.pk])
    )
    assert response.status_code == 405


def test_it_shows_the_assessment_by_theme(world, client_for):
    review = world.review
    review.description_en = "The formal mid-term review of Article Four."
    review.status = ReviewStatus.COMPLETED
    review.completed_at = COMPLETED_AT
    review.conclusion = Conclusion.CONTINUE
    review.conclusions_text_en = "Keep going; add a theme on climate."
    review.save()
    f.ThemeAssessmentFactory(
        review=review,
        theme=world.themes[0],
        rating=Rating.AT_RISK,
        narrative_en="Dialogue held once.",
    )
    f.ThemeAssessmentFactory(
        review=review,
        theme=world.themes[2],
        rating=Rating.ON_TRACK,
        narrative_en="Festivals every year.",
    )
    content = main_of(client_for(world.bj_staff).get(reverse("review-detail", args=[review.pk])))
    assert "The formal mid-term review of Article Four." in content
    assert 'class="badge review-completed"' in content
    economy = row_of(content, "Economy")
    assert 'class="badge rating-at_risk"' in economy and "At risk" in economy
    assert "Not assessed yet" in row_of(content, "Education")
    assert "rating-on_track" in row_of(content, "Culture")
    assert content.index("Economy") < content.index("Education") < content.index("Culture")
    # Each theme's own section: its narrative, and a link to the theme.
    economy = section_of(content, world.themes[0])
    assert "Dialogue held once." in economy and "At risk" in economy
    assert reverse("theme-detail", args=[world.themes[0].pk]) in economy
    assert "Festivals every year." in section_of(content, world.themes[2])
    assert "Not assessed yet" in section_of(content, world.themes[1])
    assert "Continue the plan" in content
    assert "Keep going; add a theme on climate." in content


def test_it_shows_the_assessment_in_chinese(world, client_for):
    f.ThemeAssessmentFactory(review=world.review, theme=world.themes[0])
    f.ThemeAssessmentFactory(
        review=world.review,
        theme=world.themes[1],
        narrative_en="English only.",
        narrative_zh_hans="",
    )
    client = client_for(world.bj_coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = main_of(client.get(reverse("review-detail", args=[world.review.pk])))
    assert "经济" in content and "教育" in content
    assert "按计划进行。" in content
    assert '<span lang="en">English only.</span>' in content


@pytest.mark.parametrize("extra", [5, 100])
def test_it_shows_a_review_in_constant_queries(world, client_for, django_assert_num_queries, extra):
    for i in range(extra):
        theme = f.ThemeFactory(plan=world.plan, order=10 + i)
        if i % 2:
            f.ThemeAssessmentFactory(review=world.review, theme=theme, assessed_by=world.official)
    client = client_for(world.hki_staff)
    # 1 session, 2 user, 3 profile, 4 the review with plan and partnership, 5 the plan's
    # themes, 6 their commitments, 7 the assessments with who made them, 8 the numbers of
    # activities by theme, commitment and status.
    with django_assert_num_queries(8):
        response = client.get(reverse("review-detail", args=[world.review.pk]))
    assert response.status_code == 200
