"""The history pages of a plan (with its signatories), a theme (with its responsible agencies
and commitments), an activity (with its funding and evidence) and an agency: whoever may read
the object may read its history (core.history_views); anyone else gets 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.views.decorators.http import require_GET

from core.history_views import history_response
from core.templatetags.content import tr_text
from core.views import get_or_404
from partners import clock

from . import selectors


@login_required
@require_GET
def plan_history(request, plan_id: int):
    plan = get_or_404(lambda: selectors.visible_plans(request.user).get(pk=plan_id))
    return history_response(
        request,
        plan,
        zone=clock.zone_for(request.user),
        title=tr_text(plan, "title"),
        back_url=reverse("dashboard", args=[plan.pk]),
    )


@login_required
@require_GET
def theme_history(request, theme_id: int):
    theme = get_or_404(lambda: selectors.visible_themes(request.user).get(pk=theme_id))
    return history_response(
        request,
        theme,
        zone=clock.zone_for(request.user),
        title=f"{theme.order}. {tr_text(theme, 'name')}",
        back_url=reverse("theme-detail", args=[theme.pk]),
    )


@login_required
@require_GET
def activity_history(request, activity_id: int):
    activity = get_or_404(lambda: selectors.visible_activities(request.user).get(pk=activity_id))
    return history_response(
        request,
        activity,
        zone=clock.zone_for(request.user),
        title=tr_text(activity, "title"),
        back_url=reverse("activity-detail", args=[activity.pk]),
    )


@login_required
@require_GET
def agency_history(request, agency_id: int):
    agency = get_or_404(lambda: selectors.visible_agencies(request.user).get(pk=agency_id))
    return history_response(
        request,
        agency,
        zone=clock.zone_for(request.user),
        title=tr_text(agency, "name"),
        back_url=reverse("agency-list"),
    )
