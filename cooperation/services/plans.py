"""Partnerships and their action plans, with the plan's signatories.

Partnerships and new plans are set up by administrators and the plan loader; the coordinators
of a partnership change its plans (``Action.MANAGE``). A plan stays in its partnership, its
predecessor is an earlier plan of the same partnership, its coordinating offices are agencies
of the partnership's two sides, and its authentic languages are languages the portal knows.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import writes
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from partners import access
from partners.access import Action
from partners.models import Agency, City

from ..models import ActionPlan, Partnership, Signatory

PARTNERSHIP_FIELDS = (
    "code",
    "first_city",
    "second_city",
    "established",
    "agreement_title_en",
    "agreement_title_zh_hans",
)
TERM_FIELDS = ActionPlan.TERM_FIELDS
PLAN_FIELDS = (
    "title_en",
    "title_zh_hans",
    "period_start_year",
    "period_end_year",
    "signed_on",
    "signed_place_en",
    "signed_place_zh_hans",
    "status",
    "authentic_languages",
    "predecessor",
    "coordinators",
    # The terms as signed (Articles Two to Four), quoted.
    *(f"{name}_{lang}" for name in TERM_FIELDS for lang in ("en", "zh_hans")),
)
# A plan's years outside these are typing errors.
SIGNATORY_FIELDS = ("city", "name_en", "name_zh_hans", "position_en", "position_zh_hans")


# --- partnerships ---------------------------------------------------------------------------


@transaction.atomic
def create_partnership(*, user, first_city: City, second_city: City, **values) -> Partnership:
    access.require_admin(user)
    partnership = Partnership(first_city=first_city, second_city=second_city)
    writes.set_changes(partnership, values, allowed=PARTNERSHIP_FIELDS)
    return writes.save_new(partnership)


@transaction.atomic
def update_partnership(*, user, partnership: Partnership, **changes) -> Partnership:
    access.require_admin(user)
    current = Partnership.objects.select_for_update().get(pk=partnership.pk)
    changed = writes.set_changes(current, changes, allowed=PARTNERSHIP_FIELDS)
    if {"first_city", "second_city"} & set(changed) and current.plans.exists():
        # Every agency, person and activity of its plans is on one of the two sides.
        raise ValidationError(
            {"first_city": _("The cities of a partnership with plans cannot change.")}
        )
    return writes.save_changed(current, changed)


@transaction.atomic
def delete_partnership(*, user, partnership: Partnership) -> None:
    """Remove a partnership with its plans (administrators only); refused (ProtectedError)
    while activities are filed under its plans' themes."""
    access.require_admin(user)
    partnership.delete()


# --- plans ----------------------------------------------------------------------------------


def _check_plan(plan: ActionPlan, coordinators: Iterable[Agency] | None) -> None:
    errors: dict[str, str] = {}
    for name in ("period_start_year", "period_end_year"):
        year = getattr(plan, name)
        if year is not None and not EARLIEST_YEAR <= year <= LATEST_YEAR:
            errors[name] = _("Give a year between %(first)d and %(last)d.") % {
                "first": EARLIEST_YEAR,
                "last": LATEST_YEAR,
            }
    known = {code for code, _name in settings.LANGUAGES}
    languages = plan.authentic_languages
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        errors["authentic_languages"] = _("Choose the languages from the list.")
    elif set(languages) - known or len(set(languages)) != len(languages):
        errors["authentic_languages"] = _("Choose the languages from the list, each once.")
    predecessor = plan.predecessor
    if predecessor is not None:
        if predecessor.partnership_id != plan.partnership_id:
            errors["predecessor"] = _("The predecessor must be a plan of the same partnership.")
        elif plan.pk is not None and _succeeds(predecessor, plan.pk):
            errors["predecessor"] = _("A plan cannot be its own predecessor.")
    if coordinators is not None:
        partnership = plan.partnership
        if any(a.city_id is None or not partnership.includes_agency(a) for a in coordinators):
            errors["coordinators"] = _(
                "The coordinating offices are agencies of the partnership's two cities."
            )
    if errors:
        raise ValidationError(errors)


def _succeeds(plan: ActionPlan, pk: int) -> bool:
    """True when ``plan`` is the plan ``pk`` or comes after it, as stored (the caller's copies
    of the chain may be older than the database)."""
    seen = set()
    current = plan.pk
    while current is not None and current not in seen:
        if current == pk:
            return True
        seen.add(current)
        current = (
            ActionPlan.objects.filter(pk=current).values_list("predecessor_id", flat=True).first()
        )
    return False


@transaction.atomic
def create_plan(*, user, partnership: Partnership, code: str, **values) -> ActionPlan:
    """A new plan of a partnership (administrators and the plan loader)."""
    access.require_admin(user)
    columns, many = writes.split_many(values, {"coordinators"})
    plan = ActionPlan(partnership=partnership, code=code)
    writes.set_changes(plan, columns, allowed=(*PLAN_FIELDS, "code"))
    _check_plan(plan, many.get("coordinators"))
    writes.save_new(plan)
    writes.set_many(plan, many)
    return plan


@transaction.atomic
def update_plan(*, user, plan: ActionPlan, **changes) -> ActionPlan:
    """Change a plan's fields (coordinators of its partnership; ``code`` administrators only)."""
    current = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=plan.pk)
    )
    access.require(user, Action.MANAGE, current)
    if "code" in changes and changes["code"] != current.code:
        access.require_admin(user)
    changes = writes.refuse_move(
        changes, "partnership", current.partnership, _("A plan stays in its partnership.")
    )
    columns, many = writes.split_many(changes, {"coordinators"})
    was_renewal_draft = current.is_renewal_draft
    changed = writes.set_changes(current, columns, allowed=(*PLAN_FIELDS, "code"))
    if was_renewal_draft and "status" in changed:
        # Published only by both sides' approvals (services.renewal.approve_renewal).
        raise ValidationError(
            {"status": _("A renewal draft comes into force when both sides approve it.")}
        )
    _check_plan(current, many.get("coordinators"))
    writes.save_changed(current, changed)
    writes.set_many(current, many)
    return current


# --- signatories ----------------------------------------------------------------------------


def _check_signatory(signatory: Signatory) -> None:
    if signatory.city_id is not None and not signatory.plan.partnership.includes_city(
        signatory.city
    ):
        raise ValidationError({"city": _("The city must be one of the partnership's two.")})


@transaction.atomic
def add_signatory(*, user, plan: ActionPlan, city: City, **values) -> Signatory:
    access.require(user, Action.MANAGE, plan)
    signatory = Signatory(plan=plan, city=city)
    writes.set_changes(signatory, values, allowed=SIGNATORY_FIELDS)
    _check_signatory(signatory)
    return writes.save_new(signatory)


@transaction.atomic
def update_signatory(*, user, signatory: Signatory, **changes) -> Signatory:
    current = (
        Signatory.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=signatory.pk)
    )
    access.require(user, Action.MANAGE, current.plan)
    changed = writes.set_changes(current, changes, allowed=SIGNATORY_FIELDS)
    _check_signatory(current)
    return writes.save_changed(current, changed)


@transaction.atomic
def remove_signatory(*, user, signatory: Signatory) -> None:
    access.require(user, Action.MANAGE, signatory.plan)
    signatory.delete()


@transaction.atomic
def delete_plan(*, user, plan: ActionPlan) -> None:
    """Remove a plan and everything of it (administrators only); refused (ProtectedError)
    while activities are filed under its themes."""
    access.require_admin(user)
    plan.delete()
