"""Writes of reviews that carry rules: the workflow, the per-theme assessments, ad-hoc reviews
and their schedule. The pages, the API, the admin and tasks all call these.

A review moves scheduled → in preparation → completed (and a coordinator may reopen a completed
one to fix a mistake). Every write is coordinators' work (``Action.MANAGE``), is checked here,
and runs in one transaction on the review's row, locked. Writes from a page the user opened
before someone else changed the review carry the version they saw: a stale one raises
``ReviewConflict`` (or ``AssessmentConflict`` for one theme's assessment) and writes nothing.
With ``base`` (the values the user started from) a save merges three ways instead
(``reviews.merging``): only a field both changed is a conflict, unless ``choices`` settles it.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cooperation.models import ActionPlan, Theme
from core import inputs, writes
from core.dates import EARLIEST_DATE, LATEST_DATE
from partners import access
from partners.access import Action

from . import merging
from .merging import AssessmentConflict as AssessmentConflict
from .merging import ReviewConflict as ReviewConflict
from .models import (
    Conclusion,
    Rating,
    Review,
    ReviewKind,
    ReviewStatus,
    ThemeAssessment,
    default_reminder_days,
)

FORMAL_KINDS = (ReviewKind.MID_TERM, ReviewKind.EVALUATION)
MIN_LEAD_DAYS, MAX_LEAD_DAYS = 1, 365
# Reminders count back from the due date: the portal's dates keep date arithmetic sane.
EARLIEST_DUE_DATE, LATEST_DUE_DATE = EARLIEST_DATE, LATEST_DATE
TITLE_MAX_LENGTH = inputs.limit_of(Review, Review._meta.get_field("title_en"))
TEXT_MAX_LENGTH = inputs.LIMITS["text"]
DETAIL_FIELDS = ("title_en", "title_zh_hans", "description_en", "description_zh_hans")


# Passed as ``expected_updated_at`` by callers that do not check for concurrent edits.
NOT_CHECKED = object()


# --- checks ---------------------------------------------------------------------------------


def _locked(review: Review) -> Review:
    """The review as it is now, its row locked until the transaction ends."""
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=review.pk)
    )


def _check_version(current: Review, expected_version: int | None) -> None:
    if expected_version is None or current.version != expected_version:
        raise ReviewConflict(current)


def _refuse_if_completed(current: Review, message: str) -> None:
    if current.status == ReviewStatus.COMPLETED:
        raise ValidationError({NON_FIELD_ERRORS: message})


def _clean_text(value, *, field: str, errors: dict, model=Review) -> str:
    """``value`` stripped; a control character or a text too long noted in ``errors``."""
    text = (value or "").strip()
    refused = inputs.field_error(model, model._meta.get_field(field), text)
    if refused is not None:
        errors[field] = refused
    return text


def _check_due_date(value, errors: dict) -> None:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        errors["due_date"] = _("Give the due date as a date, such as 2021-12-31.")
    elif not EARLIEST_DUE_DATE <= value <= LATEST_DUE_DATE:
        errors["due_date"] = _("Give a due date between %(first)s and %(last)s.") % {
            "first": EARLIEST_DUE_DATE.isoformat(),
            "last": LATEST_DUE_DATE.isoformat(),
        }


def clean_reminder_days(values: Iterable) -> list[int]:
    """Reminder lead times: distinct whole numbers of days from 1 to 365, largest first.

    Raises a ValidationError listing every problem; an empty list is allowed (no reminders
    before the due date).
    """
    problems: list[str] = []
    seen: set[int] = set()
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(_("Give the reminder days as a list of whole numbers."))
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(
                _("“%(value)s” is not a whole number of days.") % {"value": str(value)[:20]}
            )
        elif not MIN_LEAD_DAYS <= value <= MAX_LEAD_DAYS:
            problems.append(
                _("%(value)s is not between %(min)d and %(max)d days.")
                % {"value": str(value)[:20], "min": MIN_LEAD_DAYS, "max": MAX_LEAD_DAYS}
            )
        elif value in seen:
            problems.append(_("%(value)d is given twice.") % {"value": value})
        else:
            seen.add(value)
    if problems:
        raise ValidationError(problems)
    return sorted(seen, reverse=True)


def parse_reminder_days(text: str) -> list[int]:
    """Reminder lead times typed as "90, 30, 7" (commas, semicolons or spaces between them;
    full-width digits and punctuation are fine) as ``clean_reminder_days`` returns them."""
    text = unicodedata.normalize("NFKC", text or "")
    items = [item for item in re.split(r"[,;、\s]+", text) if item]
    values: list = []
    junk: list[str] = []
    for item in items:
        if re.fullmatch(r"[+-]?[0-9]+", item):
            values.append(int(item))
        else:
            junk.append(
                _("“%(value)s” is not a whole number of days.")
                % {"value": item if len(item) <= 20 else f"{item[:19]}…"}
            )
    try:
        cleaned = clean_reminder_days(values)
    except ValidationError as exc:
        junk.extend(exc.messages)
    if junk:
        raise ValidationError(junk)
    return cleaned


def _theme_list(themes: Iterable[Theme]) -> str:
    separator = pgettext("between the items of a list", ", ")
    return separator.join(f"{theme.order}. {theme.name}" for theme in themes)


# --- the workflow ---------------------------------------------------------------------------


@transaction.atomic
def start_preparation(*, user, review: Review, expected_version: int) -> Review:
    """Scheduled → in preparation."""
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    _check_version(current, expected_version)
    if current.status != ReviewStatus.SCHEDULED:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: _(
                    "Only a scheduled review can be started; this one is “%(status)s”."
                )
                % {"status": current.get_status_display()}
            }
        )
    current.status = ReviewStatus.IN_PREPARATION
    current.version += 1
    current.save(update_fields=["status", "version"])
    return current


@transaction.atomic
def save_assessment(
    *,
    user,
    review: Review,
    theme: Theme,
    rating: str,
    narrative_en: str = "",
    narrative_zh_hans: str = "",
    expected_updated_at=NOT_CHECKED,
    base: Mapping | None = None,
    choices: Mapping[str, str] | None = None,
) -> ThemeAssessment:
    """Create or update the assessment of one theme of the review's plan.

    ``expected_updated_at`` is when the assessment the user saw was last saved (None when
    they saw none): if it was saved since, AssessmentConflict is raised and nothing written.
    With ``base`` (``merging.values_of`` the assessment the user started from) the save is
    merged three ways instead (``reviews.merging``; AssessmentConflict with its ``clash``).
    Assessing a scheduled review starts its preparation; a completed review must be
    reopened first.
    """
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    _refuse_if_completed(
        current, _("The review is completed. Reopen it to change its assessments.")
    )
    if theme.plan_id != current.plan_id:
        raise ValidationError({"theme": _("This theme is not part of the review's action plan.")})
    existing = ThemeAssessment.objects.filter(review=current, theme=theme).first()
    if base is not None:
        yours = {
            "rating": rating,
            "narrative_en": narrative_en,
            "narrative_zh_hans": narrative_zh_hans,
        }
        merged = merging.merged(existing, yours, base, choices, refuse=AssessmentConflict)
        rating, narrative_en, narrative_zh_hans = merged.values()
    elif expected_updated_at is not NOT_CHECKED:
        saved_at = existing.updated_at if existing else None
        if saved_at != expected_updated_at:
            raise AssessmentConflict(existing)

    errors: dict = {}
    if rating not in Rating.values:
        errors["rating"] = _("Choose a rating.")
    narrative_en = _clean_text(
        narrative_en, field="narrative_en", errors=errors, model=ThemeAssessment
    )
    narrative_zh_hans = _clean_text(
        narrative_zh_hans, field="narrative_zh_hans", errors=errors, model=ThemeAssessment
    )
    if not narrative_en and not narrative_zh_hans and "narrative_en" not in errors:
        errors["narrative_en"] = _("Explain the rating in English or in Chinese.")
    if errors:
        raise ValidationError(errors)

    if current.status == ReviewStatus.SCHEDULED:
        # Work on the review has begun.
        current.status = ReviewStatus.IN_PREPARATION
        current.version += 1
        current.save(update_fields=["status", "version"])
    if existing is None:
        return ThemeAssessment.objects.create(
            review=current,
            theme=theme,
            rating=rating,
            narrative_en=narrative_en,
            narrative_zh_hans=narrative_zh_hans,
            assessed_by=access.person(user),
        )
    existing.rating = rating
    existing.narrative_en = narrative_en
    existing.narrative_zh_hans = narrative_zh_hans
    existing.assessed_by = access.person(user)
    existing.save(
        update_fields=["rating", "narrative_en", "narrative_zh_hans", "assessed_by", "updated_at"]
    )
    return existing


@transaction.atomic
def complete_review(
    *,
    user,
    review: Review,
    conclusion: str,
    conclusions_text_en: str = "",
    conclusions_text_zh_hans: str = "",
    expected_version: int | None,
    base: Mapping | None = None,
    choices: Mapping[str, str] | None = None,
) -> Review:
    """In preparation → completed, with the conclusion. Every theme must be assessed. With
    ``base`` the conclusions merge three ways (``reviews.merging``), the version unchecked."""
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    if base is None:
        _check_version(current, expected_version)
    _refuse_if_completed(current, _("The review is already completed."))
    if current.status != ReviewStatus.IN_PREPARATION:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("Start the preparation of the review before completing it.")}
        )
    errors: dict = {}
    if conclusion not in Conclusion.values:
        errors["conclusion"] = _(
            "Choose the conclusion of the review: continue, revise or renew the plan."
        )
    text_en = _clean_text(conclusions_text_en, field="conclusions_text_en", errors=errors)
    text_zh_hans = _clean_text(
        conclusions_text_zh_hans, field="conclusions_text_zh_hans", errors=errors
    )
    unassessed = list(
        Theme.objects.filter(plan_id=current.plan_id)
        .exclude(assessments__review=current)
        .order_by("order", "id")
    )
    if unassessed:
        errors[NON_FIELD_ERRORS] = ngettext(
            "Theme %(themes)s is not assessed yet. Assess every theme before completing "
            "the review.",
            "Themes %(themes)s are not assessed yet. Assess every theme before completing "
            "the review.",
            len(unassessed),
        ) % {"themes": _theme_list(unassessed)}
    if errors:
        raise ValidationError(errors)
    if base is not None:
        texts = (conclusion, text_en, text_zh_hans)
        yours = dict(zip(merging.COMPLETION_FIELDS, texts, strict=True))
        kept = merging.merged(current, yours, base, choices, refuse=ReviewConflict)
        conclusion, text_en, text_zh_hans = kept.values()
    current.status = ReviewStatus.COMPLETED
    current.completed_at = timezone.now()
    current.conclusion = conclusion
    current.conclusions_text_en = text_en
    current.conclusions_text_zh_hans = text_zh_hans
    current.version += 1
    current.save(
        update_fields=[
            "status",
            "completed_at",
            "conclusion",
            "conclusions_text_en",
            "conclusions_text_zh_hans",
            "version",
        ]
    )
    return current


@transaction.atomic
def reopen_review(*, user, review: Review, expected_version: int) -> Review:
    """Completed → in preparation, so that mistakes can be fixed. The conclusions stay."""
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    _check_version(current, expected_version)
    if current.status != ReviewStatus.COMPLETED:
        raise ValidationError({NON_FIELD_ERRORS: _("Only a completed review can be reopened.")})
    current.status = ReviewStatus.IN_PREPARATION
    current.completed_at = None
    current.version += 1
    current.save(update_fields=["status", "completed_at", "version"])
    return current


# --- ad-hoc reviews and the schedule --------------------------------------------------------


@transaction.atomic
def create_review(
    *,
    user,
    plan: ActionPlan,
    title_en: str,
    title_zh_hans: str,
    due_date: datetime.date,
    description_en: str = "",
    description_zh_hans: str = "",
    reminder_days: Iterable[int] | None = None,
    kind: str = ReviewKind.AD_HOC,
    code: str = "",
) -> Review:
    """A new review of the plan: an ad-hoc one, or a formal one the plan does not have yet.
    ``code`` names it in a plan file (the loader's)."""
    access.require(user, Action.MANAGE, plan)
    errors: dict = {}
    if kind not in ReviewKind.values:
        errors["kind"] = _("Choose one of the listed kinds of review.")
    elif kind in FORMAL_KINDS and Review.objects.filter(plan=plan, kind=kind).exists():
        errors["kind"] = _formal_exists(kind)
    title_en = _clean_text(title_en, field="title_en", errors=errors)
    title_zh_hans = _clean_text(title_zh_hans, field="title_zh_hans", errors=errors)
    if not title_en and not title_zh_hans and "title_zh_hans" not in errors:
        errors["title_en"] = _("Give the review a title in English or in Chinese.")
    description_en = _clean_text(description_en, field="description_en", errors=errors)
    description_zh_hans = _clean_text(
        description_zh_hans, field="description_zh_hans", errors=errors
    )
    _check_due_date(due_date, errors)
    days = default_reminder_days() if reminder_days is None else reminder_days
    try:
        days = clean_reminder_days(days)
    except ValidationError as exc:
        errors["reminder_days"] = exc.messages
    if errors:
        raise ValidationError(errors)

    review = Review(
        plan=plan,
        code=code,
        kind=kind,
        title_en=title_en,
        title_zh_hans=title_zh_hans,
        description_en=description_en,
        description_zh_hans=description_zh_hans,
        due_date=due_date,
        status=ReviewStatus.SCHEDULED,
        reminder_days=days,
        version=1,
    )
    inputs.check(review)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError:
        # Two coordinators adding the same formal review at once: the constraint decides.
        raise ValidationError({"kind": _formal_exists(kind)}) from None
    return review


def _formal_exists(kind: str) -> str:
    return _(
        "The plan already has its “%(kind)s”: there is one of each formal review per plan. "
        "Add an ad-hoc review instead."
    ) % {"kind": ReviewKind(kind).label}


@transaction.atomic
def update_review_schedule(
    *,
    user,
    review: Review,
    due_date: datetime.date,
    reminder_days: Iterable[int],
    expected_version: int | None,
    base: Mapping | None = None,
    choices: Mapping[str, str] | None = None,
) -> Review:
    """Change the due date and the reminder lead times (days before the due date). With
    ``base`` the change is merged three ways over a save made meanwhile (``reviews.merging``)
    instead of refused."""
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    if base is None:
        _check_version(current, expected_version)
    _refuse_if_completed(current, _("The review is completed. Reopen it to change its schedule."))
    errors: dict = {}
    _check_due_date(due_date, errors)
    try:
        days = clean_reminder_days(reminder_days)
    except ValidationError as exc:
        errors["reminder_days"] = exc.messages
    if errors:
        raise ValidationError(errors)
    if base is not None:
        yours = {"due_date": due_date, "reminder_days": days}
        due_date, days = merging.merged(
            current, yours, base, choices, refuse=ReviewConflict
        ).values()
    current.due_date = due_date
    current.reminder_days = days
    current.version += 1
    current.save(update_fields=["due_date", "reminder_days", "version"])
    return current


@transaction.atomic
def update_review_details(
    *,
    user,
    review: Review,
    expected_version: int | None = None,
    **changes,
) -> Review:
    """Change a review's title and description (in either language), at any stage.

    Like every write of a review, it moves its version on, so that forms open elsewhere are
    stale. ``expected_version`` (when given) is the version the user saw.
    """
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    if expected_version is not None:
        _check_version(current, expected_version)
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"update_review_details() cannot write {sorted(unknown)}")
    errors: dict = {}
    for name, value in changes.items():
        changes[name] = _clean_text(value, field=name, errors=errors)
    title_en = changes.get("title_en", current.title_en)
    title_zh_hans = changes.get("title_zh_hans", current.title_zh_hans)
    if not title_en and not title_zh_hans:
        errors["title_en"] = _("Give the review a title in English or in Chinese.")
    if errors:
        raise ValidationError(errors)
    changed = writes.set_changes(current, changes, allowed=DETAIL_FIELDS)
    if changed:
        current.version += 1
        # Checked above: the model would ask for an English title, create_review does not.
        current.save(update_fields=[*changed, "version"])
    return current


@transaction.atomic
def delete_review(*, user, review: Review) -> None:
    """Remove an ad-hoc review. The plan's mid-term review and evaluation are Article Four's:
    they are rescheduled, not removed."""
    current = _locked(review)
    access.require(user, Action.MANAGE, current)
    if current.kind in FORMAL_KINDS:
        raise ValidationError(
            {NON_FIELD_ERRORS: _("The plan's formal reviews cannot be removed; reschedule them.")}
        )
    current.delete()
