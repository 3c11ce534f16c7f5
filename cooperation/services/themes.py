"""The themes of a plan (Article Two) and the agencies responsible for each of them.

Coordinators of the partnership add, change and remove themes (``Action.MANAGE`` on the plan).
A theme stays in its plan: its commitments and activities would silently change plans with it.
A responsible agency is an agency of one of the partnership's two sides or a third party, and
is responsible for a theme once, as its lead or in support.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import writes
from partners import access
from partners.access import Action
from partners.models import Agency

from ..models import ActionPlan, Theme, ThemeAgency

THEME_FIELDS = ("code", "order", "name_en", "name_zh_hans", "summary_en", "summary_zh_hans")
RESPONSIBILITY_FIELDS = ("agency", "role")


def _locked(theme: Theme) -> Theme:
    return (
        Theme.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=theme.pk)
    )


@transaction.atomic
def create_theme(*, user, plan: ActionPlan, **values) -> Theme:
    access.require(user, Action.MANAGE, plan)
    theme = Theme(plan=plan)
    writes.set_changes(theme, values, allowed=THEME_FIELDS)
    return writes.save_new(theme)


@transaction.atomic
def update_theme(*, user, theme: Theme, **changes) -> Theme:
    current = _locked(theme)
    access.require(user, Action.MANAGE, current)
    changes = writes.refuse_move(
        changes,
        "plan",
        current.plan,
        _("A theme stays in its plan: its activities would move with it."),
    )
    changed = writes.set_changes(current, changes, allowed=THEME_FIELDS)
    return writes.save_changed(current, changed)


@transaction.atomic
def delete_theme(*, user, theme: Theme) -> None:
    """Remove a theme; refused (ProtectedError) while activities are filed under it."""
    current = _locked(theme)
    access.require(user, Action.MANAGE, current)
    current.delete()


# --- responsible agencies -------------------------------------------------------------------


def _check_responsibility(responsibility: ThemeAgency) -> None:
    agency = responsibility.agency
    if agency is not None and not responsibility.theme.plan.partnership.includes_agency(agency):
        raise ValidationError({"agency": _("This organisation is not part of the partnership.")})


@transaction.atomic
def add_responsibility(*, user, theme: Theme, agency: Agency, role: str) -> ThemeAgency:
    current = _locked(theme)
    access.require(user, Action.MANAGE, current)
    responsibility = ThemeAgency(theme=current, agency=agency, role=role)
    _check_responsibility(responsibility)
    return writes.save_new(responsibility)


@transaction.atomic
def update_responsibility(*, user, responsibility: ThemeAgency, **changes) -> ThemeAgency:
    current = (
        ThemeAgency.objects.select_for_update(of=("self",))
        .select_related("theme__plan__partnership")
        .get(pk=responsibility.pk)
    )
    access.require(user, Action.MANAGE, current.theme)
    changed = writes.set_changes(current, changes, allowed=RESPONSIBILITY_FIELDS)
    _check_responsibility(current)
    return writes.save_changed(current, changed)


@transaction.atomic
def remove_responsibility(*, user, responsibility: ThemeAgency) -> None:
    access.require(user, Action.MANAGE, responsibility.theme)
    responsibility.delete()


@transaction.atomic
def withdraw_theme(*, user, theme: Theme, amendment, on) -> Theme:
    """Mark a theme withdrawn by ``amendment`` (an approved one) from ``on``: its commitments,
    activities and history stay."""
    current = _locked(theme)
    access.require(user, Action.MANAGE, current)
    current.withdrawn_by, current.withdrawn_on = amendment, on
    return writes.save_changed(current, ["withdrawn_by", "withdrawn_on"])
