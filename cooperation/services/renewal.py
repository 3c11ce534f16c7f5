"""Renewal (Article Four, "renew or revise"): the next plan drafted from this one, approved by
both sides, published, and the old plan's open activities moved into it.

- ``draft_from``: the copy itself, called by ``reviews.decisions.start_renewal`` (which checks
  the evaluation's conclusion, a reviews matter) inside its transaction: the new period, the
  same partnership and coordinating offices, the themes in order with their responsible
  agencies, and every commitment not met (``cooperation.progress``), each linked back to what
  it was drafted from (``carried_over_from``).
- ``approve_renewal``: one side's coordinator approves the draft as it is now (its
  ``fingerprint``). A change of the draft after an approval makes that approval lapse: each
  side approves what the other will publish. With both sides' current approvals the draft is
  in force: signed on the day of the second approval, its predecessor set, the old plan
  renewed. The draft's row is locked first, so two coordinators approving at once are
  counted one after the other, each once.
- ``move_activities``: open activities of the renewed plan move to the matching carried-over
  theme and commitment of the new plan, keeping their id, status updates, funding, evidence
  and history (the move itself is a change recorded in it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import writes
from partners import access, clock
from partners.access import Action

from ..models import (
    CLOSED_STATUSES,
    ActionPlan,
    Activity,
    Commitment,
    PlanStatus,
    RenewalApproval,
    Theme,
    ThemeAgency,
)
from ..progress import met_commitment_ids

COPIED_PLAN_FIELDS = ("title_en", "title_zh_hans", "authentic_languages")


# --- the draft ------------------------------------------------------------------------------


def renewed_title(title: str, old: ActionPlan, start: int, end: int) -> str:
    """The old plan's title with its period replaced ("… 2019–2023" → "… 2024–2028")."""
    for dash in ("–", "-", "—"):
        old_period = f"{old.period_start_year}{dash}{old.period_end_year}"
        if old_period in title:
            return title.replace(old_period, f"{start}{dash}{end}")
    return title


def _free_code(old: ActionPlan, start: int, end: int) -> str:
    base = f"{old.partnership.code}-{start}-{end}"[:70]
    code, n = base, 1
    while ActionPlan.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def draft_from(old: ActionPlan, *, period_start_year: int, period_end_year: int) -> ActionPlan:
    """The renewal draft of ``old`` (already locked and checked by the caller)."""
    new = ActionPlan(
        partnership=old.partnership,
        code=_free_code(old, period_start_year, period_end_year),
        period_start_year=period_start_year,
        period_end_year=period_end_year,
        status=PlanStatus.DRAFT,
        renewal_of=old,
    )
    for name in COPIED_PLAN_FIELDS:
        setattr(new, name, getattr(old, name))
    new.title_en = renewed_title(old.title_en or "", old, period_start_year, period_end_year)
    new.title_zh_hans = renewed_title(
        old.title_zh_hans or "", old, period_start_year, period_end_year
    )
    writes.save_new(new)
    new.coordinators.set(old.coordinators.all())

    met = met_commitment_ids(old)
    # What an amendment withdrew is over: it is not part of the next plan.
    themes = (
        Theme.objects.filter(plan=old, withdrawn_by__isnull=True)
        .order_by("order")
        .prefetch_related("responsibilities", "commitments__agencies")
    )
    for theme in themes:
        copy = Theme.objects.create(
            plan=new,
            code=theme.code,
            order=theme.order,
            name_en=theme.name_en,
            name_zh_hans=theme.name_zh_hans,
            summary_en=theme.summary_en,
            summary_zh_hans=theme.summary_zh_hans,
            carried_over_from=theme,
        )
        for responsibility in theme.responsibilities.all():
            ThemeAgency.objects.create(
                theme=copy, agency_id=responsibility.agency_id, role=responsibility.role
            )
        for commitment in theme.commitments.all():
            if commitment.pk in met or commitment.withdrawn_by_id is not None:
                continue
            carried = Commitment.objects.create(
                theme=copy,
                code=commitment.code,
                order=commitment.order,
                text_en=commitment.text_en,
                text_zh_hans=commitment.text_zh_hans,
                derived_from_en=commitment.derived_from_en,
                derived_from_zh_hans=commitment.derived_from_zh_hans,
                target_count=commitment.target_count,
                frequency=commitment.frequency,
                carried_over_from=commitment,
            )
            carried.agencies.set(commitment.agencies.all())
    return new


