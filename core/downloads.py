"""Sending a stored file (evidence, a rendered report) as a download, pages and API alike."""

from __future__ import annotations

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
