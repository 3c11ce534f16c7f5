"""Amendments of a plan: drafted by one side's coordinators, approved by the other side's.

- A coordinator of either city drafts an amendment of a signed plan nobody has concluded or
  renewed yet; the coordinators of that side (never the other's) edit, submit and withdraw it.
- A coordinator of the *other* side approves it or returns it with a comment; a returned
  amendment is edited and submitted again. Administrators sign for no side: they do neither.
- Approval locks the plan and the amendment, numbers the amendment, applies its changes through
  the themes, commitments and plans services, and freezes the plan as its next version. Two
  approvals at once: the second finds the amendment decided (or its version stale) and stops.
- An amendment dated in the future is applied when approved; its version says the date it
  takes effect, and reports as of a date use the version in force on that date.
- Every write names the amendment's ``version`` it was made from; a stale one is refused.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import writes
from partners import access
from partners.access import Action

from .. import lifecycle
from ..amendments import notify, rules, snapshot
from ..amendments.models import (
    EDITABLE_STATUSES,
    Amendment,
    AmendmentStatus,
    ChangeKind,
    PlanVersion,
)
from ..models import ActionPlan, Commitment, Theme, ThemeAgency
from . import commitments, plans, themes

FIELDS = ("title_en", "title_zh_hans", "reason_en", "reason_zh_hans", "effective_on")


def _require_side(user, plan: ActionPlan) -> int:
    access.require(user, Action.VIEW, plan)
    side = rules.side_of(user, plan)
    if side is None:
        raise PermissionDenied
    return side


def _locked(amendment: Amendment) -> Amendment:
    return (
        Amendment.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=amendment.pk)
    )


def _check_version(current: Amendment, expected_version: int | None) -> None:
    """Refuse a write made from a copy someone else has changed since."""
    if expected_version is not None and current.version != expected_version:
        raise ValidationError(
            {
                "version": _(
                    "Someone changed this amendment while you were looking at it. "
                    "Reload it and try again."
                )
            }
        )


def _require_author_side(user, current: Amendment, expected_version: int | None) -> None:
    access.require(user, Action.VIEW, current.plan)
    if not rules.signs_as_author(user, current):
        raise PermissionDenied
    _check_version(current, expected_version)


def _check_required(amendment: Amendment) -> None:
    errors = {
        name: _("Give it in English and in Chinese.")
        for name in FIELDS[:4]
        if not (getattr(amendment, name) or "").strip()
    }
    if errors:
        raise ValidationError(errors)


def _save_changes(amendment: Amendment, changes) -> None:
    amendment.changes.all().delete()
    for change in changes:
        change.amendment = amendment
        change.save(force_insert=True)


@transaction.atomic
def draft_amendment(*, user, plan: ActionPlan, changes, **values) -> Amendment:
    """A new draft of ``plan`` with its ``changes`` (dicts of rules.CHANGE_FIELDS)."""
    side = _require_side(user, plan)
    plan = ActionPlan.objects.select_related("partnership").get(pk=plan.pk)
    rules.check_plan_open(plan)
    amendment = Amendment(plan=plan, side_id=side, drafted_by=access.person(user))
    writes.set_changes(amendment, values, allowed=FIELDS)
    _check_required(amendment)
    rules.check_effective_date(plan, amendment.effective_on)
    built = rules.build_changes(plan, changes)
    writes.save_new(amendment)
    _save_changes(amendment, built)
    return amendment


@transaction.atomic
def update_amendment(
    *, user, amendment: Amendment, expected_version: int, changes=None, **values
) -> Amendment:
    """Change a draft or returned amendment (its author's side); ``changes`` replace its
    changes when given."""
    current = _locked(amendment)
    _require_author_side(user, current, expected_version)
    if not current.is_editable:
        raise ValidationError({"status": _("Only a draft or returned amendment can be edited.")})
    changed = writes.set_changes(current, values, allowed=FIELDS)
    _check_required(current)
    rules.check_effective_date(current.plan, current.effective_on)
    built = rules.build_changes(current.plan, changes) if changes is not None else None
    current.version += 1
    writes.save_changed(current, [*changed, "version"])
    if built is not None:
        _save_changes(current, built)
    return current


@transaction.atomic
def submit_amendment(*, user, amendment: Amendment, expected_version: int) -> Amendment:
    """Send a draft or returned amendment to the other side for approval."""
    current = _locked(amendment)
    _require_author_side(user, current, expected_version)
    if not current.is_editable:
        raise ValidationError({"status": _("Only a draft or returned amendment can be submitted.")})
    rules.check_plan_open(current.plan)
    rules.check_effective_date(current.plan, current.effective_on)
    rules.check_current(current.plan, current.changes.select_related("theme", "commitment"))
    current.status = AmendmentStatus.SUBMITTED
    current.submitted_at = timezone.now()
    current.version += 1
    writes.save_changed(current, ["status", "submitted_at", "version"])
    transaction.on_commit(lambda: notify.submitted(current.pk))
    return current


@transaction.atomic
def withdraw_amendment(*, user, amendment: Amendment, expected_version: int) -> Amendment:
    """The author's side takes back an amendment not yet approved; it stays on record."""
    current = _locked(amendment)
    _require_author_side(user, current, expected_version)
    if current.status not in (*EDITABLE_STATUSES, AmendmentStatus.SUBMITTED):
        raise ValidationError({"status": _("An approved amendment cannot be withdrawn.")})
    current.status = AmendmentStatus.WITHDRAWN
    current.version += 1
    writes.save_changed(current, ["status", "version"])
    return current


def _require_other_side(user, current: Amendment, expected_version: int | None) -> None:
    access.require(user, Action.VIEW, current.plan)
    if not rules.signs_as_other_side(user, current):
        raise PermissionDenied
    _check_version(current, expected_version)
    if current.status != AmendmentStatus.SUBMITTED:
        raise ValidationError(
            {"status": _("Only a submitted amendment can be approved or returned.")}
        )


@transaction.atomic
def return_amendment(
    *, user, amendment: Amendment, expected_version: int, comment: str
) -> Amendment:
    """The other side sends the amendment back to its author's side, saying why."""
    current = _locked(amendment)
    _require_other_side(user, current, expected_version)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"return_comment": _("Say why the amendment is returned.")})
    current.status = AmendmentStatus.RETURNED
    current.return_comment = comment
    current.decided_by = access.person(user)
    current.decided_at = timezone.now()
    current.version += 1
    writes.save_changed(
        current, ["status", "return_comment", "decided_by", "decided_at", "version"]
    )
    transaction.on_commit(lambda: notify.decided(current.pk))
    return current


