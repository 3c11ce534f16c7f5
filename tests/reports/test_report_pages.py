"""Progress report pages: the list with the request form, a report's progress page, the
download; each role of the partnership may use them, an outsider gets 404."""

from __future__ import annotations

import datetime
import hashlib

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from reports.models import ProgressReport, ReportLanguage, ReportStatus
from tests import factories as f
from tests.helpers import MEMBERS, main_of

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

PDF = b"%PDF-1.7\n% a stand-in for a rendered report\n%%EOF\n"


def done_report(plan, *, user=None, theme=None, data: bytes = PDF) -> ProgressReport:
    """A finished report with a small file (rendering is tested in test_reports.py)."""
    report = ProgressReport(
        plan=plan,
        theme=theme,
        language=ReportLanguage.BILINGUAL,
        as_of=datetime.date(2021, 12, 31),
        requested_by=user,
        status=ReportStatus.DONE,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        page_count=12,
        started_at=timezone.now(),
        finished_at=timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(data), save=False)
    report.save()
    return report


# --- the list and the request form -------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
# Beijing's midnight: the form offers each person their own city's today.
@time_machine.travel(datetime.datetime(2026, 11, 30, 16, 30, tzinfo=datetime.UTC), tick=False)
def test_it_lists_the_reports_of_the_users_plans_with_the_form(world, client_for, role):
    ours = done_report(world.plan, user=world.official)
    theirs = done_report(world.other_plan)
    response = client_for(getattr(world, role)).get(reverse("report-list"))
    assert response.status_code == 200
    content = main_of(response)
    assert reverse("report-detail", args=[ours.pk]) in content
    assert reverse("report-download", args=[ours.pk]) in content
    if role != "admin":
        assert reverse("report-detail", args=[theirs.pk]) not in content
    assert 'name="language"' in content and 'name="as_of"' in content
    assert 'value="bilingual"' in content and "中文" in content
    # The date defaults to today where the person works.
    today = "2026-12-01" if role.startswith("bj_") else "2026-11-30"
    assert f'value="{today}"' in content


def test_the_outsider_sees_only_their_own_reports(world, client_for):
    ours = done_report(world.plan)
    theirs = done_report(world.other_plan)
    content = main_of(client_for(world.outsider).get(reverse("report-list")))
    assert reverse("report-detail", args=[theirs.pk]) in content
    assert reverse("report-detail", args=[ours.pk]) not in content
    assert f'<option value="{world.plan.pk}"' not in content


@pytest.mark.parametrize("role", MEMBERS)
def test_every_member_may_ask_for_a_report(
    world, client_for, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(getattr(world, role)).post(
            reverse("report-list"),
            {
                "plan": world.plan.pk,
                "theme": world.themes[0].pk,
                "language": "zh-hans",
                "as_of": "2021-12-31",
            },
        )
    report = ProgressReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("report-detail", args=[report.pk])
    assert (report.plan, report.theme, report.language) == (world.plan, world.themes[0], "zh-hans")
    assert report.as_of == datetime.date(2021, 12, 31)
    assert report.requested_by == getattr(world, role)
    assert report.status == ReportStatus.QUEUED
    assert len(callbacks) == 1  # the rendering, queued for after the commit


def test_a_request_is_rendered_after_the_commit(
    world, client_for, django_capture_on_commit_callbacks
):
    client = client_for(world.bj_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("report-list"),
            {"plan": world.plan.pk, "theme": "", "language": "en", "as_of": "2021-12-31"},
        )
    report = ProgressReport.objects.get()
    assert report.theme is None
    assert report.status == ReportStatus.DONE
    page = client.get(response["Location"])
    assert 'http-equiv="refresh"' not in page.content.decode()
    download = client.get(reverse("report-download", args=[report.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"plan": "", "language": "en", "as_of": "2021-12-31"}, "plan"),
        (
            {"plan": "{plan}", "theme": "{other_theme}", "language": "en", "as_of": "2021-12-31"},
            "theme",
        ),
        (
            {
                "plan": "{plan}",
                "theme": "{theme_of_old_plan}",
                "language": "en",
                "as_of": "2021-12-31",
            },
            "theme",
        ),
        ({"plan": "{plan}", "language": "fi", "as_of": "2021-12-31"}, "language"),
        ({"plan": "{plan}", "language": "en", "as_of": "31.12.2021"}, "as_of"),
        ({"plan": "{plan}", "language": "en", "as_of": "{tomorrow}"}, "as_of"),
        ({"plan": "{other_plan}", "language": "en", "as_of": "2021-12-31"}, "plan"),
        ({"plan": "99999999999999999999999", "language": "en", "as_of": "2021-12-31"}, "plan"),
    ],
)
def test_a_bad_request_comes_back_with_the_error_and_makes_nothing(world, client_for, data, field):
    old_plan = f.ActionPlanFactory(partnership=world.partnership, period_start_year=2017)
    values = {
        "plan": world.plan.pk,
        "other_theme": world.other_theme.pk,
        "other_plan": world.other_plan.pk,
        "theme_of_old_plan": f.ThemeFactory(plan=old_plan).pk,
        "tomorrow": (timezone.localdate() + datetime.timedelta(days=2)).isoformat(),
    }
    data = {k: v.format(**values) for k, v in data.items()}
    response = client_for(world.hki_coordinator).post(reverse("report-list"), data)
    assert response.status_code == 400
    assert response.context["form"].errors.get(field), response.context["form"].errors
    assert not ProgressReport.objects.exists()


