"""Pages of a plan's themes and joint activities.

Views read through ``cooperation.selectors``, ask ``partners.access`` what the user may do,
and write only through ``cooperation.services``. Anything that does not exist or is not the
user's to see answers 404; what they see but may not change answers 403.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import spreadsheets
from core.downloads import attachment
from core.forms import RowsRefused, add_service_errors, save_rows
from core.ids import parse_id
from core.templatetags.content import tr_text
from core.views import get_or_404
from partners import access
from partners.access import Action

from . import edit_conflict, exports, money, search, selectors
from .forms import (
    NO_COMMITMENT,
    ActivityFilter,
    ActivityForm,
    EvidenceForm,
    FundingFormSet,
    StatusForm,
)
from .models import Activity, ActivityStatus
from .services import activities as services
from .services import evidence as evidence_services
from .services import funding as funding_services

PAGE_SIZE = 25


# --- theme ----------------------------------------------------------------------------------


@login_required
def theme_detail(request, theme_id: int):
    theme = get_or_404(selectors.theme_for_page, request.user, theme_id)
    partnership = theme.plan.partnership
    sides, others = selectors.responsibilities_by_side(theme, partnership)

    commitments = list(theme.commitments.all())
    known = {c.pk for c in commitments}
    # Counts and money over ALL the theme's activities, added up in the database; the rows
    # shown are the few most recent of each commitment (selectors.THEME_PAGE_ACTIVITIES).
    counts = selectors.status_counts_by_commitment(theme)
    grouped_money = money.theme_totals_by_commitment(theme)
    shown = list(selectors.recent_activities_of_theme(theme))
    funding = money.activity_totals(a.pk for a in shown)
    by_commitment = defaultdict(list)
    for activity in shown:
        activity.theme = theme  # the page has it: no join, no query
        activity.funding_totals = funding.get(activity.pk, money.Totals()).by_currency()
        by_commitment[activity.commitment_id if activity.commitment_id in known else None].append(
            activity
        )

    def group(key, keys, query):
        status_counts = defaultdict(int)
        for k in keys:
            for status, n in counts.get(k, {}).items():
                status_counts[status] += n
        return {
            "activities": by_commitment.get(key, [])[: selectors.THEME_PAGE_ACTIVITIES],
            "money": money.combine(grouped_money[k] for k in keys if k in grouped_money),
            "statuses": [
                (value, label, status_counts[value])
                for value, label in ActivityStatus.choices
                if status_counts[value]
            ],
            "total": sum(status_counts.values()),
            "query": urlencode(query),  # the activity list filtered to these activities
        }

    unknown = [k for k in counts if k not in known]  # None, or a commitment of another theme
    loose = group(None, unknown, {"theme": theme.pk, "commitment": NO_COMMITMENT})
    return render(
        request,
        "cooperation/theme_detail.html",
        {
            "theme": theme,
            "plan": theme.plan,
            "partnership": partnership,
            "sides": sides,
            "other_responsibilities": others,
            "commitments": [(c, group(c.pk, [c.pk], {"commitment": c.pk})) for c in commitments],
            "loose": loose,
            "theme_money": money.combine(grouped_money.values()),
            "activity_count": sum(sum(c.values()) for c in counts.values()),
            "shown_per_commitment": selectors.THEME_PAGE_ACTIVITIES,
            "can_create": access.can(request.user, Action.CREATE_ACTIVITY, theme),
        },
    )


# --- activity list and export ---------------------------------------------------------------


def _filterset(request, *, with_participants=False, leads_apart=False) -> ActivityFilter:
    queryset = selectors.activity_list(
        request.user, with_participants=with_participants, leads_apart=leads_apart
    )
    data = request.GET if any(k != "page" for k in request.GET) else None
    return ActivityFilter(data, queryset=queryset, request=request)


@login_required
def activity_list(request):
    filterset = _filterset(request, leads_apart=True)
    invalid = filterset.is_bound and not filterset.is_valid()
    paginator = Paginator(filterset.qs, PAGE_SIZE)
    stamp = search.change_stamp()
    filterset.use_cached_options(stamp)
    if filterset.is_bound and filterset.form.cleaned_data.get("text"):
        # A text search's count is a scan of four columns: counted once per change.
        paginator.count = search.cached_count(filterset.qs, stamp)
    page = paginator.get_page(request.GET.get("page"))
    # One query for the page's money, whatever the number of activities shown.
    funding = money.activity_totals(a.pk for a in page.object_list)
    for activity in page.object_list:
        activity.funding_totals = funding.get(activity.pk, money.Totals()).by_currency()
    return render(
        request,
        "cooperation/activity_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "invalid": invalid,
            "page": page,
            "activities": page.object_list,
            "is_filtered": filterset.is_bound,
            "active_commitment": filterset.form.cleaned_data.get("commitment")
            if filterset.is_bound
            else None,
            "no_commitment": NO_COMMITMENT,
            "can_create": _plan_for_create(request.user) is not None,
        },
    )


def _plan_for_create(user):
    """The plan a "new activity" button leads to, when the user may create one there."""
    plan = selectors.current_plan(selectors.visible_plans(user))
    if plan is not None and access.can(user, Action.CREATE_ACTIVITY, plan):
        return plan
    return None


# The CSV's cells (kept importable here): the table itself is built in cooperation.exports.
FORMULA_STARTS = spreadsheets.FORMULA_STARTS
csv_cell = spreadsheets.csv_cell


@login_required
def activity_export(request):
    """The filtered activities (all pages) as CSV: UTF-8 with a BOM, in the page's language."""
    filterset = _filterset(request, with_participants=True)
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{reverse('activity-list')}?{request.GET.urlencode()}")
    return spreadsheets.csv_response(
        exports.stamped("activities", "csv"),
        exports.activity_header(),
        exports.activity_rows(filterset.qs, money.activity_totals_in(filterset.qs)),
    )