def fingerprint(plan: ActionPlan) -> str:
    """What an approval approves: the draft's facts, themes, responsibilities, commitments."""
    content = {
        "plan": list(
            ActionPlan.objects.filter(pk=plan.pk).values_list(
                "title_en",
                "title_zh_hans",
                "period_start_year",
                "period_end_year",
                "authentic_languages",
                "signed_place_en",
                "signed_place_zh_hans",
                *(f"{n}_{lang}" for n in ActionPlan.TERM_FIELDS for lang in ("en", "zh_hans")),
            )
        ),  # fmt: skip
        "coordinators": sorted(plan.coordinators.values_list("pk", flat=True)),
        "themes": list(
            Theme.objects.filter(plan=plan)
            .order_by("pk")
            .values_list(
                "pk", "code", "order", "name_en", "name_zh_hans", "summary_en", "summary_zh_hans"
            )
        ),  # fmt: skip
        "responsibilities": list(
            ThemeAgency.objects.filter(theme__plan=plan)
            .order_by("pk")
            .values_list("theme_id", "agency_id", "role")
        ),
        "commitments": list(
            Commitment.objects.filter(theme__plan=plan)
            .order_by("pk")
            .values_list(
                "pk",
                "theme_id",
                "code",
                "order",
                "text_en",
                "text_zh_hans",
                "derived_from_en",
                "derived_from_zh_hans",
                "target_count",
                "frequency",
            )
        ),  # fmt: skip
        "commitment_agencies": list(
            Commitment.agencies.through.objects.filter(commitment__theme__plan=plan)
            .order_by("commitment_id", "agency_id")
            .values_list("commitment_id", "agency_id")
        ),
    }
    text = json.dumps(content, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def carried_over_labels(plan: ActionPlan) -> dict[int, str]:
    """{commitment id: "carried over from 2019–2023, 2.4"} for the plan's carried-over
    commitments: one query."""
    carried = Commitment.objects.filter(
        theme__plan=plan, carried_over_from__isnull=False
    ).select_related("carried_over_from__theme__plan")
    labels = {}
    for commitment in carried:
        origin = commitment.carried_over_from
        labels[commitment.pk] = _("carried over from %(period)s, %(number)s") % {
            "period": origin.theme.plan.period,
            "number": f"{origin.theme.order}.{origin.order}",
        }
    return labels


# --- approval and publishing ----------------------------------------------------------------


def approval_state(plan: ActionPlan) -> list[dict]:
    """Each side of the partnership with its approval of the draft: None, current or lapsed."""
    current = fingerprint(plan) if plan.is_renewal_draft else None
    by_city = {a.city_id: a for a in plan.approvals.select_related("approved_by")}
    state = []
    for city in plan.partnership.cities:
        approval = by_city.get(city.pk)
        state.append(
            {
                "city": city,
                "approval": approval,
                "current": approval is not None
                and (current is None or approval.fingerprint == current),
            }
        )
    return state


def _refuse(message: str):
    raise ValidationError({NON_FIELD_ERRORS: message})


@transaction.atomic
def approve_renewal(*, user, plan: ActionPlan) -> ActionPlan:
    """One side's coordinator approves the renewal draft; the second side's approval of the
    same content publishes it. Returns the plan as it is now."""
    draft = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partnership__first_city", "partnership__second_city")
        .get(pk=plan.pk)
    )
    access.require(user, Action.MANAGE, draft)
    profile = access.profile_of(user)
    if profile is None or profile.city_id not in draft.access_cities():
        _refuse(_("A renewal is approved by a coordinator of each side of the partnership."))
    if not draft.is_renewal_draft:
        _refuse(_("Only a renewal draft waiting for approval can be approved."))
    content = fingerprint(draft)
    # An approval of content changed since no longer counts.
    draft.approvals.exclude(fingerprint=content).delete()
    if draft.approvals.filter(city_id=profile.city_id).exists():
        _refuse(_("Your side has already approved this draft."))
    RenewalApproval.objects.create(
        plan=draft, city_id=profile.city_id, approved_by=user, fingerprint=content
    )
    if draft.approvals.count() < 2:
        return draft
    return _publish(draft, signed_on=clock.today_for(user))


