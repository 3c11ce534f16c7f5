"""A review worked in the portal: scheduled → in preparation → completed (and reopened).

Every write for every role: coordinators (of either side, and the admin) may; agency staff
and officials see the review but are refused (403); a user of another partnership does not
see it (404). Then the rules of each write, the optimistic locking, the schedule's
validation, ad-hoc reviews, and what the page shows (commitment progress, languages, query
counts).
"""

import datetime
import re

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cooperation.models import ActivityStatus
from reviews import services
from reviews.models import Conclusion, Rating, Review, ReviewKind, ReviewStatus, ThemeAssessment
from tests import factories as f
from tests.helpers import main_of

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

COORDINATORS = ["hki_coordinator", "bj_coordinator", "admin"]
READERS = ["hki_staff", "bj_staff", "official"]
COMPLETED_AT = datetime.datetime(2021, 11, 30, 12, 0, tzinfo=datetime.UTC)


# --- helpers --------------------------------------------------------------------------------


def section_of(content: str, theme) -> str:
    section = content[content.index(f'<section class="card theme-review" id="theme-{theme.pk}"') :]
    return section[: section.index("</section>")]


def errors_of(content: str) -> str:
    """Every error message on the page, as plain text (the form's own errors are in its error
    summary, the fields' at the fields too)."""
    found = re.findall(
        r'<ul class="(?:errorlist|error-summary-list)[^"]*"[^>]*>(.*?)</ul>', content, flags=re.S
    )
    return " ".join(re.sub(r"<[^>]+>", " ", block) for block in found)


def reload(review) -> Review:
    return Review.objects.get(pk=review.pk)


def assess(review, themes, rating=Rating.ON_TRACK):
    for theme in themes:
        f.ThemeAssessmentFactory(review=review, theme=theme, rating=rating)


def prepare(review, *, assessed=()):
    review.status = ReviewStatus.IN_PREPARATION
    review.save()
    assess(review, assessed)
    return review


def complete(review, world):
    prepare(review, assessed=world.themes)
    review.status = ReviewStatus.COMPLETED
    review.completed_at = COMPLETED_AT
    review.conclusion = Conclusion.CONTINUE
    review.conclusions_text_en = "Keep going."
    review.save()
    return review


def assessment_data(theme, *, rating="on_track", en="Dialogue held twice.", zh="", saved_at=""):
    prefix = f"theme-{theme.pk}"
    return {
        f"{prefix}-rating": rating,
        f"{prefix}-narrative_en": en,
        f"{prefix}-narrative_zh_hans": zh,
        f"{prefix}-saved_at": saved_at,
    }


def url(name, review, *args):
    return reverse(name, args=[review.pk, *args])


# --- each transition for each role ----------------------------------------------------------


def _start(world):
    review = world.review
    return (
        url("review-start", review),
        {"version": review.version},
        lambda r: r.status == ReviewStatus.IN_PREPARATION,
    )


def _assess(world):
    review, theme = world.review, world.themes[0]
    return (
        url("review-assessment", review, theme.pk),
        assessment_data(theme),
        lambda r: ThemeAssessment.objects.filter(review=r, theme=theme).exists(),
    )


def _complete(world):
    review = prepare(world.review, assessed=world.themes)
    return (
        url("review-complete", review),
        {"conclusion": "revise", "conclusions_text_en": "Add a theme.", "version": review.version},
        lambda r: r.status == ReviewStatus.COMPLETED and r.conclusion == Conclusion.REVISE,
    )


def _reopen(world):
    review = complete(world.review, world)
    return (
        url("review-reopen", review),
        {"version": review.version},
        lambda r: r.status == ReviewStatus.IN_PREPARATION,
    )


def _schedule(world):
    review = world.review
    return (
        url("review-schedule", review),
        {"due_date": "2021-12-31", "reminder_days": "60, 14", "version": review.version},
        lambda r: r.due_date == datetime.date(2021, 12, 31) and r.reminder_days == [60, 14],
    )


TRANSITIONS = {
    "start": _start,
    "assess": _assess,
    "complete": _complete,
    "reopen": _reopen,
    "schedule": _schedule,
}


@pytest.mark.parametrize("role", COORDINATORS)
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_coordinators_work_a_review(world, client_for, role, transition):
    path, data, written = TRANSITIONS[transition](world)
    response = client_for(getattr(world, role)).post(path, data)
    assert response.status_code == 302, errors_of(response.content.decode())
    assert response["Location"].startswith(url("review-detail", world.review))
    assert written(reload(world.review))


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("transition", TRANSITIONS)
def test_staff_and_officials_may_not_work_a_review(world, client_for, role, transition):
    path, data, written = TRANSITIONS[transition](world)
    before = reload(world.review)
    response = client_for(getattr(world, role)).post(path, data)
    assert response.status_code == 403
    after = reload(world.review)
    assert not written(after) or written(before)
    assert after.version == before.version


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_an_outsider_does_not_see_the_review_to_work(world, client_for, transition):
    path, data, written = TRANSITIONS[transition](world)
    before = reload(world.review)
    response = client_for(world.outsider).post(path, data)
    assert response.status_code == 404
    assert reload(world.review).version == before.version


