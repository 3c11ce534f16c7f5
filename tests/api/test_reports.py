"""Progress reports through the API: ask for one, poll its state, download the PDF.

Any member of the plan's partnership may ask and download; an outsider gets 404. Rendering
runs once the request commits (eagerly here, as without a broker).
"""

from __future__ import annotations

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reports.models import ProgressReport, ReportLanguage, ReportStatus

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

PDF = b"%PDF-1.7\n% a stand-in for a rendered report\n%%EOF\n"


def done_report(plan, *, user=None, theme=None, data: bytes = PDF) -> ProgressReport:
    """A finished report with a small file (rendering is tested in tests/reviews)."""
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


@pytest.fixture
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_a_requested_report_renders_and_downloads(
    world, api_for, eager, django_capture_on_commit_callbacks
):
    client = api_for(world.bj_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports/",
            {"plan": world.plan.pk, "theme": world.themes[0].pk, "language": "zh-hans"},
            format="json",
        )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["state"] == "queued"
    assert body["download_url"] is None
    assert response["Location"].endswith(f"/api/v1/reports/{body['id']}/")
    assert body["as_of"] == ProgressReport.objects.get(pk=body["id"]).as_of.isoformat()

    # The rendering ran once the request committed: poll the Location.
    state = client.get(response["Location"])
    assert state.status_code == 200
    report = state.json()
    assert report["state"] == "done", report["error"]
    assert report["pages"] >= 1
    assert len(report["checksum"]) == 64
    assert report["download_url"].endswith(f"/api/v1/reports/{body['id']}/download/")

    download = client.get(report["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    data = b"".join(download.streaming_content)
    assert data.startswith(b"%PDF")
    assert len(data) == report["size"]
    assert hashlib.sha256(data).hexdigest() == report["checksum"]

    # An outsider sees nothing of it.
    outsider = api_for(world.outsider)
    assert outsider.get(response["Location"]).status_code == 404
    assert outsider.get(report["download_url"]).status_code == 404


def test_the_list_holds_the_users_partnerships_reports_newest_first(world, api_for):
    older = done_report(world.plan)
    newer = done_report(world.plan)
    done_report(world.other_plan)
    response = api_for(world.official).get("/api/v1/reports/")
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [newer.pk, older.pk]


def test_a_failed_report_says_why_and_cannot_be_downloaded(world, api_for):
    report = ProgressReport.objects.create(
        plan=world.plan,
        language=ReportLanguage.ENGLISH,
        as_of=datetime.date(2021, 12, 31),
        status=ReportStatus.FAILED,
        error="RuntimeError: out of fonts",
        finished_at=timezone.now(),
    )
    client = api_for(world.hki_coordinator)
    body = client.get(f"/api/v1/reports/{report.pk}/").json()
    assert body["state"] == "failed"
    assert body["error"] == "RuntimeError: out of fonts"
    assert body["download_url"] is None
    refused = client.get(f"/api/v1/reports/{report.pk}/download/")
    assert refused.status_code == 409
    assert refused.json()["code"] == "report_not_ready"
    assert refused.json()["state"] == "failed"


def test_a_report_whose_file_is_gone_is_not_found(world, api_for):
    report = done_report(world.plan)
    report.file.storage.delete(report.file.name)

    response = api_for(world.hki_coordinator).get(f"/api/v1/reports/{report.pk}/download/")

    assert response.status_code == 404


def test_a_pending_report_is_not_cached(world, api_for):
    report = ProgressReport.objects.create(
        plan=world.plan, language=ReportLanguage.ENGLISH, as_of=datetime.date(2021, 12, 31)
    )
    response = api_for(world.official).get(f"/api/v1/reports/{report.pk}/")
    assert response["Cache-Control"] == "no-store"
    assert response.json()["state"] == "queued"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"language": "fi"}, "language"),
        ({"theme": 10**6}, "theme"),
        ({"as_of": "2999-01-01"}, "as_of"),
        ({"pages": 3}, "pages"),
    ],
)
def test_a_bad_request_names_the_field(world, api_for, data, field):
    payload = {"plan": world.plan.pk, "language": "en", **data}
    if field == "theme":
        payload["theme"] = world.other_theme.pk  # another partnership's: "does not exist"
    response = api_for(world.hki_coordinator).post("/api/v1/reports/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ProgressReport.objects.exists()


def test_a_theme_of_another_plan_of_the_partnership_is_refused(world, api_for):
    from tests.factories import ActionPlanFactory, ThemeFactory

    theme = ThemeFactory(plan=ActionPlanFactory(partnership=world.partnership))
    response = api_for(world.hki_coordinator).post(
        "/api/v1/reports/",
        {"plan": world.plan.pk, "theme": theme.pk, "language": "en"},
        format="json",
    )
    assert response.status_code == 400
    assert "theme" in response.json()["errors"]
