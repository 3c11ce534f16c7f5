"""Pages of a plan's amendments and versions.

Anything not the user's to see answers 404; what they see but may not do answers 403 (the
service decides and refuses). Every write goes through ``services.amendments``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from core.views import get_or_404

from . import selectors
from .amendment_forms import (
    AmendmentForm,
    ChangeFormSet,
    CompareForm,
    DecisionForm,
    ReturnForm,
    initial_rows,
)
from .amendments import rules, snapshot
from .amendments import selectors as amendment_selectors
from .amendments.models import EDITABLE_STATUSES, AmendmentStatus, PlanVersion
from .services import amendments as services


def _plan(user, plan_id: int):
    return get_or_404(selectors.plan_for_dashboard, user, plan_id)


def _may_draft(user, plan) -> bool:
    try:
        rules.check_plan_open(plan)
    except ValidationError:
        return False
    return rules.side_of(user, plan) is not None


@login_required
def amendment_list(request, plan_id: int):
    plan = _plan(request.user, plan_id)
    return render(
        request,
        "cooperation/amendment_list.html",
        {
            "plan": plan,
            "amendments": list(amendment_selectors.amendments_of_plan(request.user, plan)),
            "may_draft": _may_draft(request.user, plan),
        },
    )


def _changes_errors(formset, error: ValidationError) -> ValidationError | None:
    """The service's errors on the changes go above the changes; the rest to the form."""
    if not hasattr(error, "error_dict") or "changes" not in error.error_dict:
        return error
    formset._non_form_errors = formset.error_class(
        [m for e in error.error_dict["changes"] for m in e.messages]
    )
    rest = {k: v for k, v in error.error_dict.items() if k != "changes"}
    return ValidationError(rest) if rest else None


def _save(request, plan, amendment=None):
    """The draft form of a new amendment (``amendment`` None) or of one being edited."""
    user = request.user
    data = request.POST if request.method == "POST" else None
    initial = None
    if amendment is not None:
        initial = {name: getattr(amendment, name) for name in services.FIELDS}
        initial["version"] = amendment.version
    form = AmendmentForm(data, initial=initial)
    formset = ChangeFormSet(
        data, plan=plan, initial=initial_rows(amendment) if amendment is not None else None
    )
    if data is not None:
        form_ok = form.is_valid()
        if formset.is_valid() and form_ok:
            try:
                if amendment is None:
                    amendment = services.draft_amendment(
                        user=user, plan=plan, changes=formset.rows(), **form.values()
                    )
                else:
                    amendment = services.update_amendment(
                        user=user,
                        amendment=amendment,
                        expected_version=form.cleaned_data["version"] or 0,
                        changes=formset.rows(),
                        **form.values(),
                    )
            except ValidationError as exc:
                rest = _changes_errors(formset, exc)
                if rest is not None:
                    add_service_errors(form, rest)
            else:
                messages.success(request, _("The amendment was saved as a draft."))
                return redirect("amendment-detail", amendment_id=amendment.pk)
    return render(
        request,
        "cooperation/amendment_form.html",
        {"plan": plan, "form": form, "formset": formset, "amendment": amendment},
        status=400 if data is not None else 200,
    )


@login_required
def amendment_create(request, plan_id: int):
    plan = _plan(request.user, plan_id)
    if rules.side_of(request.user, plan) is None:
        raise PermissionDenied  # signs for no side of this plan: the service refuses too
    if not _may_draft(request.user, plan):
        messages.error(
            request, _("Only a signed plan that has not been concluded or renewed is amended.")
        )
        return redirect("amendment-list", plan_id=plan.pk)
    return _save(request, plan)


@login_required
def amendment_edit(request, amendment_id: int):
    amendment = get_or_404(amendment_selectors.amendment_for_page, request.user, amendment_id)
    if not rules.signs_as_author(request.user, amendment):
        raise PermissionDenied
    if not amendment.is_editable:
        messages.error(request, _("Only a draft or returned amendment can be edited."))
        return redirect("amendment-detail", amendment_id=amendment.pk)
    return _save(request, amendment.plan, amendment)


