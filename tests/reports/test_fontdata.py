"""A font's whole file is not copied while a PDF is written (``reports.fontdata``), and the
PDF is the same as WeasyPrint's own."""

from __future__ import annotations

import io

import pikepdf
import pytest
from weasyprint.pdf import fonts

from reports import fontdata, rendering

HTML = (
    f'<link rel="stylesheet" href="{rendering.static_url("reports/report.css")}">'
    "<h1>Progress report 进展报告</h1><p>Smart city cooperation <b>智慧城市合作</b></p>"
)

#: Far below the Noto Sans CJK collection (about 20 MB a weight), far above a subset of it.
WHOLE_FILE = 5 * 1024 * 1024


def write(tagged: bool = False) -> bytes:
    return rendering.write_pdf(rendering.lay_out(HTML), tagged=tagged)


def test_no_whole_font_file_is_copied(monkeypatch):
    fontdata.install()
    sizes: list[int] = []
    original = fontdata._face_data

    def counting(face, *args, **kwargs):
        data = original(face, *args, **kwargs)
        sizes.append(len(data or b""))
        return data

    # WeasyPrint's subsetter and this module's lazy reader both go through the counter.
    monkeypatch.setattr(fontdata, "_face_data", counting)
    monkeypatch.setattr(fonts, "get_hb_object_data", counting)
    pdf = write()
    assert sizes, "the fonts were subset through HarfBuzz"
    assert max(sizes) < WHOLE_FILE, sizes
    with pikepdf.open(io.BytesIO(pdf)) as document:
        embedded = []
        for page in document.pages:
            for font in page.Resources.Font.values():
                for face in font.get("/DescendantFonts", [font]):
                    descriptor = face.get("/FontDescriptor", {})
                    for name in ("/FontFile2", "/FontFile3"):
                        if name in descriptor:
                            embedded.append(len(descriptor[name].read_bytes()))
    assert embedded and max(embedded) < WHOLE_FILE


def test_a_font_made_reads_its_file_only_when_asked():
    fontdata.install()
    document = rendering.lay_out(HTML)
    made = []
    init = fonts.Font.__init__

    def record(self, *args, **kwargs):
        init(self, *args, **kwargs)
        made.append(self)

    fonts.Font.__init__ = record
    try:
        rendering.write_pdf(document, tagged=False)
    finally:
        fonts.Font.__init__ = init
    assert made
    # Subset while written: the subset replaced the (never read) whole file.
    assert all(len(font.file_content) < WHOLE_FILE for font in made)
    # A font never subset reads the whole file on first use, as WeasyPrint's own would.
    fresh = object.__new__(fonts.Font)
    fresh.hb_face = made[0].hb_face
    assert len(fresh.file_content) > len(made[0].file_content)


@pytest.mark.parametrize("tagged", [False, True])
def test_the_pdf_is_weasyprints_own(monkeypatch, tagged):
    fontdata.install()
    lazy = write(tagged)
    # WeasyPrint's own Font, for comparison.
    monkeypatch.setattr(fonts.Font, "__init__", fontdata._init)
    monkeypatch.delattr(fonts.Font, "file_content")
    own = write(tagged)
    assert lazy == own
