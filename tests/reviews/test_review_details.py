"""reviews.services.update_review_details: a review's title and description, in either language.

Coordinators (and administrators) change them at any stage; everyone else is refused. Each
change moves the review's version on; a stale ``expected_version`` is a ReviewConflict. A title
in one language is enough, none is refused, and the lengths are limited. Refusals change
nothing.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from partners.access import SYSTEM
from reviews.models import Conclusion, Review, ReviewStatus
from reviews.services import (
    TEXT_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    ReviewConflict,
    update_review_details,
)
from tests.helpers import USERS as ROLES
from tests.helpers import error_fields

MANAGERS = ["hki_coordinator", "bj_coordinator", "admin"]
NOT_MANAGERS = [r for r in ROLES if r not in MANAGERS]


def snapshot(review):
    stored = Review.objects.get(pk=review.pk)
    return (
        stored.version,
        stored.title_en,
        stored.title_zh_hans,
        stored.description_en,
        stored.description_zh_hans,
        stored.status,
        stored.due_date,
    )


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_coordinators_change_the_details(world, role):
    update_review_details(
        user=getattr(world, role),
        review=world.review,
        expected_version=1,
        title_en="  Mid-term review 2021  ",
        title_zh_hans="2021年中期审查",
        description_en="Halfway through the plan.",
    )

    assert snapshot(world.review) == (
        2,
        "Mid-term review 2021",
        "2021年中期审查",
        "Halfway through the plan.",
        world.review.description_zh_hans,
        ReviewStatus.SCHEDULED,
        world.review.due_date,
    )


@pytest.mark.parametrize("role", NOT_MANAGERS)
def test_it_refuses_the_details_to_everyone_else(world, role):
    before = snapshot(world.review)

    with pytest.raises(PermissionDenied):
        update_review_details(
            user=getattr(world, role), review=world.review, expected_version=1, title_en="Mine"
        )

    assert snapshot(world.review) == before


def test_it_changes_the_details_of_a_completed_review_too(world):
    Review.objects.filter(pk=world.review.pk).update(
        status=ReviewStatus.COMPLETED,
        completed_at=datetime.datetime(2021, 11, 30, 12, 0, tzinfo=datetime.UTC),
        conclusion=Conclusion.CONTINUE,
    )

    update_review_details(
        user=world.hki_coordinator,
        review=world.review,
        expected_version=1,
        description_en="Corrected afterwards.",
    )

    stored = Review.objects.get(pk=world.review.pk)
    assert (stored.status, stored.description_en, stored.version) == (
        ReviewStatus.COMPLETED,
        "Corrected afterwards.",
        2,
    )


# --- versions ---------------------------------------------------------------------------------


def test_it_refuses_a_stale_version_and_shows_the_review_as_it_is(world):
    update_review_details(
        user=world.bj_coordinator, review=world.review, expected_version=1, title_en="Theirs"
    )
    before = snapshot(world.review)

    with pytest.raises(ReviewConflict) as excinfo:
        update_review_details(
            user=world.hki_coordinator, review=world.review, expected_version=1, title_en="Mine"
        )

    assert (excinfo.value.current.version, excinfo.value.current.title_en) == (2, "Theirs")
    assert snapshot(world.review) == before


def test_it_skips_the_version_check_when_no_version_is_given(world):
    # The plan loader and the admin write without a version seen on a page.
    Review.objects.filter(pk=world.review.pk).update(version=7)

    update_review_details(user=SYSTEM, review=world.review, title_en="Loaded")

    assert snapshot(world.review)[:2] == (8, "Loaded")


def test_it_leaves_the_version_alone_when_nothing_changes(world):
    before = snapshot(world.review)

    update_review_details(
        user=world.hki_coordinator,
        review=world.review,
        expected_version=1,
        title_en=f"  {world.review.title_en} ",
    )

    assert snapshot(world.review) == before


# --- titles and lengths -----------------------------------------------------------------------


def test_it_accepts_a_chinese_title_alone(world):
    update_review_details(
        user=world.bj_coordinator,
        review=world.review,
        expected_version=1,
        title_en="   ",
        title_zh_hans="中期审查",
    )

    assert snapshot(world.review)[:3] == (2, "", "中期审查")


@pytest.mark.parametrize(
    "changes",
    [
        {"title_en": "", "title_zh_hans": "  "},
        {"title_en": " \n "},  # the stored Chinese title is empty
    ],
)
def test_it_refuses_a_review_without_any_title(world, changes):
    Review.objects.filter(pk=world.review.pk).update(title_zh_hans="")
    before = snapshot(world.review)

    with pytest.raises(ValidationError) as excinfo:
        update_review_details(
            user=world.hki_coordinator, review=world.review, expected_version=1, **changes
        )

    assert "title_en" in error_fields(excinfo)
    assert snapshot(world.review) == before


def test_it_refuses_clearing_the_only_title_left(world):
    update_review_details(
        user=world.hki_coordinator,
        review=world.review,
        expected_version=1,
        title_en="",
        title_zh_hans="中期审查",
    )
    before = snapshot(world.review)

    with pytest.raises(ValidationError) as excinfo:
        update_review_details(
            user=world.hki_coordinator, review=world.review, expected_version=2, title_zh_hans=""
        )

    assert "title_en" in error_fields(excinfo)
    assert snapshot(world.review) == before


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("title_en", TITLE_MAX_LENGTH),
        ("title_zh_hans", TITLE_MAX_LENGTH),
        ("description_en", TEXT_MAX_LENGTH),
        ("description_zh_hans", TEXT_MAX_LENGTH),
    ],
)
def test_it_limits_the_lengths(world, field, limit):
    before = snapshot(world.review)

    with pytest.raises(ValidationError) as excinfo:
        update_review_details(
            user=world.hki_coordinator,
            review=world.review,
            expected_version=1,
            **{field: "审" * (limit + 1)},
        )
    assert error_fields(excinfo) == {field}
    assert snapshot(world.review) == before

    update_review_details(
        user=world.hki_coordinator, review=world.review, expected_version=1, **{field: "审" * limit}
    )
    assert getattr(Review.objects.get(pk=world.review.pk), field) == "审" * limit


@pytest.mark.parametrize("field", ["status", "due_date", "plan", "version"])
def test_it_refuses_a_field_it_does_not_write(world, field):
    before = snapshot(world.review)

    with pytest.raises(TypeError):
        update_review_details(
            user=world.admin, review=world.review, expected_version=1, **{field: None}
        )

    assert snapshot(world.review) == before
