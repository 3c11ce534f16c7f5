"""Progress report pages: past reports with the request form, one report's progress, the
download. Any member of a plan's partnership may ask for and download its reports; everybody
else gets 404.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from cooperation import selectors as cooperation_selectors
from cooperation.forms import add_service_errors
from cooperation.models import ActionPlan, Theme
from partners import access, clock
from partners.fields import SafeModelChoiceField
from partners.templatetags.content import tr_text

from . import services
from .models import ProgressReport, ReportLanguage

PAGE_SIZE = 25
# While a report is queued or rendering, its page reloads itself this often (seconds).
REFRESH_SECONDS = 3


def visible_reports(user) -> QuerySet[ProgressReport]:
    """Reports of the plans of the user's partnerships, with what the pages show."""
    return ProgressReport.objects.filter(
        access.partnership_q(user, "plan__partnership")
    ).select_related("plan", "theme", "requested_by")


class PlanChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{tr_text(obj, 'title')} ({obj.period})"


class ThemeChoiceField(SafeModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.period} · {obj.order}. {tr_text(obj, 'name')}"


class ReportRequestForm(forms.Form):
    plan = PlanChoiceField(label=_("Action plan"), queryset=ActionPlan.objects.none())
    theme = ThemeChoiceField(
        label=_("Scope"),
        queryset=Theme.objects.none(),
        required=False,
        empty_label=_("The whole plan"),
        help_text=_("The whole plan, or one of its themes."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=ReportLanguage.choices,
        initial=ReportLanguage.BILINGUAL,
        widget=forms.RadioSelect,
    )
    as_of = forms.DateField(
        label=_("As of"),
        help_text=_("The report shows the plan as it stood at the end of this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = cooperation_selectors.visible_plans(user)
        self.fields["plan"].queryset = plans
        self.fields["theme"].queryset = (
            cooperation_selectors.visible_themes(user)
            .select_related("plan")
            .order_by("-plan__period_start_year", "plan_id", "order")
        )
        current = cooperation_selectors.current_plan(plans)
        if current is not None:
            self.fields["plan"].initial = current.pk
        self.fields["as_of"].initial = clock.today_for(user)

    def clean(self):
        data = super().clean()
        plan, theme = data.get("plan"), data.get("theme")
        if plan and theme and theme.plan_id != plan.pk:
            self.add_error("theme", _("This theme belongs to another plan."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    user = request.user
    status = 200
    if request.method == "POST":
        form = ReportRequestForm(request.POST, user=user)
        if form.is_valid():
            try:
                report = services.request_report(
                    user=user,
                    plan=form.cleaned_data["plan"],
                    theme=form.cleaned_data["theme"],
                    language=form.cleaned_data["language"],
                    as_of=form.cleaned_data["as_of"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("report-detail", pk=report.pk)
        status = 400
    else:
        form = ReportRequestForm(user=user)
    page = Paginator(visible_reports(user).order_by("-created_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reports/report_list.html", {"form": form, "page": page}, status=status)


@login_required
@require_GET
def report_detail(request, pk: int):
    report = get_object_or_404(visible_reports(request.user), pk=pk)
    response = render(
        request,
        "reports/report_detail.html",
        {"report": report, "refresh_seconds": REFRESH_SECONDS if report.is_pending else None},
    )
    if report.is_pending:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def report_download(request, pk: int):
    report = get_object_or_404(visible_reports(request.user).filter(status="done"), pk=pk)
    try:
        handle = report.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(
        handle, as_attachment=True, filename=download_name(report), content_type="application/pdf"
    )


def download_name(report: ProgressReport) -> str:
    parts = ["progress-report", report.plan.code]
    if report.theme_id:
        parts.append(report.theme.code)
    parts += [report.as_of.isoformat(), report.language]
    return "-".join(parts) + ".pdf"