@pytest.mark.parametrize("transition", TRANSITIONS)
def test_anonymous_users_are_sent_to_log_in(world, client_for, transition):
    path, data, written = TRANSITIONS[transition](world)
    response = client_for(None).post(path, data)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", READERS + ["outsider"])
def test_the_services_refuse_everyone_but_coordinators(world, role):
    user = getattr(world, role)
    review = world.review
    with pytest.raises(PermissionDenied):
        services.start_preparation(user=user, review=review, expected_version=review.version)
    with pytest.raises(PermissionDenied):
        services.save_assessment(
            user=user, review=review, theme=world.themes[0], rating="on_track", narrative_en="x"
        )
    with pytest.raises(PermissionDenied):
        services.update_review_schedule(
            user=user,
            review=review,
            due_date=datetime.date(2022, 1, 1),
            reminder_days=[7],
            expected_version=review.version,
        )
    with pytest.raises(PermissionDenied):
        services.create_review(
            user=user,
            plan=world.plan,
            title_en="x",
            title_zh_hans="",
            due_date=datetime.date(2022, 1, 1),
        )
    assert reload(review).version == review.version
    assert not ThemeAssessment.objects.exists()


# --- the page for each role -----------------------------------------------------------------


def test_a_coordinator_gets_the_forms(world, client_for):
    content = main_of(client_for(world.bj_coordinator).get(url("review-detail", world.review)))
    assert url("review-start", world.review) in content
    for theme in world.themes:
        assert url("review-assessment", world.review, theme.pk) in section_of(content, theme)
    assert url("review-schedule", world.review) in content
    # Completion comes once the review is in preparation.
    assert url("review-complete", world.review) not in content
    assert url("review-reopen", world.review) not in content


@pytest.mark.parametrize("role", READERS)
def test_staff_and_officials_get_no_forms(world, client_for, role):
    prepare(world.review)
    content = main_of(client_for(getattr(world, role)).get(url("review-detail", world.review)))
    assert "Mid-term review" in content
    for name in ("review-start", "review-complete", "review-schedule", "review-reopen"):
        assert url(name, world.review) not in content
    assert "/assessment/" not in content
    assert "<form" not in content


def test_a_completed_review_offers_reopening_only(world, client_for):
    complete(world.review, world)
    content = main_of(client_for(world.hki_coordinator).get(url("review-detail", world.review)))
    assert url("review-reopen", world.review) in content
    for name in ("review-start", "review-complete", "review-schedule"):
        assert url(name, world.review) not in content
    assert "/assessment/" not in content


@pytest.mark.parametrize("role", COORDINATORS)
def test_the_list_offers_a_new_review_to_coordinators(world, client_for, role):
    content = main_of(client_for(getattr(world, role)).get(reverse("review-list")))
    if role == "admin":  # sees two partnerships: the button is for the current plan of one
        assert f"{reverse('review-create')}?plan=" in content
    else:
        assert f"{reverse('review-create')}?plan={world.plan.pk}" in content


@pytest.mark.parametrize("role", [*READERS, "outsider"])
def test_the_list_offers_no_new_review_to_others(world, client_for, role):
    content = main_of(client_for(getattr(world, role)).get(reverse("review-list")))
    assert f"{reverse('review-create')}?plan={world.plan.pk}" not in content
    if role != "outsider":  # who coordinates another partnership's plan
        assert reverse("review-create") not in content


# --- the workflow's rules -------------------------------------------------------------------


def test_starting_needs_a_scheduled_review(world, client_for):
    review = prepare(world.review)
    response = client_for(world.hki_coordinator).post(
        url("review-start", review), {"version": review.version}
    )
    assert response.status_code == 400
    assert "Only a scheduled review can be started" in main_of(response)
    assert reload(review).version == review.version


