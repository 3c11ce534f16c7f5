"""Sending a stored file (evidence, a rendered report) or a document made on request (an
export) as a download, pages and API alike.

Every caller has checked who may see the file first. The file then leaves one of two ways
(``settings.STORAGE_DOWNLOADS``): streamed through Django from whatever storage holds it (the
default: the check holds for every byte and the storage need not be reachable from browsers),
or, with object storage, as a redirect to a signed URL that expires after the storage's
``querystring_expire`` (``STORAGE_SIGNED_URL_SECONDS``; the web workers then carry no bytes).
"""

from __future__ import annotations

import io

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def attachment(
    file_field: FieldFile, *, filename: str, content_type: str
) -> FileResponse | HttpResponseRedirect:
    """The stored file as a download named ``filename``; 404 when the file is gone from the
    storage or the row has none."""
    if not file_field:
        raise Http404
    if settings.STORAGE_DOWNLOADS == "signed":
        return _signed_redirect(file_field, filename=filename, content_type=content_type)
    try:
        handle = file_field.open("rb")
    except (FileNotFoundError, ValueError):  # ValueError: no file associated with the field
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


def _signed_redirect(file_field: FieldFile, *, filename: str, content_type: str):
    storage = file_field.storage
    if not storage.exists(file_field.name):
        raise Http404
    # The object storage answers with the same name and type a streamed download has.
    url = storage.url(
        file_field.name,
        parameters={
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        },
    )
    response = HttpResponseRedirect(url)
    # The address is a key to the file until it expires: no cache may keep or share it.
    patch_cache_control(response, private=True, no_store=True)
    response["Referrer-Policy"] = "no-referrer"
    return response


def content_attachment(content: bytes, *, filename: str, content_type: str) -> FileResponse:
    """A document made on request (not stored) as a download named ``filename``."""
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type
    )
