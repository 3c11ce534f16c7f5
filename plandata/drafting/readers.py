"""Read an uploaded plan text (.txt, .md, .docx, .pdf) into plain text.

Offsets in a draft are offsets into the text returned here, so the page that shows the source
highlights exactly what the parser read. Sizes are bounded: a huge or broken file is a clear
``DraftInputError`` (shown to the user), never a crash.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from django.utils.translation import gettext as _

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TEXT_CHARS = 500_000
MAX_PDF_PAGES = 200
KINDS = (".txt", ".md", ".docx", ".pdf")


class DraftInputError(ValueError):
    """The file cannot be read as a plan text; the message is for the user."""


def _clean(text: str) -> str:
    """Plain text with one newline convention and no control characters (OCR noise and binary
    junk must not reach the parser or the page)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    kept = []
    for ch in text:
        if ch in "\n\t" or unicodedata.category(ch)[0] != "C":
            kept.append(ch)
        elif ch == "\u00ad":
            continue
        else:
            kept.append(" ")
    return "".join(kept)


def _text_file(data: bytes) -> str:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DraftInputError(_("The text file is not UTF-8 text.")) from None


def _docx(data: bytes) -> str:
    try:
        import docx  # python-docx

        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several of its own on broken files
        raise DraftInputError(_("The Word file cannot be read (it may be damaged).")) from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n\n".join(lines)


def _pdf(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise DraftInputError(_("The PDF file is protected by a password."))
        pages = []
        for number, page in enumerate(reader.pages):
            if number >= MAX_PDF_PAGES:
                break
            pages.append(page.extract_text() or "")
    except DraftInputError:
        raise
    except Exception as exc:  # pypdf raises many kinds of error on a broken file
        raise DraftInputError(_("The PDF file cannot be read (it may be damaged).")) from exc
    text = "\n\n".join(pages)
    if not text.strip():
        raise DraftInputError(_("The PDF file has no text layer (a scan?); upload a text version."))
    return text


def read_plan_text(name: str, data: bytes) -> str:
    """The plain text of an uploaded plan file named ``name``; DraftInputError when it is of an
    unknown type, too large, empty or unreadable."""
    suffix = Path(name or "").suffix.lower()
    if suffix not in KINDS:
        raise DraftInputError(
            _("Files of this type cannot be read; upload a .txt, .md, .docx or .pdf file.")
        )
    if len(data) > MAX_FILE_BYTES:
        raise DraftInputError(_("The file is larger than 5 MB."))
    if not data:
        raise DraftInputError(_("The file is empty."))
    if suffix == ".docx":
        text = _docx(data)
    elif suffix == ".pdf":
        text = _pdf(data)
    else:
        text = _text_file(data)
    text = _clean(text)
    if len(text) > MAX_TEXT_CHARS:
        raise DraftInputError(_("The text is longer than 500,000 characters."))
    if not text.strip():
        raise DraftInputError(_("The file has no text."))
    return text


def read_plan_path(path: str | Path) -> str:
    """``read_plan_text`` for a file on disk (the command)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DraftInputError(_("The file is larger than 5 MB."))
        data = path.read_bytes()
    except OSError as exc:
        raise DraftInputError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
    return read_plan_text(path.name, data)
