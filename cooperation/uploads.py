"""Checks an uploaded evidence file by its content, not by the name it came with."""

from __future__ import annotations

from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# Detected MIME type -> file name endings that may carry it.
ALLOWED_TYPES = {
    "application/pdf": {".pdf"},
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {".docx"},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {".xlsx"},
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": {".pptx"},
    "application/vnd.oasis.opendocument.text": {".odt"},
    "application/vnd.oasis.opendocument.spreadsheet": {".ods"},
    "application/vnd.oasis.opendocument.presentation": {".odp"},
    "text/plain": {".txt"},
    "text/csv": {".csv"},
}
ALLOWED_ENDINGS = sorted({e for endings in ALLOWED_TYPES.values() for e in endings})
# Enough of the head of a file for every signature we accept (zip-based formats included).
HEAD_BYTES = 8192


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def _looks_like_text(head: bytes, *, whole: bool) -> bool:
    """UTF-8 text without NUL bytes. ``whole``: ``head`` is the entire file, not a sample."""
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text; an invalid
        # byte is not, nor is a truncated character at the real end of the file.
        return not whole and exc.reason == "unexpected end of data" and exc.start >= len(head) - 3
    return True


def inspect_upload(upload) -> str:
    """Return the file's MIME type, or raise ValidationError with a reason the user can act on."""
    if upload is None or not upload.size:
        raise ValidationError(_("The file is empty."))
    limit = max_upload_bytes()
    if upload.size > limit:
        raise ValidationError(
            _("The file is %(size)s; files may be at most %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    ending = Path(upload.name or "").suffix.lower()
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        mime = kind.mime
    elif ending in {".txt", ".csv"} and _looks_like_text(head, whole=len(head) >= upload.size):
        mime = "text/csv" if ending == ".csv" else "text/plain"
    else:
        mime = None
    if mime not in ALLOWED_TYPES:
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(endings)s.")
            % {"endings": ", ".join(ALLOWED_ENDINGS)}
        )
    if ending not in ALLOWED_TYPES[mime]:
        raise ValidationError(
            _("The file's name ends in “%(ending)s” but its content is not of that type.")
            % {"ending": ending or "—"}
        )
    return mime
