"""cooperation.uploads.inspect_upload: files are judged by their content, not their name."""

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from cooperation.uploads import ALLOWED_ENDINGS, inspect_upload

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def png_bytes() -> bytes:
    """A valid 1×1 greyscale PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")  # filter byte + one grey pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    """A valid 2×2 JPEG (Pillow is installed with WeasyPrint)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n"
        b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def docx_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as docx:
        docx.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        docx.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Minutes</w:t></w:r></w:p></w:body></w:document>",
        )
    return out.getvalue()


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    # The browser's claimed type is deliberately wrong: it must not matter.
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as excinfo:
        inspect_upload(upload(name, content))
    (message,) = excinfo.value.messages
    return message


# --- accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "mime"),
    [
        ("minutes.pdf", pdf_bytes, "application/pdf"),
        ("photo.png", png_bytes, "image/png"),
        ("PHOTO.PNG", png_bytes, "image/png"),
        ("photo.jpg", jpeg_bytes, "image/jpeg"),
        ("photo.jpeg", jpeg_bytes, "image/jpeg"),
        ("minutes.docx", docx_bytes, DOCX),
    ],
)
def test_it_accepts_real_documents_and_images(name, make, mime):
    assert inspect_upload(upload(name, make())) == mime


def test_it_builds_images_that_really_are_images():
    from PIL import Image

    assert Image.open(io.BytesIO(png_bytes())).size == (1, 1)
    assert Image.open(io.BytesIO(jpeg_bytes())).format == "JPEG"


def test_it_accepts_utf8_text_and_csv():
    text = "Action plan 行动计划\nToimintasuunnitelma\n".encode()
    table = "theme,activities\n经济,3\nEducation,2\n".encode()

    assert inspect_upload(upload("notes.txt", text)) == "text/plain"
    assert inspect_upload(upload("activities.csv", table)) == "text/csv"


def test_it_accepts_long_text_whose_sample_cuts_a_character():
    # 3 bytes a character: the 8 KiB sample ends in the middle of one.
    assert inspect_upload(upload("notes.txt", ("汉" * 5000).encode())) == "text/plain"


def test_it_leaves_the_file_ready_to_be_saved():
    file = upload("minutes.pdf", pdf_bytes())

    inspect_upload(file)

    assert file.tell() == 0
    assert file.read() == pdf_bytes()


def test_it_accepts_a_file_of_exactly_the_limit(settings):
    settings.MAX_UPLOAD_MB = 1

    assert inspect_upload(upload("big.txt", b"a" * (1024 * 1024))) == "text/plain"


# --- refused --------------------------------------------------------------------------------


def test_it_refuses_an_empty_file():
    assert refusal("empty.pdf", b"") == "The file is empty."


def test_it_refuses_a_file_over_the_limit(settings):
    settings.MAX_UPLOAD_MB = 1

    message = refusal("big.txt", b"a" * (1024 * 1024 + 1))

    assert "at most 1.0\xa0MB" in message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, "This is a Windows program:"),
        ("report.pdf", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120, "This is a program, not a PDF."),
        (
            "page.html",
            b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
            "This is an HTML file:",
        ),
        ("page.pdf", b"<html><body>Not a PDF</body></html>", "This is an HTML file, not a PDF."),
        ("notes.pdf", b"Minutes of the meeting", "This is a text file, not a PDF."),
        ("archive.zip", zip_bytes(), "This is a ZIP archive:"),
        ("backup.pdf", b"\x1f\x8b\x08" + b"\x00" * 30, "This is a GZ file, not a PDF."),
    ],
    ids=["windows-executable", "elf-named-pdf", "html", "html-named-pdf", "text", "zip", "gzip"],
)
def test_a_refusal_says_what_the_file_really_is(name, content, message):
    # Judged by the content: the name only says what the file was meant to be.
    refused = refusal(name, content)

    assert refused.startswith(message)
    if not refused.endswith("not a PDF."):
        assert refused.endswith("Accepted: " + ", ".join(ALLOWED_ENDINGS) + ".")


def test_it_refuses_a_png_named_pdf():
    assert refusal("scan.pdf", png_bytes()) == "This is a PNG image, not a PDF."


def test_a_pdf_named_docx_is_called_a_pdf():
    assert refusal("minutes.docx", pdf_bytes()) == "This is a PDF, not a Word document."


def test_it_refuses_a_pdf_without_an_ending():
    assert "“—”" in refusal("minutes", pdf_bytes())


@pytest.mark.parametrize(
    "content",
    [
        bytes(range(256)),
        b"\x00\x01\x02\x03binary",
        b"\xff\xfe\xfd",
        "café".encode("latin-1"),
    ],
    ids=["all-bytes", "nul-bytes", "short-invalid", "latin-1"],
)
def test_it_refuses_a_txt_that_is_not_utf8_text(content):
    assert refusal("notes.txt", content).startswith("This type of file is not accepted.")


def test_it_refuses_binary_named_csv():
    assert refusal("data.csv", b"\x00" * 64).startswith("This type of file is not accepted.")


# --- the messages are the user's language ---------------------------------------------------


def _has_chinese_catalogue() -> bool:
    return (Path(django_settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.mo").exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.pdf", b""),
        ("tool.exe", b"MZ\x90\x00" + b"\x00" * 120),
        ("scan.pdf", png_bytes()),
    ],
    ids=["empty", "type", "ending"],
)
def test_it_explains_refusals_in_chinese(name, content):
    if not _has_chinese_catalogue():
        pytest.skip("no compiled zh_Hans catalogue yet")
    english = refusal(name, content)

    with translation.override("zh-hans"):
        chinese = refusal(name, content)

    assert chinese != english
    assert "%(" not in chinese
