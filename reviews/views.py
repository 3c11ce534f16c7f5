"""Review pages: the list, one review as the coordinators work it, and a new ad-hoc review.

Everyone of the partnership reads a review; coordinators (``Action.MANAGE``) work it on the
same page, whose forms post to their own URLs. Views read through ``reviews.selectors``, ask
``partners.access`` and write only through ``reviews.services``. A review that is not the
user's to see answers 404; one they see but may not work, 403. A refused form comes back on
the review page with the user's input and status 400; a stale one (someone changed the review
meanwhile) with a conflict notice and status 409.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cooperation import selectors as plan_selectors
from cooperation.models import Theme
from core.forms import add_service_errors
from core.history_views import history_response
from core.ids import parse_id
from core.templatetags.content import tr_text
from core.views import get_or_404
from partners import access, clock
from partners.access import Action

from . import selectors, services
from .forms import AssessmentForm, CompletionForm, ReviewCreateForm, ScheduleForm, VersionForm
from .models import Review, ReviewStatus

# --- list -----------------------------------------------------------------------------------


@login_required
@require_GET
def review_list(request):
    user = request.user
    reviews = selectors.review_list(user)
    plan = plan_selectors.current_plan(plan_selectors.visible_plans(user))
    return render(
        request,
        "reviews/review_list.html",
        {
            "reviews": reviews,
            "new_review_plan": plan
            if plan is not None and access.can(user, Action.MANAGE, plan)
            else None,
        },
    )


# --- the review page ------------------------------------------------------------------------


def _assessment_prefix(theme_id: int) -> str:
    return f"theme-{theme_id}"


def _render_review(request, review: Review, *, bound=None, conflict=None, status=200):
    """The review page. ``bound`` holds the form that was just refused (by name, or
    ``("assessment", theme id)``) so that it shows the user's input and errors."""
    user = request.user
    bound = bound or {}
    rows = selectors.theme_rows(review)
    can_manage = access.can(user, Action.MANAGE, review)
    status_now = review.status
    forms = {}
    if can_manage:
        if status_now == ReviewStatus.COMPLETED:
            forms["reopen"] = VersionForm(review=review)
        else:
            forms["schedule"] = ScheduleForm(review=review)
        if status_now == ReviewStatus.SCHEDULED:
            forms["start"] = VersionForm(review=review)
        elif status_now == ReviewStatus.IN_PREPARATION:
            forms["complete"] = CompletionForm(review=review)
    # A refused form comes back with its input and errors, whatever the review's state now.
    forms.update({name: form for name, form in bound.items() if isinstance(name, str)})
    may_assess = can_manage and status_now != ReviewStatus.COMPLETED
    for row in rows:
        row.form = bound.get(("assessment", row.theme.pk))
        if row.form is None and may_assess:
            row.form = AssessmentForm(
                prefix=_assessment_prefix(row.theme.pk), review=review, assessment=row.assessment
            )
    for row in rows:
        row.conflict = conflict if conflict and conflict.get("theme_id") == row.theme.pk else None
    days_left = (review.due_date - clock.today_for(request.user)).days
    return render(
        request,
        "reviews/review_detail.html",
        {
            "review": review,
            "plan": review.plan,
            "theme_rows": rows,
            "unassessed": [row.theme for row in rows if row.assessment is None],
            "can_manage": can_manage,
            "forms": forms,
            "conflict": conflict,
            "days_left": days_left,
        },
        status=status,
    )


@login_required
@require_GET
def review_detail(request, pk: int):
    review = get_or_404(selectors.review_for_page, request.user, pk)
    return _render_review(request, review)


@login_required
@require_GET
def review_history(request, pk: int):
    """The review's history with its theme assessments (core.history_views)."""
    review = get_or_404(lambda: selectors.reviews_visible_to(request.user).get(pk=pk))
    return history_response(
        request,
        review,
        zone=clock.zone_for(request.user),
        title=tr_text(review, "title"),
        back_url=reverse("review-detail", args=[review.pk]),
    )


def _review_to_work(request, pk: int) -> Review:
    """A review the user sees (else 404) and may work (else 403)."""
    review = get_or_404(selectors.review_for_change, request.user, pk)
    access.require(request.user, Action.MANAGE, review)
    return review


def _refused(request, pk: int, *, bound, conflict=None):
    """Back to the review as it is now, with the refused form and its errors."""
    review = get_or_404(selectors.review_for_page, request.user, pk)
    return _render_review(
        request, review, bound=bound, conflict=conflict, status=409 if conflict else 400
    )


def _review_conflict(request, pk: int, form, name: str, exc: services.ReviewConflict):
    """Nothing was written. Keep what the user typed. A form that carried its start values
    was merged: it comes back rebased, asking only the fields both changed (``rows``);
    another, submitted again, acts on the review as it is now."""
    bound = {}
    conflict = {"review": exc.current, "kept_input": form is not None, "form": name}
    conflict["form_id"] = f"{name}-form"
    if form is not None:
        if exc.clash is not None:
            conflict["rows"] = form.clash_rows(exc.clash, exc.current)
            form.rebase(exc.clash, exc.current, version=str(exc.current.version))
        else:
            data = form.data.copy()
            data["version"] = str(exc.current.version)
            form.data = data
        bound[name] = form
    return _refused(request, pk, bound=bound, conflict=conflict)


