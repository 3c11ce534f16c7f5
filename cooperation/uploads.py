"""Checks an uploaded evidence file by its content, not by the name it came with."""

from __future__ import annotations

from pathlib import Path

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
# What a file is, in words: by the type its content shows (the accepted ones and a few that
# people upload by mistake); any other detected type is named by its usual ending.
KIND_NAMES = {
    "application/pdf": gettext_lazy("a PDF"),
    "image/png": gettext_lazy("a PNG image"),
    "image/jpeg": gettext_lazy("a JPEG image"),
    "image/gif": gettext_lazy("a GIF image"),
    "image/webp": gettext_lazy("a WebP image"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": gettext_lazy(
        "a Word document"
    ),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": gettext_lazy(
        "an Excel workbook"
    ),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": gettext_lazy(
        "a PowerPoint presentation"
    ),
    "application/vnd.oasis.opendocument.text": gettext_lazy("an OpenDocument text"),
    "application/vnd.oasis.opendocument.spreadsheet": gettext_lazy("an OpenDocument spreadsheet"),
    "application/vnd.oasis.opendocument.presentation": gettext_lazy("an OpenDocument presentation"),
    "text/plain": gettext_lazy("a text file"),
    "text/csv": gettext_lazy("a CSV file"),
    "text/html": gettext_lazy("an HTML file"),
    "application/zip": gettext_lazy("a ZIP archive"),
    "application/x-msdownload": gettext_lazy("a Windows program"),
    "application/x-executable": gettext_lazy("a program"),
}
# What a file's name says it is (only the accepted endings).
ENDING_TYPES = {ending: mime for mime, endings in ALLOWED_TYPES.items() for ending in endings}
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


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower()
    return start.startswith((b"<!doctype html", b"<html")) or (
        start.startswith(b"<") and b"<html" in head[:1024].lower()
    )


def _what_it_is(head: bytes, kind, *, whole: bool) -> str | None:
    """The file's type in words, from its content; None when it cannot be told."""
    if kind is not None:
        return str(
            KIND_NAMES.get(kind.mime) or _("a %(kind)s file") % {"kind": kind.extension.upper()}
        )
    if _looks_like_text(head, whole=whole):
        return str(KIND_NAMES["text/html" if _looks_like_html(head) else "text/plain"])
    return None


def _refusal(what: str | None, ending: str) -> ValidationError:
    """Why the file is refused, naming what it really is when its content tells."""
    claimed = ENDING_TYPES.get(ending)
    if what and claimed:
        return ValidationError(
            _("This is %(what)s, not %(claimed)s.") % {"what": what, "claimed": KIND_NAMES[claimed]}
        )
    if what:
        return ValidationError(
            _("This is %(what)s: that type of file is not accepted. Accepted: %(endings)s.")
            % {"what": what, "endings": ", ".join(ALLOWED_ENDINGS)}
        )
    return ValidationError(
        _("This type of file is not accepted. Accepted: %(endings)s.")
        % {"endings": ", ".join(ALLOWED_ENDINGS)}
    )


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
    if mime in ALLOWED_TYPES and ending in ALLOWED_TYPES[mime]:
        return mime
    if mime in ALLOWED_TYPES and not ending:
        raise ValidationError(
            _("The file's name ends in “%(ending)s” but its content is not of that type.")
            % {"ending": "—"}
        )
    raise _refusal(_what_it_is(head, kind, whole=len(head) >= upload.size), ending)
