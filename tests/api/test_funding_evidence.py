"""Activity funding and evidence through the API: the same rules as the activity's page
(cooperation.services.funding, cooperation.services.evidence)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cooperation.models import Activity, Evidence, Funding
from tests.factories import EvidenceFactory, FundingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _url(activity, *rest) -> str:
    return "/".join([f"/api/v1/activities/{activity.pk}/funding", *map(str, rest)]) + "/"


def test_adding_funding_moves_the_activitys_version_and_etag(world, api_for):
    activity = world.hki_activity
    client = api_for(world.hki_staff)
    before = client.get(f"/api/v1/activities/{activity.pk}/")["ETag"]
    version = activity.version
    response = client.post(
        _url(activity),
        {
            "source": "first_city",
            "funder": "City of Helsinki",
            "amount": "1200.50",
            "currency": "eur",
        },
        format="json",
        HTTP_IF_MATCH=before,
    )
    assert response.status_code == 201, response.content
    assert response.json()["currency"] == "EUR"
    assert response.json()["amount"] == "1200.50"
    activity.refresh_from_db()
    assert activity.version == version + 1
    assert activity.updated_by == world.hki_staff
    assert response["ETag"] != before
    assert client.get(f"/api/v1/activities/{activity.pk}/")["ETag"] == response["ETag"]
    listed = client.get(_url(activity)).json()
    # Written as a plain string: the request language's text (English here).
    assert [f["funder"] for f in listed] == [{"en": "City of Helsinki", "zh-hans": ""}]
    # The old ETag is stale now: nothing changes.
    stale = client.post(
        _url(activity),
        {"source": "first_city", "amount": "1"},
        format="json",
        HTTP_IF_MATCH=before,
    )
    assert stale.status_code == 412
    assert Funding.objects.filter(activity=activity).count() == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"currency": "EURO"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"source": "moon"}, "source"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_funding_is_refused_naming_the_field(world, api_for, data, field):
    activity = world.hki_activity
    version = activity.version
    payload = {"source": "first_city", "amount": "10.00", "currency": "EUR", **data}
    response = api_for(world.hki_coordinator).post(_url(activity), payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Funding.objects.filter(activity=activity).exists()
    activity.refresh_from_db()
    assert activity.version == version


def test_changing_and_removing_funding(world, api_for):
    activity = world.hki_activity
    funding = FundingFactory(activity=activity, amount=Decimal("5"))
    client = api_for(world.hki_coordinator)
    response = client.patch(_url(activity, funding.pk), {"amount": "-5"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["amount"] == ["The amount cannot be negative."]
    response = client.patch(_url(activity, funding.pk), {"currency": "CNY"}, format="json")
    assert response.status_code == 200
    funding.refresh_from_db()
    assert (funding.currency, funding.amount) == ("CNY", Decimal("5"))
    version = Activity.objects.get(pk=activity.pk).version
    assert client.delete(_url(activity, funding.pk)).status_code == 204
    assert not Funding.objects.filter(pk=funding.pk).exists()
    assert Activity.objects.get(pk=activity.pk).version == version + 1
    # Funding of another activity is not found under this one.
    other = FundingFactory(activity=world.bj_activity)
    assert client.delete(_url(activity, other.pk)).status_code == 404
    assert client.delete(_url(activity, "x")).status_code == 404


def _evidence_url(activity) -> str:
    return f"/api/v1/activities/{activity.pk}/evidence/"


def test_evidence_upload_list_download_and_delete(world, api_for):
    activity = world.hki_activity
    client = api_for(world.hki_staff)
    upload = SimpleUploadedFile("minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(
        _evidence_url(activity), {"file": upload, "description": "Minutes"}, format="multipart"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["name"], body["content_type"], body["size"]) == (
        "minutes.pdf",
        "application/pdf",
        len(PDF),
    )
    assert [e["id"] for e in client.get(_evidence_url(activity)).json()] == [body["id"]]
    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF
    assert api_for(world.outsider).get(body["download_url"]).status_code == 404
    assert api_for(world.bj_staff).delete(f"/api/v1/evidence/{body['id']}/").status_code == 403
    assert client.delete(f"/api/v1/evidence/{body['id']}/").status_code == 204
    assert not Evidence.objects.filter(pk=body["id"]).exists()


def test_an_evidence_file_gone_from_the_storage_is_not_found(world, api_for):
    evidence = EvidenceFactory(activity=world.hki_activity)
    evidence.file.storage.delete(evidence.file.name)

    response = api_for(world.hki_staff).get(f"/api/v1/evidence/{evidence.pk}/download/")

    assert response.status_code == 404


def test_evidence_too_big_or_of_the_wrong_type_is_refused(world, api_for, settings):
    settings.MAX_UPLOAD_MB = 1
    activity = world.hki_activity
    client = api_for(world.hki_coordinator)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024), content_type="application/pdf")
    response = client.post(_evidence_url(activity), {"file": big}, format="multipart")
    assert response.status_code == 400
    assert "at most" in response.json()["errors"]["file"][0]
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(_evidence_url(activity), {"file": exe}, format="multipart")
    assert response.status_code == 400
    assert "not accepted" in response.json()["errors"]["file"][0]
    png_named_pdf = SimpleUploadedFile("x.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    response = client.post(_evidence_url(activity), {"file": png_named_pdf}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    # JSON is not an upload.
    assert client.post(_evidence_url(activity), {}, format="json").status_code == 415
    assert not Evidence.objects.filter(activity=activity).exists()


def test_evidence_of_another_partnership_is_not_found(world, api_for):
    theirs = EvidenceFactory(activity=world.other_activity)
    client = api_for(world.hki_coordinator)
    assert client.get(f"/api/v1/evidence/{theirs.pk}/").status_code == 404
    assert client.delete(f"/api/v1/evidence/{theirs.pk}/").status_code == 404
    assert Evidence.objects.filter(pk=theirs.pk).exists()
