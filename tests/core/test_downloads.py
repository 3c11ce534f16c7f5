"""A stored file as a download: named, typed, and 404 when the file is gone."""

import pytest
from django.http import Http404

from core.downloads import attachment
from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db


def test_a_stored_file_is_an_attachment_with_its_name_and_type():
    evidence = EvidenceFactory()

    response = attachment(evidence.file, filename="minutes.pdf", content_type="application/pdf")

    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.4\n%%EOF\n"
    response.close()


def test_a_file_gone_from_the_storage_is_not_found():
    evidence = EvidenceFactory()
    evidence.file.storage.delete(evidence.file.name)

    with pytest.raises(Http404):
        attachment(evidence.file, filename="x.pdf", content_type="application/pdf")


def test_a_row_without_a_file_is_not_found():
    evidence = EvidenceFactory()
    evidence.file = None

    with pytest.raises(Http404):
        attachment(evidence.file, filename="x.pdf", content_type="application/pdf")