def test_anonymous_users_are_asked_to_log_in(world, client):
    report = done_report(world.plan)
    for url in (
        reverse("report-list"),
        reverse("report-detail", args=[report.pk]),
        reverse("report-download", args=[report.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.post(reverse("report-list"), {}).status_code == 302
    assert not ProgressReport.objects.exclude(pk=report.pk).exists()


# --- the progress page ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [ReportStatus.QUEUED, ReportStatus.RENDERING])
def test_a_pending_report_page_reloads_itself(world, client_for, status):
    report = ProgressReport.objects.create(
        plan=world.plan, language="en", as_of=datetime.date(2021, 12, 31), status=status
    )
    response = client_for(world.official).get(reverse("report-detail", args=[report.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    head = content[: content.index("</head>")]
    assert '<meta http-equiv="refresh" content="3">' in head
    assert response["Cache-Control"] == "no-store"
    assert reverse("report-download", args=[report.pk]) not in content
    assert "<script>" not in content  # the CSP allows no inline script: the meta tag does it


def test_a_finished_report_page_offers_the_download(world, client_for):
    report = done_report(world.plan, theme=world.themes[1])
    response = client_for(world.bj_staff).get(reverse("report-detail", args=[report.pk]))
    content = response.content.decode()
    assert 'http-equiv="refresh"' not in content
    assert reverse("report-download", args=[report.pk]) in content
    assert report.sha256 in content
    assert "2. Education" in content
    assert "12 pages" in content


def test_a_failed_report_page_says_why(world, client_for):
    report = ProgressReport.objects.create(
        plan=world.plan,
        language="en",
        as_of=datetime.date(2021, 12, 31),
        status=ReportStatus.FAILED,
        error="RuntimeError: <the layout engine> fell over",
        finished_at=timezone.now(),
    )
    response = client_for(world.official).get(reverse("report-detail", args=[report.pk]))
    content = main_of(response)
    assert "could not be made" in content
    assert "RuntimeError: &lt;the layout engine&gt; fell over" in content
    assert 'http-equiv="refresh"' not in response.content.decode()


def test_the_outsider_gets_404_for_our_reports(world, client_for):
    report = done_report(world.plan)
    client = client_for(world.outsider)
    assert client.get(reverse("report-detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("report-download", args=[report.pk])).status_code == 404


# --- the download ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MEMBERS)
def test_every_member_may_download(world, client_for, role):
    report = done_report(world.plan, theme=world.themes[0])
    response = client_for(getattr(world, role)).get(reverse("report-download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"progress-report-{world.plan.code}-economy-2021-12-31-bilingual.pdf" in disposition
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.parametrize("role", ["outsider"])
def test_nobody_else_may_download(world, client_for, role):
    report = done_report(world.plan)
    response = client_for(getattr(world, role)).get(reverse("report-download", args=[report.pk]))
    assert response.status_code == 404


def test_an_unfinished_or_lost_report_cannot_be_downloaded(world, client_for):
    client = client_for(world.hki_coordinator)
    queued = ProgressReport.objects.create(
        plan=world.plan, language="en", as_of=datetime.date(2021, 12, 31)
    )
    assert client.get(reverse("report-download", args=[queued.pk])).status_code == 404
    lost = done_report(world.plan)
    lost.file.storage.delete(lost.file.name)
    assert client.get(reverse("report-download", args=[lost.pk])).status_code == 404
    assert client.get(reverse("report-download", args=[10**9])).status_code == 404


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("n_reports", [1, 30])
def test_the_list_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, n_reports
):
    for i in range(n_reports):
        done_report(world.plan, user=world.official, theme=world.themes[i % 3])
    client = client_for(world.official)
    client.get(reverse("report-list"))  # warm the session
    # 1 session, 2 user, 3 profile with city and agency (access and the header share it),
    # 4 the plans, for the form's initial plan, 5 the count of reports, 6 the plan choices,
    # 7 the theme choices, 8 the page of reports with their plan, theme and requester.
    with django_assert_num_queries(8):
        response = client.get(reverse("report-list"))
    assert response.status_code == 200


@pytest.mark.parametrize("n_reports", [1, 30])
def test_the_progress_page_runs_a_fixed_number_of_queries(
    world, client_for, django_assert_num_queries, n_reports
):
    for _ in range(n_reports - 1):
        done_report(world.plan, user=world.hki_staff)
    report = done_report(world.plan, user=world.official, theme=world.themes[0])
    client = client_for(world.official)
    client.get(reverse("report-detail", args=[report.pk]))
    # 1 session, 2 user, 3 profile with city and agency (access and the header share it),
    # 4 the report with its plan, theme and requester.
    with django_assert_num_queries(4):
        client.get(reverse("report-detail", args=[report.pk]))