def _back_to(review: Review, anchor: str = ""):
    url = reverse("review-detail", args=[review.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def review_start(request, pk: int):
    review = _review_to_work(request, pk)
    form = VersionForm(request.POST, review=review)
    if form.is_valid():
        try:
            services.start_preparation(
                user=request.user, review=review, expected_version=form.cleaned_data["version"]
            )
        except services.ReviewConflict as exc:
            return _review_conflict(request, pk, None, "start", exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review is now in preparation."))
            return _back_to(review)
    return _refused(request, pk, bound={"start": form})


@login_required
@require_POST
def review_assessment(request, pk: int, theme_id: int):
    review = _review_to_work(request, pk)
    theme = Theme.objects.filter(plan_id=review.plan_id, pk=theme_id).first()
    if theme is None:
        raise Http404
    form = AssessmentForm(
        request.POST, prefix=_assessment_prefix(theme.pk), review=review, assessment=None
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_assessment(
                user=request.user,
                review=review,
                theme=theme,
                rating=data["rating"],
                narrative_en=data["narrative_en"],
                narrative_zh_hans=data["narrative_zh_hans"],
                expected_updated_at=data["saved_at"],
                base=data["base"],
                choices=form.choices(),
            )
        except services.AssessmentConflict as exc:
            conflict = {"theme_id": theme.pk, "kept_input": True}
            conflict["form_id"] = f"assessment-form-{theme.pk}"
            if exc.clash is not None:
                conflict["rows"] = form.clash_rows(exc.clash, exc.current)
                form.rebase(exc.clash, exc.current)
            form.set_saved_at(exc.current)
            return _refused(request, pk, bound={("assessment", theme.pk): form}, conflict=conflict)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("The assessment of “%(theme)s” was saved.")
                % {"theme": f"{theme.order}. {theme.name}"},
            )
            return _back_to(review, f"theme-{theme.pk}")
    return _refused(request, pk, bound={("assessment", theme.pk): form})


@login_required
@require_POST
def review_complete(request, pk: int):
    review = _review_to_work(request, pk)
    form = CompletionForm(request.POST, review=review)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.complete_review(
                user=request.user,
                review=review,
                conclusion=data["conclusion"],
                conclusions_text_en=data["conclusions_text_en"],
                conclusions_text_zh_hans=data["conclusions_text_zh_hans"],
                expected_version=data["version"],
                base=data["base"],
                choices=form.choices(),
            )
        except services.ReviewConflict as exc:
            return _review_conflict(request, pk, form, "complete", exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The review is completed."))
            return _back_to(review)
    return _refused(request, pk, bound={"complete": form})


@login_required
@require_POST
def review_reopen(request, pk: int):
    review = _review_to_work(request, pk)
    form = VersionForm(request.POST, review=review)
    if form.is_valid():
        try:
            services.reopen_review(
                user=request.user, review=review, expected_version=form.cleaned_data["version"]
            )
        except services.ReviewConflict as exc:
            return _review_conflict(request, pk, None, "reopen", exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("The review is in preparation again: its assessments can be changed.")
            )
            return _back_to(review)
    return _refused(request, pk, bound={"reopen": form})


@login_required
@require_POST
def review_schedule(request, pk: int):
    review = _review_to_work(request, pk)
    form = ScheduleForm(request.POST, review=review)
    if form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.update_review_schedule(
                user=request.user,
                review=review,
                due_date=data["due_date"],
                reminder_days=data["reminder_days"],
                expected_version=data["version"],
                base=data["base"],
                choices=form.choices(),
            )
        except services.ReviewConflict as exc:
            return _review_conflict(request, pk, form, "schedule", exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if saved.version > data["version"] + 1:
                messages.success(
                    request, _("Your changes were saved together with those saved meanwhile.")
                )
            else:
                messages.success(request, _("The schedule was saved."))
            return _back_to(review, "schedule")
    return _refused(request, pk, bound={"schedule": form})


# --- a new ad-hoc review --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def review_create(request):
    user = request.user
    plans = plan_selectors.visible_plans(user)
    plan_id = parse_id(request.GET.get("plan"))
    if plan_id is None:
        plan = plan_selectors.current_plan(plans)
    else:
        plan = plans.filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    access.require(user, Action.MANAGE, plan)
    data = request.POST if request.method == "POST" else None
    form = ReviewCreateForm(data)
    status = 200
    if data is not None:
        if form.is_valid():
            cleaned = form.cleaned_data
            try:
                review = services.create_review(
                    user=user,
                    plan=plan,
                    title_en=cleaned["title_en"],
                    title_zh_hans=cleaned["title_zh_hans"],
                    description_en=cleaned["description_en"],
                    description_zh_hans=cleaned["description_zh_hans"],
                    due_date=cleaned["due_date"],
                    reminder_days=cleaned["reminder_days"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The review was added."))
                return redirect("review-detail", pk=review.pk)
        status = 400
    return render(request, "reviews/review_form.html", {"form": form, "plan": plan}, status=status)