def test_assessing_a_scheduled_review_starts_its_preparation(world, client_for):
    review = world.review
    response = client_for(world.hki_coordinator).post(
        url("review-assessment", review, world.themes[1].pk),
        assessment_data(world.themes[1], rating="at_risk", en="", zh="进展缓慢。"),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#theme-{world.themes[1].pk}")
    review = reload(review)
    assert review.status == ReviewStatus.IN_PREPARATION and review.version == 2
    assessment = ThemeAssessment.objects.get(review=review)
    assert assessment.theme == world.themes[1]
    assert assessment.rating == Rating.AT_RISK
    assert (assessment.narrative_en, assessment.narrative_zh_hans) == ("", "进展缓慢。")
    assert assessment.assessed_by == world.hki_coordinator


def test_assessing_again_updates_the_assessment(world, client_for):
    review = prepare(world.review, assessed=[world.themes[0]])
    assessment = ThemeAssessment.objects.get(review=review)
    response = client_for(world.bj_coordinator).post(
        url("review-assessment", review, world.themes[0].pk),
        assessment_data(
            world.themes[0],
            rating="off_track",
            en="Not held in 2020.",
            zh="2020年未举行。",
            saved_at=assessment.updated_at.isoformat(),
        ),
    )
    assert response.status_code == 302
    assert ThemeAssessment.objects.count() == 1
    assessment.refresh_from_db()
    assert assessment.rating == Rating.OFF_TRACK
    assert assessment.narrative_zh_hans == "2020年未举行。"
    assert assessment.assessed_by == world.bj_coordinator


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"rating": "", "en": "Fine."}, "Choose a rating."),
        ({"rating": "excellent", "en": "Fine."}, "Select a valid choice."),
        ({"rating": "on_track", "en": "  ", "zh": ""}, "Explain the rating in English or in"),
    ],
)
def test_an_assessment_needs_a_rating_and_a_narrative(world, client_for, data, message):
    theme = world.themes[0]
    response = client_for(world.hki_coordinator).post(
        url("review-assessment", world.review, theme.pk), assessment_data(theme, **data)
    )
    assert response.status_code == 400
    content = main_of(response)
    assert message in errors_of(content)
    # The user's input is kept, in that theme's form.
    if data.get("en", "").strip():
        assert data["en"] in section_of(content, theme)
    assert not ThemeAssessment.objects.exists()
    assert reload(world.review).status == ReviewStatus.SCHEDULED


def test_only_a_theme_of_the_reviews_plan_is_assessed(world, client_for):
    response = client_for(world.admin).post(
        url("review-assessment", world.review, world.other_theme.pk),
        assessment_data(world.other_theme),
    )
    assert response.status_code == 404
    with pytest.raises(ValidationError) as refused:
        services.save_assessment(
            user=world.admin,
            review=world.review,
            theme=world.other_theme,
            rating="on_track",
            narrative_en="x",
        )
    assert "not part of the review's action plan" in str(refused.value)
    assert not ThemeAssessment.objects.exists()


def test_completing_with_unassessed_themes_is_refused_and_names_them(world, client_for):
    review = prepare(world.review, assessed=[world.themes[0]])
    response = client_for(world.hki_coordinator).post(
        url("review-complete", review),
        {
            "conclusion": "continue",
            "conclusions_text_en": "Well on the way.",
            "conclusions_text_zh_hans": "进展顺利。",
            "version": review.version,
        },
    )
    assert response.status_code == 400
    content = main_of(response)
    errors = errors_of(content)
    assert "Themes 2. Education, 3. Culture are not assessed yet." in errors
    assert "Economy" not in errors
    # The input is kept, and nothing was written.
    assert "Well on the way." in content and "进展顺利。" in content
    review = reload(review)
    assert review.status == ReviewStatus.IN_PREPARATION
    assert review.conclusion == "" and not review.conclusions_text_en
    assert review.completed_at is None


def test_one_unassessed_theme_is_named_in_the_singular(world):
    review = prepare(world.review, assessed=world.themes[:2])
    with pytest.raises(ValidationError) as refused:
        services.complete_review(
            user=world.hki_coordinator,
            review=review,
            conclusion="continue",
            expected_version=review.version,
        )
    assert "Theme 3. Culture is not assessed yet." in str(refused.value)


def test_unassessed_themes_are_named_in_the_users_language(world, client_for):
    review = prepare(world.review, assessed=[world.themes[0]])
    client = client_for(world.bj_coordinator)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.post(
        url("review-complete", review), {"conclusion": "continue", "version": review.version}
    )
    assert response.status_code == 400
    errors = errors_of(main_of(response))
    assert "2. 教育" in errors and "3. 文化" in errors


def test_completing_needs_a_conclusion(world, client_for):
    review = prepare(world.review, assessed=world.themes)
    response = client_for(world.hki_coordinator).post(
        url("review-complete", review),
        {"conclusion": "", "conclusions_text_en": "We should decide.", "version": review.version},
    )
    assert response.status_code == 400
    content = main_of(response)
    assert "Choose the conclusion of the review" in errors_of(content)
    assert "We should decide." in content
    assert reload(review).status == ReviewStatus.IN_PREPARATION


def test_completing_needs_the_preparation_started(world, client_for):
    assess(world.review, world.themes)
    review = world.review  # still scheduled
    response = client_for(world.hki_coordinator).post(
        url("review-complete", review), {"conclusion": "renew", "version": review.version}
    )
    assert response.status_code == 400
    assert "Start the preparation of the review before completing it." in main_of(response)
    assert reload(review).status == ReviewStatus.SCHEDULED