@transaction.atomic
def adopt_as_renewal(*, user, plan: ActionPlan) -> ActionPlan:
    """A DRAFT plan whose predecessor is a signed plan of the same partnership, not yet concluded,
    renewed or being renewed, becomes that plan's renewal draft: both sides then approve it as
    any renewal (a plan drafted from its signed text). Any other plan is left as it is."""
    draft = ActionPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
    access.require(user, Action.MANAGE, draft)
    if draft.status != PlanStatus.DRAFT or draft.predecessor_id is None or draft.renewal_of_id:
        return draft
    old = ActionPlan.objects.select_for_update(of=("self",)).get(pk=draft.predecessor_id)
    running = old.status not in (PlanStatus.DRAFT, PlanStatus.CONCLUDED, PlanStatus.RENEWED)
    if (
        not running
        or old.partnership_id != draft.partnership_id
        or ActionPlan.objects.filter(renewal_of=old).exists()
    ):
        return draft
    access.require(user, Action.MANAGE, old)
    draft.renewal_of = old
    # As for any renewal, the predecessor is set when both sides have approved it.
    draft.predecessor = None
    draft.save(update_fields=["renewal_of", "predecessor"])
    return draft


def _publish(draft: ActionPlan, *, signed_on) -> ActionPlan:
    old = ActionPlan.objects.select_for_update(of=("self",)).get(pk=draft.renewal_of_id)
    draft.status = PlanStatus.IN_FORCE
    draft.signed_on = signed_on
    draft.predecessor = old
    draft.save(update_fields=["status", "signed_on", "predecessor"])
    old.status = PlanStatus.RENEWED
    old.save(update_fields=["status"])
    return draft


# --- moving open activities -----------------------------------------------------------------


def open_activities(plan: ActionPlan):
    return (
        Activity.objects.filter(theme__plan=plan)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("theme", "commitment")
        .order_by("theme__order", "id")
    )


@transaction.atomic
def move_activities(
    *, user, plan: ActionPlan, activity_ids: Iterable[int] | None = None
) -> list[Activity]:
    """Move open activities of a renewed plan (all, or those of ``activity_ids``) into the
    plan that renewed it. Each goes to the theme drafted from its theme and to the commitment
    carried over from its commitment (none when that was met and not carried over)."""
    old = (
        ActionPlan.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=plan.pk)
    )
    access.require(user, Action.MANAGE, old)
    new = ActionPlan.objects.filter(renewal_of=old, status=PlanStatus.IN_FORCE).first()
    if old.status != PlanStatus.RENEWED or new is None:
        _refuse(_("Activities move only into the plan that renewed this one, once it is in force."))
    candidates = open_activities(old).select_for_update(of=("self",))
    if activity_ids is not None:
        wanted = set(activity_ids)
        candidates = candidates.filter(pk__in=wanted)
        if len(candidates) != len(wanted):
            raise ValidationError({"activities": _("Choose open activities of this plan.")})
    themes = dict(
        Theme.objects.filter(plan=new, carried_over_from__isnull=False).values_list(
            "carried_over_from_id", "pk"
        )
    )
    commitments = dict(
        Commitment.objects.filter(theme__plan=new, carried_over_from__isnull=False).values_list(
            "carried_over_from_id", "pk"
        )
    )
    activities = list(candidates)
    homeless = [a for a in activities if a.theme_id not in themes]
    if homeless:
        raise ValidationError(
            {
                "activities": _(
                    "The new plan has no theme drafted from the theme of: %(titles)s. Add the "
                    "theme to the new plan, or leave these activities where they are."
                )
                % {"titles": ", ".join(str(a) for a in homeless[:10])}
            }
        )
    for activity in activities:
        activity.theme_id = themes[activity.theme_id]
        activity.commitment_id = commitments.get(activity.commitment_id)
        activity.version += 1
        activity.updated_by = access.person(user)
        # Not updated_at: a move is no news about the work (the digest still sees it stale).
        activity.save(update_fields=["theme", "commitment", "version", "updated_by"])
    return activities
