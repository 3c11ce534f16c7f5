"""Progress report pages: past reports with the request form, one report's progress, the
download. Any member of a plan's partnership may ask for and download its reports; everybody
else gets 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from core.downloads import attachment
from core.forms import add_service_errors

from . import services
from .forms import ReportRequestForm
from .selectors import download_name, visible_reports

PAGE_SIZE = 25
# While a report is queued or rendering, its page reloads itself this often (seconds).
REFRESH_SECONDS = 3


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
    return attachment(report.file, filename=download_name(report), content_type="application/pdf")
