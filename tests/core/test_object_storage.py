"""Evidence and reports kept in S3-compatible object storage (several machines, one store).

A local S3 server (moto's server mode, on loopback, started once for the module) stands in
for MinIO or S3; the settings are made by ``config.storage`` from a ``STORAGE_URL`` as in
production. Uploads through the page and the API land in the bucket (nothing on the local
disk), members download the same bytes, other partnerships are refused, a report rendered in
the background path is stored and downloaded, and deleting removes the object.
"""

import urllib.request
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer
from rest_framework.test import APIClient

from config import storage
from cooperation.models import Evidence
from reports import services as report_services
from reports.models import ProgressReport, ReportStatus

pytestmark = pytest.mark.clock

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
KEY = {"access_key": "testing-key", "secret_key": "testing-secret"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint, tmp_path):
    """A fresh bucket for the test, and the default storage pointed at it."""
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEY["access_key"],
        aws_secret_access_key=KEY["secret_key"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage.default_storage(
            storage_url=f"s3://{bucket}/portal?endpoint_url={s3_endpoint}"
            "&region=us-east-1&addressing_style=path",
            signed_url_seconds=45,
            **KEY,
        ),
    }
    settings.MEDIA_ROOT = tmp_path / "media-unused"

    def keys() -> list[str]:
        listed = client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listed.get("Contents", []))

    def body(key: str) -> bytes:
        return client.get_object(Bucket=bucket, Key=key)["Body"].read()

    yield SimpleNamespace(client=client, bucket=bucket, keys=keys, body=body)
    assert not settings.MEDIA_ROOT.exists(), "something was written to the local disk"


@pytest.fixture
def api_for():
    def make(user) -> APIClient:
        client = APIClient()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


def _content(response) -> bytes:
    # Reading to the end closes the file (the test client's wrapper); closing the response
    # again would send request_finished, which closes the PostgreSQL test connection.
    return b"".join(response.streaming_content)


def test_evidence_uploaded_on_the_page_is_in_the_bucket_and_only_members_download_it(
    world, client_for, s3, django_capture_on_commit_callbacks
):
    client = client_for(world.hki_staff)
    file = SimpleUploadedFile("Minutes 2021.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("evidence-upload", args=[world.hki_activity.pk]),
        {"file": file, "description": "Signed"},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(activity=world.hki_activity, description="Signed")
    key = f"portal/{evidence.file.name}"
    assert s3.keys() == [key] and s3.body(key) == PDF
    # Private: the bucket grants nobody but its owner.
    grants = s3.client.get_object_acl(Bucket=s3.bucket, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)

    download = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="Minutes 2021.pdf"'
    assert download["Content-Type"] == "application/pdf"
    assert _content(download) == PDF
    refused = client_for(world.outsider).get(reverse("evidence-download", args=[evidence.pk]))
    assert refused.status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        deleted = client.post(reverse("evidence-delete", args=[evidence.pk]))
    assert deleted.status_code == 302
    assert s3.keys() == []


def test_evidence_through_the_api_round_trips_and_is_deleted(
    world, api_for, s3, django_capture_on_commit_callbacks
):
    client = api_for(world.bj_staff)
    data = b"date,what\n2021-05-04,visit\n"
    upload = SimpleUploadedFile("visits.csv", data, content_type="text/csv")
    response = client.post(
        f"/api/v1/activities/{world.joint_activity.pk}/evidence/",
        {"file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(s3.keys()) == 1

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    assert download["Content-Disposition"] == 'attachment; filename="visits.csv"'
    assert _content(download) == data
    assert api_for(world.outsider).get(body["download_url"]).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"/api/v1/evidence/{body['id']}/").status_code == 204
    assert s3.keys() == []


def test_signed_downloads_redirect_members_to_a_short_lived_url_with_the_same_headers(
    world, client_for, api_for, s3, settings
):
    settings.STORAGE_DOWNLOADS = "signed"
    client = client_for(world.hki_staff)
    file = SimpleUploadedFile("Pöytäkirja.pdf", PDF, content_type="application/pdf")
    client.post(reverse("evidence-upload", args=[world.hki_activity.pk]), {"file": file})
    evidence = Evidence.objects.get(activity=world.hki_activity, original_name="Pöytäkirja.pdf")

    response = client.get(reverse("evidence-download", args=[evidence.pk]))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Expires"] == ["45"]
    assert location.startswith(settings.STORAGES["default"]["OPTIONS"]["endpoint_url"])
    with urllib.request.urlopen(location, timeout=10) as fetched:  # noqa: S310 (loopback)
        assert fetched.read() == PDF
        assert fetched.headers["Content-Type"] == "application/pdf"
        assert fetched.headers["Content-Disposition"] == (
            "attachment; filename*=utf-8''P%C3%B6yt%C3%A4kirja.pdf"
        )
    # The check comes first: no address is handed to someone who may not see the file.
    assert (
        client_for(world.outsider).get(reverse("evidence-download", args=[evidence.pk])).status_code
        == 404
    )
    api = api_for(world.hki_staff).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert api.status_code == 302

    s3.client.delete_object(Bucket=s3.bucket, Key=f"portal/{evidence.file.name}")
    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


def test_a_file_gone_from_the_bucket_is_not_found(world, client_for, s3):
    client = client_for(world.hki_staff)
    file = SimpleUploadedFile("gone.pdf", PDF, content_type="application/pdf")
    client.post(reverse("evidence-upload", args=[world.hki_activity.pk]), {"file": file})
    evidence = Evidence.objects.get(activity=world.hki_activity, original_name="gone.pdf")
    s3.client.delete_object(Bucket=s3.bucket, Key=f"portal/{evidence.file.name}")

    assert client.get(reverse("evidence-download", args=[evidence.pk])).status_code == 404


def test_a_report_rendered_in_the_background_is_stored_downloaded_replaced_and_deleted(
    world, client_for, api_for, s3, django_capture_on_commit_callbacks
):
    client = client_for(world.bj_staff)
    theme = world.themes[0]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("report-list"),
            {"plan": world.plan.pk, "theme": theme.pk, "language": "en", "as_of": "2021-12-31"},
        )
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    key = f"portal/{report.file.name}"
    assert s3.keys() == [key]
    stored = s3.body(key)
    assert stored.startswith(b"%PDF-") and len(stored) == report.size

    download = client.get(reverse("report-download", args=[report.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename=")
    assert _content(download) == stored
    assert _content(api_for(world.hki_staff).get(f"/api/v1/reports/{report.pk}/download/")) == (
        stored
    )
    outsider = client_for(world.outsider)
    assert outsider.get(reverse("report-download", args=[report.pk])).status_code == 404

    # Rendering again stores a new object and removes the one it replaces.
    with django_capture_on_commit_callbacks(execute=True):
        again = report_services.render_report(report.pk)
    assert again.status == ReportStatus.DONE
    assert s3.keys() == [f"portal/{again.file.name}"] != [key]

    with django_capture_on_commit_callbacks(execute=True):
        ProgressReport.objects.filter(pk=report.pk).delete()
    assert s3.keys() == []
