"""Database constraints of every app, and modeltranslation's language fallback.

Each refused write runs in its own ``transaction.atomic()`` so that the test's transaction
stays usable afterwards (PostgreSQL aborts a transaction on the first error).
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cooperation.models import Activity, ActivityStatus
from partners.models import Role
from reviews.models import ReviewKind, ReviewStatus
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AgencyFactory,
    CityFactory,
    CommitmentFactory,
    EventFactory,
    FundingFactory,
    PartnershipFactory,
    ProfileFactory,
    ProgrammeItemFactory,
    ReviewFactory,
    StatusUpdateFactory,
    ThemeAssessmentFactory,
    ThemeFactory,
)

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

D = datetime.date


@contextmanager
def refused():
    """The write inside must fail with IntegrityError; a savepoint keeps the test usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        yield


# --- partners -------------------------------------------------------------------------------


def test_it_requires_an_agency_for_agency_staff():
    city = CityFactory()
    with refused():
        ProfileFactory(city=city, role=Role.AGENCY_STAFF, agency=None)
    # The other roles need none.
    assert ProfileFactory(city=city, role=Role.OFFICIAL, agency=None).pk


def test_it_refuses_an_agency_that_is_its_own_parent():
    agency = AgencyFactory()
    agency.parent = agency
    with refused():
        agency.save()


# --- partnerships and plans -----------------------------------------------------------------


def test_it_refuses_a_partnership_of_a_city_with_itself():
    city = CityFactory()
    with refused():
        PartnershipFactory(first_city=city, second_city=city)


def test_it_refuses_the_same_partnership_twice():
    partnership = PartnershipFactory()
    with refused():
        PartnershipFactory(first_city=partnership.first_city, second_city=partnership.second_city)


def test_it_refuses_the_same_partnership_with_the_cities_swapped():
    partnership = PartnershipFactory()
    with refused():
        PartnershipFactory(first_city=partnership.second_city, second_city=partnership.first_city)


def test_constraint_messages_are_the_users_words():
    from django.core.exceptions import ValidationError

    from cooperation.models import Activity

    activity = Activity(theme=ThemeFactory(), title_en="x", status="completed", actual_end=None)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        activity.full_clean()
    assert "A completed activity needs its actual end date." in str(caught.value)


def test_it_refuses_a_plan_that_ends_before_it_starts():
    with refused():
        ActionPlanFactory(period_start_year=2023, period_end_year=2019)
    assert ActionPlanFactory(period_start_year=2023, period_end_year=2023).period == "2023–2023"


def test_it_refuses_a_plan_that_is_its_own_predecessor():
    plan = ActionPlanFactory()
    plan.predecessor = plan
    with refused():
        plan.save()


# --- themes and commitments -----------------------------------------------------------------


def test_it_refuses_two_themes_with_the_same_order_in_a_plan():
    theme = ThemeFactory(order=1)
    with refused():
        ThemeFactory(plan=theme.plan, order=1)
    # Another plan may use the same order.
    assert ThemeFactory(order=1).pk


def test_it_refuses_theme_order_zero():
    with refused():
        ThemeFactory(order=0)


def test_it_refuses_two_commitments_with_the_same_order_in_a_theme():
    commitment = CommitmentFactory(order=1)
    with refused():
        CommitmentFactory(theme=commitment.theme, order=1)
    assert CommitmentFactory(order=1).pk


# --- activities -----------------------------------------------------------------------------


def test_it_refuses_a_planned_end_before_the_planned_start():
    with refused():
        ActivityFactory(planned_start=D(2020, 5, 1), planned_end=D(2020, 4, 30))
    assert ActivityFactory(planned_start=D(2020, 5, 1), planned_end=D(2020, 5, 1)).pk


def test_it_refuses_an_actual_end_before_the_actual_start():
    with refused():
        ActivityFactory(actual_start=D(2020, 5, 1), actual_end=D(2020, 4, 30))


def test_it_refuses_a_completed_activity_without_an_actual_end():
    with refused():
        ActivityFactory(status=ActivityStatus.COMPLETED, actual_end=None)
    assert ActivityFactory(status=ActivityStatus.COMPLETED, actual_end=D(2020, 6, 1)).pk