# --- activity page --------------------------------------------------------------------------


def _funding_summary(activity: Activity):
    """The activity's rows with their source's name, and its totals per currency (never
    converted: one total per currency), from the rows already fetched."""
    names = dict(money.source_choices(activity.theme.plan.partnership))
    fundings = list(activity.fundings.all())
    rows = [(f, names.get(f.source, f.source)) for f in fundings]
    return rows, money.totals_of_rows(fundings).by_currency()


def _render_activity(request, activity, *, status_form=None, evidence_form=None, status=200):
    user = request.user
    can_change = access.can(user, Action.CHANGE, activity)
    can_change_status = access.can(user, Action.CHANGE_STATUS, activity)
    if can_change_status and status_form is None:
        status_form = StatusForm(activity=activity)
    if can_change and evidence_form is None:
        evidence_form = EvidenceForm()
    fundings, funding_totals = _funding_summary(activity)
    partnership = activity.theme.plan.partnership
    return render(
        request,
        "cooperation/activity_detail.html",
        {
            "activity": activity,
            "theme": activity.theme,
            "plan": activity.theme.plan,
            "partnership": partnership,
            "participants": list(activity.participants.all()),
            "history": list(activity.status_updates.all()),
            "evidence": list(activity.evidence.all()),
            "events": list(activity.events.all()),
            "fundings": fundings,
            "funding_totals": funding_totals,
            "can_change": can_change,
            "can_change_status": can_change_status,
            "status_form": status_form if can_change_status else None,
            "evidence_form": evidence_form if can_change else None,
        },
        status=status,
    )


@login_required
def activity_detail(request, activity_id: int):
    activity = get_or_404(selectors.activity_for_page, request.user, activity_id)
    return _render_activity(request, activity)


def _rerender_with_current_version(request, activity_id, form, **kwargs):
    """Re-show the activity page with the user's input and errors, against the activity as
    it is now (its version too, so that resubmitting acts on what the page shows)."""
    activity = get_or_404(selectors.activity_for_page, request.user, activity_id)
    if "version" in form.fields:
        data = form.data.copy()
        data["version"] = str(activity.version)
        form.data = data
    return _render_activity(request, activity, status=400, **kwargs)