@time_machine.travel(datetime.datetime(2021, 11, 30, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_completing_records_the_conclusion_and_the_time(world, client_for):
    review = prepare(world.review, assessed=world.themes)
    response = client_for(world.bj_coordinator).post(
        url("review-complete", review),
        {
            "conclusion": "renew",
            "conclusions_text_en": " Renew for 2024–2028. ",
            "conclusions_text_zh_hans": "续签2024-2028年计划。",
            "version": review.version,
        },
    )
    assert response.status_code == 302
    review = reload(review)
    assert review.status == ReviewStatus.COMPLETED
    assert review.completed_at == COMPLETED_AT
    assert review.conclusion == Conclusion.RENEW
    assert review.conclusions_text_en == "Renew for 2024–2028."
    assert review.conclusions_text_zh_hans == "续签2024-2028年计划。"
    content = main_of(client_for(world.official).get(url("review-detail", review)))
    assert "Renew the plan" in content and "Renew for 2024–2028." in content


def test_assessments_after_completion_are_refused(world, client_for):
    review = complete(world.review, world)
    theme = world.themes[0]
    before = ThemeAssessment.objects.get(review=review, theme=theme)
    response = client_for(world.hki_coordinator).post(
        url("review-assessment", review, theme.pk),
        assessment_data(theme, rating="off_track", en="Changed my mind."),
    )
    assert response.status_code == 400
    content = main_of(response)
    assert "The review is completed. Reopen it to change its assessments." in errors_of(content)
    assert "Changed my mind." in content
    after = ThemeAssessment.objects.get(review=review, theme=theme)
    assert (after.rating, after.narrative_en) == (before.rating, before.narrative_en)


def test_the_schedule_of_a_completed_review_is_refused(world):
    review = complete(world.review, world)
    with pytest.raises(ValidationError, match="Reopen it to change its schedule"):
        services.update_review_schedule(
            user=world.hki_coordinator,
            review=review,
            due_date=datetime.date(2022, 1, 1),
            reminder_days=[7],
            expected_version=review.version,
        )


def test_reopening_a_completed_review_lets_its_mistakes_be_fixed(world, client_for):
    review = complete(world.review, world)
    client = client_for(world.hki_coordinator)
    response = client.post(url("review-reopen", review), {"version": review.version})
    assert response.status_code == 302
    review = reload(review)
    assert review.status == ReviewStatus.IN_PREPARATION
    assert review.completed_at is None
    # The conclusions stay, to be corrected.
    assert review.conclusion == Conclusion.CONTINUE and review.conclusions_text_en == "Keep going."
    content = main_of(client.get(url("review-detail", review)))
    assert url("review-complete", review) in content
    assert "Keep going." in content
    theme = world.themes[2]
    saved = ThemeAssessment.objects.get(review=review, theme=theme)
    response = client.post(
        url("review-assessment", review, theme.pk),
        assessment_data(
            theme, rating="at_risk", en="Fewer festivals.", saved_at=saved.updated_at.isoformat()
        ),
    )
    assert response.status_code == 302
    response = client.post(
        url("review-complete", review),
        {"conclusion": "revise", "version": reload(review).version},
    )
    assert response.status_code == 302
    assert reload(review).status == ReviewStatus.COMPLETED


def test_only_a_completed_review_is_reopened(world, client_for):
    review = prepare(world.review)
    response = client_for(world.hki_coordinator).post(
        url("review-reopen", review), {"version": review.version}
    )
    assert response.status_code == 400
    assert "Only a completed review can be reopened." in main_of(response)
    # No reopen button on a review in preparation, even with the error shown.
    assert f'action="{url("review-reopen", review)}"' not in main_of(response)


# --- optimistic locking ---------------------------------------------------------------------


def test_a_stale_schedule_is_refused_and_keeps_the_input(world, client_for):
    review = world.review
    # The Beijing coordinator moves the due date after Helsinki opened the page.
    services.update_review_schedule(
        user=world.bj_coordinator,
        review=review,
        due_date=datetime.date(2021, 11, 15),
        reminder_days=[30],
        expected_version=1,
    )
    client = client_for(world.hki_coordinator)
    data = {"due_date": "2021-12-20", "reminder_days": "45, 10", "version": 1}
    response = client.post(url("review-schedule", review), data)
    assert response.status_code == 409
    content = main_of(response)
    assert "Someone else changed this review" in content
    assert 'value="2021-12-20"' in content and 'value="45, 10"' in content
    review = reload(review)
    assert review.due_date == datetime.date(2021, 11, 15) and review.reminder_days == [30]
    assert review.version == 2
    # The form now carries the current version: submitting it again deliberately replaces.
    assert re.search(r'name="version" value="2"', content)
    response = client.post(url("review-schedule", review), {**data, "version": 2})
    assert response.status_code == 302
    review = reload(review)
    assert review.due_date == datetime.date(2021, 12, 20) and review.reminder_days == [45, 10]


def test_a_stale_completion_is_refused_and_keeps_the_input(world, client_for):
    review = prepare(world.review, assessed=world.themes)
    stale = review.version
    services.update_review_schedule(
        user=world.bj_coordinator,
        review=review,
        due_date=datetime.date(2021, 12, 31),
        reminder_days=[7],
        expected_version=stale,
    )
    response = client_for(world.hki_coordinator).post(
        url("review-complete", review),
        {"conclusion": "revise", "conclusions_text_zh_hans": "修订计划。", "version": stale},
    )
    assert response.status_code == 409
    content = main_of(response)
    assert "Someone else changed this review" in content and "修订计划。" in content
    review = reload(review)
    assert review.status == ReviewStatus.IN_PREPARATION and review.conclusion == ""


@pytest.mark.parametrize("name", ["review-start", "review-reopen"])
def test_a_stale_button_is_refused(world, client_for, name):
    review = world.review if name == "review-start" else complete(world.review, world)
    Review.objects.filter(pk=review.pk).update(version=review.version + 1)
    response = client_for(world.hki_coordinator).post(url(name, review), {"version": 1})
    assert response.status_code == 409
    assert "Someone else changed this review" in main_of(response)
    assert reload(review).status == review.status


def test_a_stale_assessment_is_refused_and_keeps_the_input(world, client_for):
    review, theme = world.review, world.themes[0]
    # Helsinki opens the page (no assessment yet); Beijing assesses the theme first.
    bj = services.save_assessment(
        user=world.bj_coordinator,
        review=review,
        theme=theme,
        rating="on_track",
        narrative_zh_hans="北京的评估。",
        expected_updated_at=None,
    )
    client = client_for(world.hki_coordinator)
    data = assessment_data(theme, rating="at_risk", en="Helsinki's view.")
    response = client.post(url("review-assessment", review, theme.pk), data)
    assert response.status_code == 409
    section = section_of(main_of(response), theme)
    assert "Someone else assessed this theme meanwhile" in section
    assert "Helsinki&#x27;s view." in section  # kept
    assert "北京的评估。" in section  # and theirs is shown
    saved = ThemeAssessment.objects.get(review=review, theme=theme)
    assert (saved.rating, saved.narrative_en) == ("on_track", "")
    # Saving again from the returned form replaces theirs, knowingly.
    assert f'value="{bj.updated_at.isoformat()}"' in section
    response = client.post(
        url("review-assessment", review, theme.pk),
        {**data, f"theme-{theme.pk}-saved_at": bj.updated_at.isoformat()},
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.rating, saved.narrative_en) == ("at_risk", "Helsinki's view.")


def test_assessing_two_themes_at_once_is_no_conflict(world, client_for):
    review = world.review
    hki, bj = client_for(world.hki_coordinator), client_for(world.bj_coordinator)
    first = hki.post(
        url("review-assessment", review, world.themes[0].pk), assessment_data(world.themes[0])
    )
    second = bj.post(
        url("review-assessment", review, world.themes[1].pk), assessment_data(world.themes[1])
    )
    assert (first.status_code, second.status_code) == (302, 302)
    assert ThemeAssessment.objects.filter(review=review).count() == 2


# --- the schedule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "saved"),
    [
        ("90, 30, 7", [90, 30, 7]),
        ("7,30 ,90", [90, 30, 7]),
        ("60; 14 1", [60, 14, 1]),
        ("９０，３０", [90, 30]),  # full-width, as a Chinese keyboard types them
        ("365", [365]),
        ("", []),
    ],
)
def test_reminder_days_are_read_as_typed(world, client_for, typed, saved):
    review = world.review
    response = client_for(world.hki_coordinator).post(
        url("review-schedule", review),
        {"due_date": "2022-03-01", "reminder_days": typed, "version": review.version},
    )
    assert response.status_code == 302
    assert reload(review).reminder_days == saved


@pytest.mark.parametrize(
    ("due_date", "typed", "field", "message"),
    [
        ("2021-12-31", "abc", "reminder_days", "“abc” is not a whole number of days."),
        ("2021-12-31", "30, 30", "reminder_days", "30 is given twice."),
        ("2021-12-31", "0", "reminder_days", "0 is not between 1 and 365 days."),
        ("2021-12-31", "400", "reminder_days", "400 is not between 1 and 365 days."),
        ("2021-12-31", "-7", "reminder_days", "-7 is not between 1 and 365 days."),
        ("2021-12-31", "7.5", "reminder_days", "“7.5” is not a whole number of days."),
        ("2021-12-31", "90, 30, x, 30", "reminder_days", "30 is given twice."),
        ("2021-12-31", "1" * 30, "reminder_days", "is not between 1 and 365 days."),
        ("not a date", "90", "due_date", "Enter a valid date."),
        ("2021-02-30", "90", "due_date", "Enter a valid date."),
        ("", "90", "due_date", "This field is required."),
        ("0001-01-01", "90", "due_date", "Give a due date between 1950-01-01 and 2100-12-31."),
    ],
)
def test_a_bad_schedule_is_refused_clearly(world, client_for, due_date, typed, field, message):
    review = world.review
    response = client_for(world.hki_coordinator).post(
        url("review-schedule", review),
        {"due_date": due_date, "reminder_days": typed, "version": review.version},
    )
    assert response.status_code == 400
    content = main_of(response)
    schedule = content[content.index('id="schedule"') :]
    assert message in errors_of(schedule)
    # The input is kept.
    if typed:
        assert f'value="{typed}"' in schedule
    after = reload(review)
    assert (after.due_date, after.reminder_days, after.version) == (
        review.due_date,
        review.reminder_days,
        review.version,
    )


def test_every_bad_lead_time_is_named_at_once(world):
    with pytest.raises(ValidationError) as refused:
        services.parse_reminder_days("abc, 0, 30, 30, 400")
    assert refused.value.messages == [
        "“abc” is not a whole number of days.",
        "0 is not between 1 and 365 days.",
        "30 is given twice.",
        "400 is not between 1 and 365 days.",
    ]


@pytest.mark.parametrize("days", [[True], ["7"], [7.0], "90", None, [1, None]])
def test_the_service_takes_only_whole_numbers(world, days):
    with pytest.raises(ValidationError):
        services.update_review_schedule(
            user=world.hki_coordinator,
            review=world.review,
            due_date=datetime.date(2021, 12, 31),
            reminder_days=days,
            expected_version=world.review.version,
        )


# --- ad-hoc reviews -------------------------------------------------------------------------


def test_a_coordinator_adds_an_ad_hoc_review(world, client_for):
    client = client_for(world.bj_coordinator)
    create = reverse("review-create") + f"?plan={world.plan.pk}"
    assert client.get(create).status_code == 200
    response = client.post(
        create,
        {
            "title_en": "Review of the Helsinki Week",
            "title_zh_hans": "赫尔辛基周评估",
            "description_en": "",
            "description_zh_hans": "评估赫尔辛基周的成果。",
            "due_date": "2022-06-30",
            "reminder_days": "30, 7",
            # A forged kind changes nothing: the page adds ad-hoc reviews only.
            "kind": "mid_term",
        },
    )
    assert response.status_code == 302
    review = Review.objects.exclude(pk=world.review.pk).get(plan=world.plan)
    assert response["Location"] == url("review-detail", review)
    assert review.kind == ReviewKind.AD_HOC
    assert review.status == ReviewStatus.SCHEDULED
    assert (review.title_en, review.title_zh_hans) == (
        "Review of the Helsinki Week",
        "赫尔辛基周评估",
    )
    assert review.description_zh_hans == "评估赫尔辛基周的成果。"
    assert review.due_date == datetime.date(2022, 6, 30)
    assert review.reminder_days == [30, 7]
    assert review.version == 1 and review.code == ""


def test_a_new_review_reminds_90_30_and_7_days_ahead_by_default(world):
    review = services.create_review(
        user=world.hki_coordinator,
        plan=world.plan,
        title_en="",
        title_zh_hans="临时评估",
        due_date=datetime.date(2022, 6, 30),
    )
    assert review.reminder_days == [90, 30, 7]
    assert review.kind == ReviewKind.AD_HOC


def test_the_new_review_form_suggests_the_default_lead_times(world, client_for):
    content = main_of(
        client_for(world.hki_coordinator).get(reverse("review-create") + f"?plan={world.plan.pk}")
    )
    assert 'value="90, 30, 7"' in content


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"title_en": "", "title_zh_hans": " "},
            "Give the review a title in English or in Chinese.",
        ),
        ({"due_date": ""}, "This field is required."),
        ({"due_date": "31.12.2022x"}, "Enter a valid date."),
        ({"reminder_days": "30, thirty"}, "“thirty” is not a whole number of days."),
        ({"reminder_days": "0"}, "0 is not between 1 and 365 days."),
        ({"title_en": "x" * 201}, "Ensure this value has at most 200 characters"),
    ],
)
def test_a_bad_new_review_is_refused_clearly(world, client_for, data, message):
    good = {
        "title_en": "Extra review",
        "title_zh_hans": "",
        "due_date": "2022-06-30",
        "reminder_days": "30",
    }
    response = client_for(world.hki_coordinator).post(
        reverse("review-create") + f"?plan={world.plan.pk}", {**good, **data}
    )
    assert response.status_code == 400
    content = main_of(response)
    assert message in errors_of(content)
    if data.get("reminder_days"):
        assert f'value="{data["reminder_days"]}"' in content
    assert Review.objects.count() == 1


