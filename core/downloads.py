"""Sending a stored file (evidence, a rendered report) or a document made on request (an
export) as a download, pages and API alike."""

from __future__ import annotations

import io

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def attachment(file_field: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The stored file as a download named ``filename``; 404 when the file is gone from the
    storage or the row has none."""
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):  # ValueError: no file associated with the field
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def content_attachment(content: bytes, *, filename: str, content_type: str) -> FileResponse:
    """A document made on request (not stored) as a download named ``filename``."""
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
