"""The site's own pages: home, a plan's dashboard, and the error pages."""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.views.decorators.csrf import requires_csrf_token

from cooperation import money, selectors
from cooperation.models import ActivityStatus
from core.views import get_or_404
from partners import access, clock
from partners.access import Action
from reviews import lifecycle

from . import selectors as portal_selectors

log = logging.getLogger(__name__)

STALE_SHOWN = 10
AGENCY_SHOWN = 20


@login_required
def home(request):
    """Straight to the dashboard of the user's current plan; a list when there is a choice."""
    plans = list(selectors.visible_plans(request.user))
    if len({plan.partnership_id for plan in plans}) == 1:
        return redirect("dashboard", plan_id=selectors.current_plan(plans).pk)
    stages = lifecycle.stages_of(plans, clock.today_for(request.user), user=request.user)
    for plan in plans:
        plan.stage = stages[plan.pk]
    return render(request, "portal/home.html", {"plans": plans})


def _status_bar(counts: dict[str, int]) -> dict:
    """Segments of an inline SVG bar (a 100-unit wide viewBox), one per status present."""
    total = sum(counts.values())
    segments, x = [], 0.0
    for status, label in ActivityStatus.choices:
        n = counts.get(status, 0)
        if not n:
            continue
        width = 100 * n / total
        # Formatted here: a template would localise the decimal point (e.g. "12,5" in Finnish).
        segments.append(
            {
                "status": status,
                "label": label,
                "count": n,
                "x": f"{x:.3f}",
                "width": f"{width:.3f}",
            }
        )
        x += width
    return {"total": total, "segments": segments}


@login_required
def dashboard(request, plan_id: int):
    user = request.user
    plan = get_or_404(selectors.plan_for_dashboard, user, plan_id)
    today = clock.today_for(user)

    profile = access.profile_of(user)
    agency_id = profile.agency_id if profile is not None else None
    now = timezone.now()
    counts = selectors.plan_activity_counts(
        plan, stale_before=selectors.stale_cutoff(now), agency_id=agency_id
    )
    themes = [
        {"theme": theme, "bar": _status_bar(counts.by_theme.get(theme.pk, {}))}
        for theme in selectors.themes_of_plan(plan, with_parts=False)
    ]
    totals: dict[str, int] = {}
    for by_status in counts.by_theme.values():
        for status, n in by_status.items():
            totals[status] = totals.get(status, 0) + n
    legend = [
        {"status": status, "label": label, "count": totals.get(status, 0)}
        for status, label in ActivityStatus.choices
    ]

    reviews = list(portal_selectors.open_reviews(plan))
    for review in reviews:
        review.is_overdue = review.due_date < today

    stale = list(selectors.stale_activities(plan, now=now)[:STALE_SHOWN])
    mine = []
    if agency_id:
        mine = list(selectors.activities_of_agency(plan, agency_id)[:AGENCY_SHOWN])
    selectors.attach_leads(stale + mine)
    context = {
        "plan": plan,
        "stage": lifecycle.stage_of(plan, today, user=user),
        "partnership": plan.partnership,
        "signatories": list(plan.signatories.all()),
        "themes": themes,
        "legend": legend,
        "total_activities": sum(totals.values()),
        "events": list(portal_selectors.upcoming_events(plan, today)),
        "reviews": reviews,
        "stale": stale,
        "stale_count": counts.stale,
        "stale_days": selectors.STALE_AFTER_DAYS,
        "today": today,
        "can_create": access.can(user, Action.CREATE_ACTIVITY, plan),
        "plan_money": money.plan_totals(plan),
    }
    if agency_id:
        context["agency"] = profile.agency
        context["agency_activities"] = mine
        context["agency_count"] = counts.of_agency
    return render(request, "portal/dashboard.html", context)


# --- error pages (handler400/403/404/500 in config/urls.py) ---------------------------------


def _error_page(request, template_name: str, status: int) -> HttpResponse:
    try:
        return render(request, template_name, status=status)
    except Exception:  # the page about an error must not fail itself
        log.exception("error page %s could not be rendered", template_name)
        return HttpResponse(loader.get_template("portal/500.html").render(), status=status)


@requires_csrf_token
def bad_request(request, exception=None):
    return _error_page(request, "portal/400.html", 400)


@requires_csrf_token
def permission_denied(request, exception=None):
    return _error_page(request, "portal/403.html", 403)


@requires_csrf_token
def page_not_found(request, exception=None):
    return _error_page(request, "portal/404.html", 404)


def server_error(request=None):
    """Rendered without a request context: whatever broke must not break this page too."""
    return HttpResponseServerError(loader.get_template("portal/500.html").render())