def test_it_refuses_an_unknown_activity_status():
    activity = ActivityFactory()
    with refused():
        Activity.objects.filter(pk=activity.pk).update(status="done")


def test_it_refuses_negative_funding():
    with refused():
        FundingFactory(amount=Decimal("-0.01"))
    assert FundingFactory(amount=Decimal("0")).pk


@pytest.mark.parametrize("currency", ["eur", "E1R", "EU"])
def test_it_refuses_a_currency_that_is_not_an_iso_code(currency):
    with refused():
        FundingFactory(currency=currency)


def test_it_accepts_iso_currencies():
    assert FundingFactory(currency="CNY").pk


def test_it_refuses_two_status_updates_with_the_same_sequence():
    update = StatusUpdateFactory(sequence=1)
    with refused():
        StatusUpdateFactory(activity=update.activity, sequence=1, author=update.author)
    assert StatusUpdateFactory(activity=update.activity, sequence=2, author=update.author).pk


def test_it_refuses_a_status_update_that_changes_nothing():
    with refused():
        StatusUpdateFactory(from_status=ActivityStatus.PLANNED, to_status=ActivityStatus.PLANNED)


# --- events ---------------------------------------------------------------------------------


def test_it_refuses_an_event_that_ends_before_it_starts():
    with refused():
        EventFactory(start_date=D(2019, 11, 8), end_date=D(2019, 11, 4))
    assert EventFactory(start_date=D(2019, 11, 8), end_date=D(2019, 11, 8)).pk


def test_it_refuses_a_programme_item_that_does_not_end_after_it_starts():
    event = EventFactory()
    starts = timezone.now()
    with refused():
        ProgrammeItemFactory(event=event, starts_at=starts, ends_at=starts)
    with refused():
        ProgrammeItemFactory(
            event=event, starts_at=starts, ends_at=starts - datetime.timedelta(minutes=1)
        )
    assert ProgrammeItemFactory(event=event, starts_at=starts, ends_at=None).pk


# --- reviews --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ReviewKind.MID_TERM, ReviewKind.EVALUATION])
def test_it_refuses_a_second_formal_review_of_a_plan(kind):
    review = ReviewFactory(kind=kind)
    with refused():
        ReviewFactory(plan=review.plan, kind=kind)
    # Another plan may have its own.
    assert ReviewFactory(kind=kind).pk


def test_it_allows_any_number_of_ad_hoc_reviews_and_blank_codes():
    plan = ActionPlanFactory()
    ReviewFactory(plan=plan, kind=ReviewKind.AD_HOC, code="")
    ReviewFactory(plan=plan, kind=ReviewKind.AD_HOC, code="")

    assert plan.reviews.count() == 2


def test_it_refuses_a_completed_review_without_a_completion_time():
    with refused():
        ReviewFactory(status=ReviewStatus.COMPLETED, completed_at=None)
    assert ReviewFactory(status=ReviewStatus.COMPLETED, completed_at=timezone.now()).pk


def test_it_refuses_two_assessments_of_a_theme_in_a_review():
    assessment = ThemeAssessmentFactory()
    with refused():
        ThemeAssessmentFactory(review=assessment.review, theme=assessment.theme)


# --- translated fields ----------------------------------------------------------------------


def test_it_reads_translated_fields_in_the_active_language():
    activity = ActivityFactory(title_en="Smart city forum", title_zh_hans="智慧城市论坛")

    with translation.override("zh-hans"):
        assert activity.title == "智慧城市论坛"
    with translation.override("en"):
        assert activity.title == "Smart city forum"


def test_it_falls_back_to_english_when_the_chinese_value_is_empty():
    activity = ActivityFactory(title_en="Smart city forum", title_zh_hans="")
    activity.refresh_from_db()

    with translation.override("zh-hans"):
        assert activity.title == "Smart city forum"


def test_it_falls_back_to_chinese_when_only_chinese_is_given():
    activity = ActivityFactory(title_en="", title_zh_hans="智慧城市论坛")
    activity.refresh_from_db()

    with translation.override("en"):
        assert activity.title == "智慧城市论坛"


def test_it_shows_content_in_english_to_a_finnish_reader():
    theme = ThemeFactory(name_en="Economy", name_zh_hans="经济")

    with translation.override("fi"):
        assert theme.name == "Economy"