# --- approval --------------------------------------------------------------------------------


def _free_code(taken: set[str], text: str, fallback: str) -> str:
    base = slugify(text)[:60] or fallback
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


def _next_order(queryset) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


def _apply(user, amendment: Amendment, change) -> None:
    plan, kind, on = amendment.plan, change.kind, amendment.effective_on
    texts = {"en": change.text_en, "zh_hans": change.text_zh_hans}
    if kind == ChangeKind.ADD_THEME:
        existing = Theme.objects.filter(plan=plan)
        themes.create_theme(
            user=user,
            plan=plan,
            code=_free_code(set(existing.values_list("code", flat=True)), texts["en"], "theme"),
            order=_next_order(existing),
            name_en=texts["en"],
            name_zh_hans=texts["zh_hans"],
            summary_en=change.summary_en,
            summary_zh_hans=change.summary_zh_hans,
        )
    elif kind == ChangeKind.CHANGE_THEME:
        values = {"name_en": texts["en"], "name_zh_hans": texts["zh_hans"]}
        if change.summary_en or change.summary_zh_hans:
            values.update(summary_en=change.summary_en, summary_zh_hans=change.summary_zh_hans)
        themes.update_theme(user=user, theme=change.theme, **values)
    elif kind == ChangeKind.WITHDRAW_THEME:
        themes.withdraw_theme(user=user, theme=change.theme, amendment=amendment, on=on)
    elif kind == ChangeKind.ADD_COMMITMENT:
        existing = Commitment.objects.filter(theme=change.theme)
        commitments.create_commitment(
            user=user,
            theme=change.theme,
            code=_free_code(
                set(existing.values_list("code", flat=True)), texts["en"], "commitment"
            ),
            order=_next_order(existing),
            text_en=texts["en"],
            text_zh_hans=texts["zh_hans"],
        )
    elif kind == ChangeKind.CHANGE_COMMITMENT:
        commitments.update_commitment(
            user=user,
            commitment=change.commitment,
            text_en=texts["en"],
            text_zh_hans=texts["zh_hans"],
        )
    elif kind == ChangeKind.WITHDRAW_COMMITMENT:
        commitments.withdraw_commitment(
            user=user, commitment=change.commitment, amendment=amendment, on=on
        )
    elif kind == ChangeKind.ADD_AGENCY:
        themes.add_responsibility(
            user=user, theme=change.theme, agency=change.agency, role=change.role
        )
    elif kind == ChangeKind.REMOVE_AGENCY:
        held = ThemeAgency.objects.select_related("theme__plan").get(
            theme=change.theme, agency=change.agency
        )
        themes.remove_responsibility(user=user, responsibility=held)
    elif kind == ChangeKind.CHANGE_PERIOD:
        plans.update_plan(
            user=user,
            plan=plan,
            period_start_year=change.start_year,
            period_end_year=change.end_year,
        )