@login_required
def amendment_detail(request, amendment_id: int, return_form=None):
    user = request.user
    amendment = get_or_404(amendment_selectors.amendment_for_page, user, amendment_id)
    side = rules.side_of(user, amendment.plan)
    own = side is not None and side == amendment.side_id
    decides = side is not None and not own and amendment.status == AmendmentStatus.SUBMITTED
    version = PlanVersion.objects.filter(amendment=amendment).only("number", "plan_id").first()
    return render(
        request,
        "cooperation/amendment_detail.html",
        {
            "plan": amendment.plan,
            "amendment": amendment,
            "changes": list(amendment_selectors.changes_of(amendment)),
            "may_edit": own and amendment.is_editable,
            "may_withdraw": own
            and amendment.status in (*EDITABLE_STATUSES, AmendmentStatus.SUBMITTED),
            "may_decide": decides,
            "return_form": return_form or ReturnForm(initial={"version": amendment.version}),
            "plan_version": version,
        },
        status=400 if return_form is not None else 200,
    )


# action: (the service, who may, what to say when done)
ACTIONS = {
    "submit": (
        services.submit_amendment,
        rules.signs_as_author,
        _lazy("The amendment was sent to the other side."),
    ),
    "withdraw": (
        services.withdraw_amendment,
        rules.signs_as_author,
        _lazy("The amendment was withdrawn."),
    ),
    "approve": (
        services.approve_amendment,
        rules.signs_as_other_side,
        _lazy("The amendment was approved and applied."),
    ),
}


@login_required
@require_POST
def amendment_action(request, amendment_id: int, action: str):
    amendment = get_or_404(amendment_selectors.amendment_for_page, request.user, amendment_id)
    if action not in ACTIONS:
        raise Http404
    service, may, done = ACTIONS[action]
    if not may(request.user, amendment):
        raise PermissionDenied  # the service would refuse it as well
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Reload the page and try again."))
        return redirect("amendment-detail", amendment_id=amendment.pk)
    try:
        service(
            user=request.user, amendment=amendment, expected_version=form.cleaned_data["version"]
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, str(done))
    return redirect("amendment-detail", amendment_id=amendment.pk)


@login_required
@require_POST
def amendment_return(request, amendment_id: int):
    amendment = get_or_404(amendment_selectors.amendment_for_page, request.user, amendment_id)
    if not rules.signs_as_other_side(request.user, amendment):
        raise PermissionDenied  # the service would refuse it as well
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_amendment(
                user=request.user,
                amendment=amendment,
                expected_version=form.cleaned_data["version"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="comment")
        else:
            messages.success(request, _("The amendment was returned to its authors."))
            return redirect("amendment-detail", amendment_id=amendment.pk)
    return amendment_detail(request, amendment_id, return_form=form)


# --- versions --------------------------------------------------------------------------------


def _versions(request, plan_id: int):
    plan = _plan(request.user, plan_id)
    if plan.status != "draft":
        services.ensure_signed_version(user=request.user, plan=plan)
    return plan, list(amendment_selectors.versions_of_plan(plan))


@login_required
def version_list(request, plan_id: int):
    plan, versions = _versions(request, plan_id)
    initial = {"a": max(len(versions) - 1, 1), "b": max(len(versions), 1)}
    return render(
        request,
        "cooperation/version_list.html",
        {"plan": plan, "versions": versions, "compare_form": CompareForm(initial=initial)},
    )


def _version(versions, number: int) -> PlanVersion:
    for version in versions:
        if version.number == number:
            return version
    raise Http404


@login_required
def version_detail(request, plan_id: int, number: int):
    plan, versions = _versions(request, plan_id)
    version = _version(versions, number)
    return render(
        request,
        "cooperation/version_detail.html",
        {"plan": plan, "version": version, "content": version.snapshot},
    )


@login_required
def version_compare(request, plan_id: int):
    plan, versions = _versions(request, plan_id)
    form = CompareForm(request.GET)
    if not form.is_valid():
        return render(
            request,
            "cooperation/version_list.html",
            {"plan": plan, "versions": versions, "compare_form": form},
            status=400,
        )
    old = _version(versions, form.cleaned_data["a"])
    new = _version(versions, form.cleaned_data["b"])
    return render(
        request,
        "cooperation/version_compare.html",
        {
            "plan": plan,
            "old": old,
            "new": new,
            "rows": snapshot.compare(old.snapshot, new.snapshot),
        },
    )
