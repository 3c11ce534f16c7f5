"""What an amendment's changes must name, and where an amendment may be drafted.

The service calls these: they read, never write. A change names its targets in the amendment's
own plan, never a theme or commitment already withdrawn, and gives its new texts in both
languages (both sides sign both texts).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core import writes
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from partners import access

from .. import lifecycle
from ..models import ActionPlan, ResponsibilityRole, ThemeAgency
from .models import AmendmentChange, ChangeKind, PlanVersion

# What each kind of change reads; the other fields are emptied so that a stored change says
# only what it does.
USES = {
    ChangeKind.ADD_THEME: {"text_en", "text_zh_hans", "summary_en", "summary_zh_hans"},
    ChangeKind.CHANGE_THEME: {"theme", "text_en", "text_zh_hans", "summary_en", "summary_zh_hans"},
    ChangeKind.WITHDRAW_THEME: {"theme"},
    ChangeKind.ADD_COMMITMENT: {"theme", "text_en", "text_zh_hans"},
    ChangeKind.CHANGE_COMMITMENT: {"commitment", "text_en", "text_zh_hans"},
    ChangeKind.WITHDRAW_COMMITMENT: {"commitment"},
    ChangeKind.ADD_AGENCY: {"theme", "agency", "role"},
    ChangeKind.REMOVE_AGENCY: {"theme", "agency"},
    ChangeKind.CHANGE_PERIOD: {"start_year", "end_year"},
}
REQUIRED = {
    ChangeKind.ADD_THEME: {"text_en", "text_zh_hans"},
    ChangeKind.CHANGE_THEME: {"theme", "text_en", "text_zh_hans"},
    ChangeKind.WITHDRAW_THEME: {"theme"},
    ChangeKind.ADD_COMMITMENT: {"theme", "text_en", "text_zh_hans"},
    ChangeKind.CHANGE_COMMITMENT: {"commitment", "text_en", "text_zh_hans"},
    ChangeKind.WITHDRAW_COMMITMENT: {"commitment"},
    ChangeKind.ADD_AGENCY: {"theme", "agency", "role"},
    ChangeKind.REMOVE_AGENCY: {"theme", "agency"},
    ChangeKind.CHANGE_PERIOD: {"start_year", "end_year"},
}
CHANGE_FIELDS = (
    "kind",
    "theme",
    "commitment",
    "agency",
    "role",
    "text_en",
    "text_zh_hans",
    "summary_en",
    "summary_zh_hans",
    "start_year",
    "end_year",
)
# More changes than this in one amendment is a new plan, not an amendment.
MAX_CHANGES = 50


def side_of(user, plan: ActionPlan) -> int | None:
    """The city whose side ``user`` signs for in ``plan``: a coordinator of one of its two
    cities. Administrators and the system sign for no side."""
    if not access.is_coordinator(user) or access.is_admin(user):
        return None
    profile = access.profile_of(user)
    if profile is None or profile.city_id not in plan.partnership.access_cities():
        return None
    return profile.city_id


def check_plan_open(plan: ActionPlan) -> None:
    """Amendments are for a signed plan nobody has yet concluded or renewed: in force, or
    ended and awaiting its evaluation (an ended plan may still be extended). A draft plan is
    edited directly."""
    if plan.status in lifecycle.NOT_RUNNING:
        raise ValidationError(
            {"plan": _("Only a signed plan that has not been concluded or renewed is amended.")}
        )


def check_effective_date(plan: ActionPlan, effective_on: datetime.date | None) -> None:
    if effective_on is None:
        return
    earliest = lifecycle.first_day(plan)
    latest = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if latest is not None and latest.effective_on > earliest:
        earliest = latest.effective_on
    if effective_on < earliest:
        raise ValidationError(
            {
                "effective_on": _(
                    "An amendment cannot take effect before the plan or its latest version "
                    "(%(date)s)."
                )
                % {"date": earliest.isoformat()}
            }
        )


def _empty(value) -> bool:
    return value is None or value == ""


def _problems(plan: ActionPlan, change: AmendmentChange) -> list[str]:
    kind = change.kind
    if kind not in ChangeKind.values:
        return [_("Choose what the change does.")]
    missing = [name for name in REQUIRED[kind] if _empty(getattr(change, name))]
    if missing:
        labels = ", ".join(str(change._meta.get_field(n).verbose_name) for n in sorted(missing))
        return [_("Fill in: %(fields)s.") % {"fields": labels}]
    problems = []
    theme, commitment = change.theme, change.commitment
    if theme is not None and theme.plan_id != plan.pk:
        problems.append(_("This theme belongs to another plan."))
    elif theme is not None and theme.is_withdrawn:
        problems.append(_("This theme has been withdrawn."))
    if commitment is not None and commitment.theme.plan_id != plan.pk:
        problems.append(_("This commitment belongs to another plan."))
    elif commitment is not None and (commitment.is_withdrawn or commitment.theme.is_withdrawn):
        problems.append(_("This commitment has been withdrawn."))
    if problems:
        return problems
    if kind in (ChangeKind.ADD_AGENCY, ChangeKind.REMOVE_AGENCY):
        held = ThemeAgency.objects.filter(theme=theme, agency=change.agency).exists()
        if kind == ChangeKind.ADD_AGENCY:
            if not plan.partnership.includes_agency(change.agency):
                problems.append(_("This organisation is not part of the partnership."))
            elif held:
                problems.append(_("This agency is already responsible for the theme."))
            if change.role not in ResponsibilityRole.values:
                problems.append(_("Choose the role from the list."))
        elif not held:
            problems.append(_("This agency is not responsible for the theme."))
    if kind == ChangeKind.CHANGE_PERIOD:
        first, last = change.start_year, change.end_year
        if not (EARLIEST_YEAR <= first <= LATEST_YEAR and EARLIEST_YEAR <= last <= LATEST_YEAR):
            problems.append(
                _("Give a year between %(first)d and %(last)d.")
                % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
            )
        elif last < first:
            problems.append(_("The last year cannot be before the first year."))
    return problems


def build_changes(plan: ActionPlan, rows) -> list[AmendmentChange]:
    """Unsaved changes from ``rows`` (dicts of CHANGE_FIELDS), checked against the plan as it is
    now; ValidationError on ``changes`` lists each problem with its change's number."""
    rows = list(rows)
    if not rows:
        raise ValidationError({"changes": _("An amendment makes at least one change.")})
    if len(rows) > MAX_CHANGES:
        raise ValidationError(
            {"changes": _("An amendment makes at most %(count)d changes.") % {"count": MAX_CHANGES}}
        )
    changes, errors = [], []
    for number, row in enumerate(rows, start=1):
        unknown = set(row) - set(CHANGE_FIELDS)
        if unknown:
            raise TypeError(f"an amendment change has no {', '.join(sorted(unknown))}")
        kind = row.get("kind")
        uses = USES.get(kind, set())
        change = AmendmentChange(order=number, kind=kind or "")
        for name in CHANGE_FIELDS[1:]:
            value = row.get(name) if name in uses else None
            if name in {"role", "text_en", "text_zh_hans", "summary_en", "summary_zh_hans"}:
                value = (value or "").strip()
            setattr(change, name, value)
        try:
            writes.validate(change, exclude=["amendment", "theme", "commitment", "agency"])
            problems = _problems(plan, change)
        except ValidationError as error:
            problems = [m for messages in error.message_dict.values() for m in messages]
        errors.extend(
            _("Change %(number)d: %(problem)s") % {"number": number, "problem": p} for p in problems
        )
        changes.append(change)
    if errors:
        raise ValidationError({"changes": errors})
    return changes


def check_current(plan: ActionPlan, changes) -> None:
    """The stored changes still fit the plan as it is now (another amendment may have
    withdrawn a target since)."""
    errors = []
    for change in changes:
        errors.extend(
            _("Change %(number)d: %(problem)s") % {"number": change.order, "problem": p}
            for p in _problems(plan, change)
        )
    if errors:
        raise ValidationError({"changes": errors})


def signs_as_author(user, amendment) -> bool:
    """A coordinator of the side that drafted ``amendment``: edits, submits, withdraws it."""
    side = side_of(user, amendment.plan)
    return side is not None and side == amendment.side_id


def signs_as_other_side(user, amendment) -> bool:
    """A coordinator of the other side: approves or returns it."""
    side = side_of(user, amendment.plan)
    return side is not None and side != amendment.side_id