def test_a_new_review_goes_to_a_plan_the_user_works(world, client_for):
    create = reverse("review-create")
    hki = client_for(world.hki_coordinator)
    assert hki.get(f"{create}?plan={world.other_plan.pk}").status_code == 404
    assert hki.get(f"{create}?plan=31337").status_code == 404
    # Without (or with a junk) plan: the user's current plan.
    for query in ("", "?plan=abc", "?plan=-1", f"?plan={10**30}"):
        response = hki.get(create + query)
        assert response.status_code == 200
        assert f"?plan={world.plan.pk}" in main_of(response)
    assert client_for(world.official).get(create).status_code == 403
    assert client_for(world.outsider).get(f"{create}?plan={world.plan.pk}").status_code == 404


def test_formal_kinds_cannot_be_created_twice(world):
    # The plan has its mid-term review (world.review); it may get its one evaluation.
    common = {
        "user": world.hki_coordinator,
        "plan": world.plan,
        "title_en": "Formal",
        "title_zh_hans": "",
        "due_date": datetime.date(2022, 12, 31),
    }
    with pytest.raises(ValidationError) as refused:
        services.create_review(**common, kind=ReviewKind.MID_TERM)
    assert "already has its “Mid-term review”" in str(refused.value)
    evaluation = services.create_review(**common, kind=ReviewKind.EVALUATION)
    assert evaluation.kind == ReviewKind.EVALUATION
    with pytest.raises(ValidationError, match="already has its “Evaluation”"):
        services.create_review(**common, kind=ReviewKind.EVALUATION)
    with pytest.raises(ValidationError, match="Choose one of the listed kinds"):
        services.create_review(**common, kind="annual")
    # Ad-hoc ones are free.
    services.create_review(**common)
    services.create_review(**common)
    assert Review.objects.filter(plan=world.plan).count() == 4


