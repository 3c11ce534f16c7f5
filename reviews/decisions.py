"""The decisions on a plan its evaluation leads to (Article Four: "renewing or revising"),
recorded in the plan's status.

- ``start_renewal``: when the evaluation concluded renew or revise, one of the plan's
  coordinators drafts the next plan from it (``cooperation.services.renewal.draft_from``);
  once per plan. Approval and publishing are ``cooperation.services.renewal``'s.
- ``conclude_plan``: when the evaluation concluded the plan should end, a coordinator records
  it: the plan is concluded.

Until the evaluation is completed neither is possible (``reviews.lifecycle``).
"""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cooperation.models import ActionPlan, PlanStatus
from cooperation.services.plans import EARLIEST_YEAR, LATEST_YEAR
from cooperation.services.renewal import draft_from
from partners import access
from partners.access import Action

from .lifecycle import RENEWING_CONCLUSIONS
from .models import Conclusion, Review, ReviewKind, ReviewStatus

# A plan runs for a few years; a longer "period" is a typing error.
LONGEST_PERIOD_YEARS = 10


def _locked(plan: ActionPlan) -> ActionPlan:
    return (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=plan.pk)
    )


def _evaluation_conclusion(plan: ActionPlan) -> str | None:
    """The completed evaluation's conclusion; None while it is not completed (or missing)."""
    evaluation = Review.objects.filter(plan=plan, kind=ReviewKind.EVALUATION).first()
    if evaluation is None or evaluation.status != ReviewStatus.COMPLETED:
        return None
    return evaluation.conclusion


def _refuse(message: str):
    raise ValidationError({NON_FIELD_ERRORS: message})


def _check_decidable(plan: ActionPlan) -> str:
    if plan.status in (PlanStatus.DRAFT, PlanStatus.RENEWED, PlanStatus.CONCLUDED):
        _refuse(_("This plan is not in force: there is nothing to decide about it."))
    conclusion = _evaluation_conclusion(plan)
    if conclusion is None:
        _refuse(_("Complete the plan’s evaluation first: its conclusion decides what comes next."))
    return conclusion


def _check_period(plan: ActionPlan, start, end) -> None:
    errors = {}
    for name, year in (("period_start_year", start), ("period_end_year", end)):
        if not isinstance(year, int) or isinstance(year, bool):
            errors[name] = _("Give the year as a number, such as 2024.")
        elif not EARLIEST_YEAR <= year <= LATEST_YEAR:
            errors[name] = _("Give a year between %(first)d and %(last)d.") % {
                "first": EARLIEST_YEAR,
                "last": LATEST_YEAR,
            }
    if errors:
        raise ValidationError(errors)
    if start < plan.period_end_year:
        errors["period_start_year"] = _(
            "The next plan starts in the last year of this one (%(year)d) or later."
        ) % {"year": plan.period_end_year}
    if end < start:
        errors["period_end_year"] = _("The last year cannot be before the first year.")
    elif end - start >= LONGEST_PERIOD_YEARS:
        errors["period_end_year"] = _("A plan runs for at most %(n)d years.") % {
            "n": LONGEST_PERIOD_YEARS
        }
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def start_renewal(
    *, user, plan: ActionPlan, period_start_year: int, period_end_year: int
) -> ActionPlan:
    """Draft the next plan from ``plan``; returns the draft."""
    current = _locked(plan)
    access.require(user, Action.MANAGE, current)
    conclusion = _check_decidable(current)
    if conclusion not in RENEWING_CONCLUSIONS:
        _refuse(_("The evaluation did not conclude to renew or revise the plan."))
    if ActionPlan.objects.filter(renewal_of=current).exists():
        _refuse(_("The renewal of this plan has already been started."))
    _check_period(current, period_start_year, period_end_year)
    try:
        with transaction.atomic():
            return draft_from(
                current, period_start_year=period_start_year, period_end_year=period_end_year
            )
    except IntegrityError:  # pragma: no cover - the row lock above makes this a last resort
        _refuse(_("The renewal of this plan has already been started."))


@transaction.atomic
def conclude_plan(*, user, plan: ActionPlan) -> ActionPlan:
    """Record that the plan ends here, as its evaluation concluded."""
    current = _locked(plan)
    access.require(user, Action.MANAGE, current)
    if _check_decidable(current) != Conclusion.CONCLUDE:
        _refuse(_("The evaluation did not conclude to end the plan."))
    current.status = PlanStatus.CONCLUDED
    current.save(update_fields=["status"])
    return current