@login_required
@require_POST
def activity_status(request, activity_id: int):
    user = request.user
    activity = get_or_404(selectors.activity_for_change, user, activity_id)
    access.require(user, Action.CHANGE_STATUS, activity)
    form = StatusForm(request.POST, activity=activity)
    if form.is_valid():
        try:
            update = services.change_activity_status(
                user=user,
                activity_id=activity.pk,
                to_status=form.cleaned_data["to_status"],
                note_en=form.cleaned_data["note_en"],
                note_zh_hans=form.cleaned_data["note_zh_hans"],
                date=form.cleaned_data["date"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="note_en")
        else:
            messages.success(
                request,
                _("The status is now “%(status)s”.") % {"status": update.get_to_status_display()},
            )
            return redirect("activity-detail", activity_id=activity.pk)
    return _rerender_with_current_version(request, activity_id, form, status_form=form)


# --- evidence -------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request, activity_id: int):
    user = request.user
    activity = get_or_404(selectors.activity_for_change, user, activity_id)
    access.require(user, Action.CHANGE, activity)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            evidence = evidence_services.add_evidence(
                user=user,
                activity=activity,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc, default_field="file")
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": evidence.original_name})
            return redirect(reverse("activity-detail", args=[activity.pk]) + "#evidence")
    return _rerender_with_current_version(request, activity_id, form, evidence_form=form)


@login_required
def evidence_download(request, evidence_id: int):
    evidence = get_or_404(selectors.evidence_for_user, request.user, evidence_id)
    access.require(request.user, Action.VIEW, evidence.activity)
    return attachment(
        evidence.file, filename=evidence.original_name, content_type=evidence.content_type
    )


@login_required
@require_POST
def evidence_delete(request, evidence_id: int):
    user = request.user
    evidence = get_or_404(selectors.evidence_for_user, user, evidence_id)
    access.require(user, Action.CHANGE, evidence.activity)
    name, activity_id = evidence.original_name, evidence.activity_id
    evidence_services.delete_evidence(user=user, evidence=evidence)
    messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
    return redirect(reverse("activity-detail", args=[activity_id]) + "#evidence")


# --- create and edit ------------------------------------------------------------------------


def _participant_ids(form) -> list[int]:
    return [a.pk for a in form.cleaned_data.get("participants") or []]


def _initial_for(user, plan) -> dict:
    """Staff start with their own agency in the place it fits."""
    profile = access.profile_of(user)
    if not profile or not profile.agency_id:
        return {}
    partnership = plan.partnership
    if profile.agency.city_id == partnership.first_city_id:
        return {"first_lead_agency": profile.agency_id}
    if profile.agency.city_id == partnership.second_city_id:
        return {"second_lead_agency": profile.agency_id}
    return {"participants": [profile.agency_id]}


def _funding_formset(data, activity, plan):
    return FundingFormSet(
        data,
        instance=activity,
        prefix="funding",
        form_kwargs={"partnership": plan.partnership},
    )


def _save_funding(user, activity, formset) -> None:
    """The funding rows the user changed, each through the funding service."""
    save_rows(
        formset,
        create=lambda values: funding_services.add_funding(user=user, activity=activity, **values),
        update=lambda row, changes: funding_services.update_funding(
            user=user, funding=row, **changes
        ),
        delete=lambda row: funding_services.delete_funding(user=user, funding=row),
    )


@login_required
def activity_create(request):
    user = request.user
    theme = None
    theme_id = parse_id(request.GET.get("theme"))
    if theme_id is not None:
        theme = get_or_404(lambda: selectors.visible_themes(user).get(pk=theme_id))
    elif request.method == "POST":
        # Without ?theme=, the chosen theme decides the plan (a bad one is a form error).
        posted = parse_id(request.POST.get("theme"))
        if posted is not None:
            theme = selectors.visible_themes(user).filter(pk=posted).first()
    if theme is not None:
        plan = theme.plan
    else:
        plan = selectors.current_plan(selectors.visible_plans(user))
        if plan is None:
            raise Http404
    access.require(user, Action.CREATE_ACTIVITY, theme or plan)

    activity = Activity(theme=theme)
    data = request.POST if request.method == "POST" else None
    initial = _initial_for(user, plan)
    if theme is not None:
        initial["theme"] = theme.pk
    form = ActivityForm(data, instance=activity, user=user, plan=plan, initial=initial)
    formset = _funding_formset(data, activity, plan)
    status = 200
    if data is not None:
        form_ok = form.is_valid()
        if formset.is_valid() and form_ok:
            try:
                with transaction.atomic():
                    created = services.create_activity(
                        user=user, activity=form.instance, participant_ids=_participant_ids(form)
                    )
                    _save_funding(user, created, formset)
            except RowsRefused:
                pass  # the errors are on the funding rows
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The activity was created."))
                return redirect("activity-detail", activity_id=created.pk)
        status = 400
    return render(
        request,
        "cooperation/activity_form.html",
        {"form": form, "formset": formset, "plan": plan, "theme": theme, "activity": None},
        status=status,
    )


@login_required
def activity_edit(request, activity_id: int):
    user = request.user
    activity = get_or_404(selectors.activity_for_change, user, activity_id)
    access.require(user, Action.CHANGE, activity)
    plan = activity.theme.plan
    title = tr_text(activity, "title")  # before the form puts the user's input on it
    data = request.POST if request.method == "POST" else None
    form = ActivityForm(data, instance=activity, user=user, plan=plan, editing=True)
    formset = _funding_formset(data, activity, plan)
    conflict = None
    status = 200
    if data is not None:
        form_ok = form.is_valid()
        if formset.is_valid() and form_ok:
            try:
                with transaction.atomic():
                    services.update_activity(
                        user=user,
                        activity=form.instance,
                        expected_version=form.cleaned_data["version"],
                        fields=form.model_field_names,
                        participant_ids=_participant_ids(form),
                        labels=form.labels(),
                        base=form.cleaned_data["base"],
                        choices=form.choices(),
                    )
                    _save_funding(user, activity, formset)
            except services.ActivityConflict as exc:
                conflict = edit_conflict.shown(exc)
                edit_conflict.rebase(form, exc)
            except RowsRefused:
                pass  # the errors are on the funding rows
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if activity.version > form.cleaned_data["version"] + 1:
                    messages.success(
                        request,
                        _("Your changes were saved together with those saved meanwhile."),
                    )
                else:
                    messages.success(request, _("Your changes were saved."))
                return redirect("activity-detail", activity_id=activity.pk)
        status = 409 if conflict else 400
    return render(
        request,
        "cooperation/activity_form.html",
        {
            "form": form,
            "formset": formset,
            "plan": plan,
            "theme": activity.theme,
            "activity": activity,
            "title": title,
            "conflict": conflict,
        },
        status=status,
    )