# --- what the page shows --------------------------------------------------------------------


def test_the_page_shows_how_far_each_commitments_activities_got(world, client_for):
    economy = world.themes[0]
    annual = world.commitment
    annual.target_count = 4
    annual.frequency = "annual"
    annual.save()
    f.CommitmentFactory(theme=economy, order=2, text_en="Host a Helsinki Week.")
    f.ActivityFactory(
        theme=economy,
        commitment=annual,
        status=ActivityStatus.COMPLETED,
        actual_start=datetime.date(2020, 1, 1),
        actual_end=datetime.date(2020, 1, 2),
    )
    f.ActivityFactory(theme=economy, commitment=annual, status=ActivityStatus.IN_PROGRESS)
    f.ActivityFactory(theme=economy, commitment=annual, status=ActivityStatus.IN_PROGRESS)
    f.ActivityFactory(theme=world.themes[1], status=ActivityStatus.ON_HOLD)
    f.ActivityFactory(theme=world.other_theme, commitment=None)  # another plan: not counted
    content = main_of(client_for(world.official).get(url("review-detail", world.review)))

    section = section_of(content, economy)
    first = section[section.index("Establish an annual substantive dialogue.") :]
    first = first[: first.index("</li>")]
    assert "3 activities: " in first
    assert "1 completed" in first and "2 in progress" in first
    assert first.index("2 in progress") < first.index("1 completed")  # workflow order
    assert "Target: 4" in first and "Annual" in first
    second = section[section.index("Host a Helsinki Week.") :]
    assert "No activities yet." in second[: second.index("</li>")]
    # The world's four activities of the theme are tied to no commitment.
    loose = section[section.index("Activities not tied to a commitment") :]
    assert "4 activities: 4 planned" in re.sub(r"<[^>]+>", "", loose[: loose.index("</li>")])
    # The overview counts every activity of each theme.
    overview = content[: content.index('class="card theme-review"')]
    economy_row = overview[overview.index("Economy") :]
    economy_row = economy_row[: economy_row.index("</tr>")]
    assert "7 activities: 4 planned, 2 in progress, 1 completed" in re.sub(
        r"<[^>]+>", "", economy_row
    )
    education = section_of(content, world.themes[1])
    assert "1 activity: 1 on hold" in re.sub(r"<[^>]+>", "", education)
    culture = section_of(content, world.themes[2])
    assert "This theme has no commitments and no activities yet." in culture


