"""The plan's life on pages: starting the renewal, the renewal draft with both sides'
approvals, moving open activities into the new plan, and concluding a plan.

Views read through ``cooperation.selectors`` and ``reviews.lifecycle``, ask
``partners.access``, and write only through ``reviews.decisions`` and
``cooperation.services.renewal``. A plan not the user's to see answers 404 (a renewal draft is
its coordinators' only); one they see but may not decide about, 403; a refused form comes back
with its errors and status 400.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from cooperation import selectors as plan_selectors
from cooperation.models import ActionPlan, PlanStatus
from cooperation.services import renewal
from core.forms import add_service_errors
from core.views import get_or_404
from partners import access, clock
from partners.access import Action

from . import decisions, lifecycle
from .forms import MoveActivitiesForm, RenewalStartForm


def _plan(request, plan_id: int, *, manage: bool = True) -> ActionPlan:
    plan = get_or_404(plan_selectors.plan_for_dashboard, request.user, plan_id)
    if manage:
        access.require(request.user, Action.MANAGE, plan)
    return plan


@login_required
@require_http_methods(["GET", "POST"])
def plan_renew(request, plan_id: int):
    """The new period, and the start of the renewal."""
    plan = _plan(request, plan_id)
    stage = lifecycle.stage_of(plan, clock.today_for(request.user), user=request.user)
    initial = {"period_start_year": plan.period_end_year + 1}
    initial["period_end_year"] = initial["period_start_year"] + plan.period_end_year
    initial["period_end_year"] -= plan.period_start_year
    form = RenewalStartForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                draft = decisions.start_renewal(user=request.user, plan=plan, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The renewal draft was started."))
                return redirect("renewal-draft", plan_id=draft.pk)
        status = 400
    context = {"plan": plan, "stage": stage, "form": form}
    return render(request, "reviews/renewal_start.html", context, status=status)


@login_required
@require_POST
def plan_conclude(request, plan_id: int):
    plan = _plan(request, plan_id)
    try:
        decisions.conclude_plan(user=request.user, plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("dashboard", plan_id=plan.pk)
    messages.success(request, _("The plan is concluded."))
    return redirect("dashboard", plan_id=plan.pk)


def _draft_page(request, draft: ActionPlan, *, status: int = 200):
    themes = list(plan_selectors.themes_of_plan(draft).select_related("carried_over_from"))
    carried = renewal.carried_over_labels(draft)
    for theme in themes:
        for commitment in theme.commitments.all():
            commitment.carried_label = carried.get(commitment.pk, "")
    state = renewal.approval_state(draft)
    profile = access.profile_of(request.user)
    own_side = next((s for s in state if profile and s["city"].pk == profile.city_id), None)
    context = {
        "plan": draft,
        "stage": lifecycle.stage_of(draft, clock.today_for(request.user)),
        "predecessor": draft.renewal_of,
        "themes": themes,
        "approvals": state,
        "may_approve": draft.is_renewal_draft
        and access.can(request.user, Action.MANAGE, draft)
        and own_side is not None
        and not own_side["current"],
    }
    return render(request, "reviews/renewal_draft.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def renewal_draft(request, plan_id: int):
    """A renewal (draft or published): what was carried over, and each side's approval."""
    draft = _plan(request, plan_id, manage=False)
    if draft.renewal_of_id is None:
        raise Http404
    return _draft_page(request, draft)


@login_required
@require_POST
def renewal_approve(request, plan_id: int):
    draft = _plan(request, plan_id)
    if draft.renewal_of_id is None:
        raise Http404  # not a renewal: nothing to approve here
    try:
        plan = renewal.approve_renewal(user=request.user, plan=draft)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _draft_page(request, draft, status=400)
    if plan.status == PlanStatus.IN_FORCE:
        messages.success(request, _("Both sides have approved: the new plan is in force."))
        return redirect("dashboard", plan_id=plan.pk)
    messages.success(request, _("Your side’s approval was recorded."))
    return redirect("renewal-draft", plan_id=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_move_activities(request, plan_id: int):
    """The renewed plan's open activities, to move into the plan that renewed it."""
    plan = _plan(request, plan_id)
    activities = list(renewal.open_activities(plan))
    form = MoveActivitiesForm(request.POST or None, activities=activities)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                moved = renewal.move_activities(
                    user=request.user, plan=plan, activity_ids=form.cleaned_data["activities"]
                )
            except ValidationError as exc:
                add_service_errors(form, exc, default_field="activities")
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d activity was moved.",
                        "%(count)d activities were moved.",
                        len(moved),
                    )
                    % {"count": len(moved)},
                )
                return redirect("dashboard", plan_id=plan.renewal.pk)
        status = 400
    context = {"plan": plan, "form": form, "activities": activities}
    return render(request, "reviews/move_activities.html", context, status=status)