@transaction.atomic
def approve_amendment(*, user, amendment: Amendment, expected_version: int) -> PlanVersion:
    """The other side signs: the changes are applied and the plan's next version frozen."""
    # The plan first, then the amendment: two approvals of one plan's amendments take turns,
    # so their numbers and versions follow each other.
    plan = ActionPlan.objects.select_for_update(of=("self",)).get(pk=amendment.plan_id)
    current = _locked(amendment)
    _require_other_side(user, current, expected_version)
    rules.check_plan_open(current.plan)
    rules.check_effective_date(current.plan, current.effective_on)
    changes = list(current.changes.select_related("theme", "commitment__theme", "agency"))
    rules.check_current(current.plan, changes)
    _signed_version(plan)
    current.number = (Amendment.objects.filter(plan=plan).aggregate(m=Max("number"))["m"] or 0) + 1
    current.status = AmendmentStatus.APPROVED
    current.decided_by = access.person(user)
    current.decided_at = timezone.now()
    current.version += 1
    writes.save_changed(current, ["number", "status", "decided_by", "decided_at", "version"])
    for change in changes:
        _apply(user, current, change)
    plan.refresh_from_db()
    version = PlanVersion(
        plan=plan,
        number=PlanVersion.objects.filter(plan=plan).count() + 1,
        effective_on=current.effective_on,
        amendment=current,
        snapshot=snapshot.freeze(plan),
    )
    writes.save_new(version)
    transaction.on_commit(lambda: notify.decided(current.pk))
    return version


# --- versions --------------------------------------------------------------------------------


def _signed_version(plan: ActionPlan) -> PlanVersion:
    existing = PlanVersion.objects.filter(plan=plan, number=1).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return PlanVersion.objects.create(
                plan=plan,
                number=1,
                effective_on=lifecycle.first_day(plan),
                snapshot=snapshot.freeze(plan),
            )
    except IntegrityError:
        # Someone else froze it at the same moment: theirs is the same plan.
        return PlanVersion.objects.get(plan=plan, number=1)


def ensure_signed_version(*, user, plan: ActionPlan) -> PlanVersion:
    """Version 1, the plan as signed: frozen the first time anyone asks for the plan's
    versions (or an amendment is approved), then never again. Before any amendment the plan
    is as it was signed."""
    access.require(user, Action.VIEW, plan)
    if plan.status == "draft":
        raise ValidationError({"plan": _("A draft plan has no versions yet.")})
    return _signed_version(plan)