def test_narratives_show_in_chinese_with_the_fallback_marked(world, client_for):
    review = world.review
    f.ThemeAssessmentFactory(
        review=review, theme=world.themes[0], narrative_en="Both.", narrative_zh_hans="两种语言。"
    )
    f.ThemeAssessmentFactory(
        review=review, theme=world.themes[1], narrative_en="English only.", narrative_zh_hans=""
    )
    f.ThemeAssessmentFactory(
        review=review, theme=world.themes[2], narrative_en="", narrative_zh_hans="仅中文。"
    )
    client = client_for(world.bj_staff)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    content = main_of(client.get(url("review-detail", review)))
    assert "两种语言。" in section_of(content, world.themes[0])
    assert "Both." not in section_of(content, world.themes[0])
    education = section_of(content, world.themes[1])
    assert '<span lang="en">English only.</span> <span class="fallback"' in education
    assert "仅中文。" in section_of(content, world.themes[2])

    english = main_of(client_for(world.official).get(url("review-detail", review)))
    culture = section_of(english, world.themes[2])
    assert '<span lang="zh-hans">仅中文。</span> <span class="fallback"' in culture
    assert "English only." in section_of(english, world.themes[1])


def test_the_assessment_form_holds_the_current_assessment(world, client_for):
    review = prepare(world.review)
    saved = f.ThemeAssessmentFactory(
        review=review,
        theme=world.themes[0],
        rating=Rating.AT_RISK,
        narrative_en="Slow.",
        narrative_zh_hans="缓慢。",
    )
    content = main_of(client_for(world.hki_coordinator).get(url("review-detail", review)))
    form = section_of(content, world.themes[0])
    form = form[form.index("<form") :]
    assert '<option value="at_risk" selected>' in form
    assert "Slow." in form and "缓慢。" in form
    assert 'lang="zh-Hans"' in form
    assert saved.updated_at.isoformat() in form


@time_machine.travel(datetime.datetime(2021, 9, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_page_says_how_many_days_are_left(world, client_for):
    content = main_of(client_for(world.official).get(url("review-detail", world.review)))
    assert "in 40 days" in content  # due 2021-10-11


@time_machine.travel(datetime.datetime(2021, 10, 14, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_page_says_how_long_a_review_is_overdue(world, client_for):
    content = main_of(client_for(world.official).get(url("review-detail", world.review)))
    assert "overdue since 11 October 2021" in content
    assert "days overdue" not in content


@time_machine.travel(datetime.datetime(2021, 10, 11, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_the_page_says_when_a_review_is_due_today(world, client_for):
    content = main_of(client_for(world.official).get(url("review-detail", world.review)))
    assert "due today" in content
    complete(world.review, world)
    content = main_of(client_for(world.official).get(url("review-detail", world.review)))
    assert "due today" not in content and "overdue" not in content


@pytest.mark.parametrize("size", [2, 12])
def test_the_page_runs_constant_queries(world, client_for, django_assert_num_queries, size):
    review = prepare(world.review)
    for i in range(size):
        theme = f.ThemeFactory(plan=world.plan, order=10 + i)
        for j in range(size):
            commitment = f.CommitmentFactory(theme=theme, order=j + 1)
            f.ActivityFactory(theme=theme, commitment=commitment)
            f.ActivityFactory(theme=theme, status=ActivityStatus.IN_PROGRESS)
        if i % 2:
            f.ThemeAssessmentFactory(review=review, theme=theme, assessed_by=world.official)
    client = client_for(world.hki_coordinator)  # with every form
    # 1 session, 2 user, 3 profile, 4 the review with plan and partnership, 5 the plan's
    # themes, 6 their commitments, 7 the assessments with who made them, 8 the numbers of
    # activities by theme, commitment and status.
    with django_assert_num_queries(8):
        response = client.get(url("review-detail", review))
    assert response.status_code == 200
    assert main_of(response).count('class="stacked assessment-form"') == 3 + size


@pytest.mark.parametrize("size", [2, 12])
def test_a_refused_form_runs_constant_queries(world, client_for, django_assert_num_queries, size):
    review = prepare(world.review)
    for i in range(size):
        theme = f.ThemeFactory(plan=world.plan, order=10 + i)
        f.CommitmentFactory(theme=theme, order=1)
        f.ActivityFactory(theme=theme)
    client = client_for(world.hki_coordinator)
    # 1 session, 2 user, 3 profile, 4 the review to check permission on; the service's
    # transaction: 5 savepoint, 6 the review locked, 7 the unassessed themes, 8 rolled back,
    # 9 released; the page again: 10 the review, 11 themes, 12 commitments, 13 assessments,
    # 14 the numbers of activities.
    with django_assert_num_queries(14):
        response = client.post(
            url("review-complete", review), {"conclusion": "continue", "version": review.version}
        )
    assert response.status_code == 400


# --- hostile input --------------------------------------------------------------------------

JUNK = [
    "",
    "abc",
    "-1",
    "0",
    "99999999999999999999999999",
    "2021-02-30",
    "\x00",
    "名字",
    "a" * 5000,
]


@pytest.mark.parametrize("junk", JUNK)
def test_no_junk_answers_500(world, client_for, junk):
    client = client_for(world.hki_coordinator)
    theme = world.themes[0]
    prefix = f"theme-{theme.pk}"
    posts = [
        (url("review-start", world.review), {"version": junk}),
        (
            url("review-assessment", world.review, theme.pk),
            {
                f"{prefix}-rating": junk,
                f"{prefix}-narrative_en": junk,
                f"{prefix}-saved_at": junk,
            },
        ),
        (url("review-complete", world.review), {"conclusion": junk, "version": junk}),
        (url("review-reopen", world.review), {"version": junk}),
        (
            url("review-schedule", world.review),
            {"due_date": junk, "reminder_days": junk, "version": junk},
        ),
        (
            reverse("review-create") + f"?plan={junk}",
            {"title_en": junk, "due_date": junk, "reminder_days": junk},
        ),
    ]
    for path, data in posts:
        response = client.post(path, data)
        assert response.status_code in {302, 400, 404, 409}, (path, response.status_code)


@pytest.mark.parametrize("pk", [31337, 2**63, 10**30])
def test_impossible_ids_answer_404(world, client_for, pk):
    client = client_for(world.hki_coordinator)
    review = world.review.pk
    for path in (
        f"/reviews/{pk}/start/",
        f"/reviews/{pk}/complete/",
        f"/reviews/{pk}/reopen/",
        f"/reviews/{pk}/schedule/",
        f"/reviews/{pk}/themes/{world.themes[0].pk}/assessment/",
        f"/reviews/{review}/themes/{pk}/assessment/",
    ):
        assert client.post(path, {"version": 1}).status_code == 404, path
