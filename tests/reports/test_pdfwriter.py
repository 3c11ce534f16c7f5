"""The report's merge writes as it goes (``reports.pdfwriter``, ``reports.pdfcopy``): objects
numbered before they are written, small ones packed in object streams, a part's objects
copied renumbered with only what its pages reach, and a file qpdf and pypdf read back."""

from __future__ import annotations

import io

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name
from pypdf import PdfReader

from reports import merge, pdfwriter
from reports.pdfcopy import Copy
from reports.pdfwriter import PdfWriter


def written(build) -> pikepdf.Pdf:
    """The PDF ``build(writer)`` writes, its catalogue's number returned, read back by qpdf
    with no complaint, and by pypdf."""
    out = io.BytesIO()
    writer = PdfWriter(out)
    root = build(writer)
    writer.close(root)
    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    assert pdf.check_pdf_syntax() == []
    assert len(PdfReader(io.BytesIO(out.getvalue())).pages) == len(pdf.pages)
    pdf.raw = out.getvalue()
    return pdf


def one_page(writer: PdfWriter, contents: int) -> int:
    pages, page, root = writer.reserve(), writer.reserve(), writer.reserve()
    writer.add(root, b"<< /Type /Catalog /Pages %d 0 R >>" % pages)
    writer.add(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    writer.add(
        page,
        b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 200 100] /Resources << >> "
        b"/Contents %d 0 R >>" % (pages, contents),
    )
    return root


def test_an_object_may_point_at_one_written_later_and_many_fill_object_streams():
    count = pdfwriter.OBJECTS_PER_STREAM * 2 + 7

    def build(writer):
        contents = writer.reserve()
        root = one_page(writer, contents)
        numbers = [writer.reserve() for _ in range(count)]
        for i, number in enumerate(numbers):
            writer.add(number, b"<< /Index %d /Text (%d 0 R) >>" % (i, i))
        writer.add_stream(contents, b"", b"BT ET")
        return root

    pdf = written(build)
    assert len(pdf.pages) == 1
    assert pdf.pages[0].Contents.read_bytes() == b"BT ET"
    texts = {
        int(o.Index): str(o.Text)
        for o in pdf.objects
        if isinstance(o, Dictionary) and "/Index" in o
    }
    assert texts == {i: f"{i} 0 R" for i in range(count)}
    # Packed a hundred at a time; the page's content stream on its own.
    assert pdf.raw.count(b"/Type /ObjStm") == 3
    assert pdf.raw.count(b" obj\n") == 3 + 1 + 1  # and the cross-reference stream


def test_the_same_objects_make_the_same_bytes_and_identifier():
    def bytes_of():
        out = io.BytesIO()
        writer = PdfWriter(out)
        contents = writer.reserve()
        root = one_page(writer, contents)
        writer.add_stream(contents, b"", b"BT ET")
        writer.close(root)
        return out.getvalue()

    first = bytes_of()
    assert first == bytes_of()
    trailer = PdfReader(io.BytesIO(first)).trailer
    assert len(trailer["/ID"]) == 2


def test_a_number_reserved_and_never_written_or_written_twice_is_refused():
    writer = PdfWriter(io.BytesIO())
    contents = writer.reserve()
    root = one_page(writer, contents)
    with pytest.raises(ValueError, match="never written"):
        writer.close(root)
    writer = PdfWriter(io.BytesIO())
    number = writer.reserve()
    writer.add_stream(number, b"", b"x")
    with pytest.raises(ValueError, match="twice"):
        writer.add_stream(number, b"", b"y")


def source_pdf() -> pikepdf.Pdf:
    """A page whose annotation and strings look like references, and an outline the page
    does not reach."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 100))
    page = pdf.pages[0]
    page.obj.Contents = pdf.make_stream(b"BT /F1 12 Tf (1 0 R) Tj ET")
    note = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Text,
            Rect=[0, 0, 10, 10],
            Contents=pikepdf.String("see 2 0 R (and \\ this)"),
            NM=pikepdf.String(b"\x00\xff 3 0 R"),
        )
    )
    page.obj.Annots = Array([note])
    note.P = page.obj
    with pdf.open_outline() as outline:
        outline.root.append(pikepdf.OutlineItem("Only in the outline", 0))
    return pdf


def copied(source: pikepdf.Pdf, *also) -> tuple[pikepdf.Pdf, Copy]:
    """``source``'s first page copied alone into a new PDF (its catalogue naming ``also``,
    (name, object) of ``source``, too), read back by qpdf and pypdf; and the copy."""
    done = {}

    def build(writer):
        copy = Copy(writer, source)
        pages = writer.reserve()
        copy.fix(source.Root.Pages, pages)
        page = copy.number(source.pages[0].obj)
        extra = b"".join(b" %s %s" % (name, copy.syntax(obj)) for name, obj in also)
        copy.drain()
        done["copy"] = copy
        root = writer.reserve()
        writer.add(root, b"<< /Type /Catalog /Pages %d 0 R%s >>" % (pages, extra))
        writer.add(pages, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
        return root

    return written(build), done["copy"]


def test_a_copy_renumbers_references_and_leaves_strings_alone():
    pdf, copy = copied(source_pdf())
    page = pdf.pages[0]
    note = page.obj.Annots[0]
    assert str(note.Contents) == "see 2 0 R (and \\ this)"
    assert bytes(note.NM) == b"\x00\xff 3 0 R"
    assert note.P.objgen == page.obj.objgen
    assert page.Contents.read_bytes() == b"BT /F1 12 Tf (1 0 R) Tj ET"
    # Only what the page reaches: the outline stayed behind.
    assert "/Outlines" not in pdf.Root
    titles = [o for o in pdf.objects if isinstance(o, Dictionary) and "/Title" in o]
    assert titles == []
    assert len(copy.numbers) == 4  # the page tree (fixed), page, contents, note


def test_an_uncompressed_stream_is_compressed_when_copied_but_the_metadata():
    source = source_pdf()
    xmp = b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"/>'
    metadata = source.make_stream(xmp, Type=Name.Metadata, Subtype=Name.XML)
    pdf, _copy = copied(source, (b"/Metadata", metadata))
    assert pdf.pages[0].Contents.Filter == "/FlateDecode"
    assert pdf.pages[0].Contents.read_bytes() == b"BT /F1 12 Tf (1 0 R) Tj ET"
    assert "/Filter" not in pdf.Root.Metadata
    assert xmp in pdf.raw


def test_the_merge_writes_each_part_as_it_is_appended():
    """What the merge holds of a part ends with ``append``: its objects are in the output
    already (before, qpdf held them all until the report was saved)."""
    part = io.BytesIO()
    source_pdf().save(part)
    out = io.BytesIO()
    merging = merge.Merge(out)
    sizes = []
    for _ in range(3):
        merging.append(part.getvalue())
        sizes.append(out.tell())
    assert sizes[0] < sizes[1] < sizes[2]


def plain_pdf(marks: list[str], **docinfo) -> bytes:
    """Pages that draw nothing but carry ``marks`` in their content, one a page."""
    pdf = pikepdf.new()
    for mark in marks:
        pdf.add_blank_page(page_size=(200, 100))
        pdf.pages[-1].obj.Contents = pdf.make_stream(f"% {mark}\n".encode())
    for key, value in docinfo.items():
        pdf.docinfo[f"/{key}"] = value
    if docinfo:
        pdf.Root.Lang = pikepdf.String("en")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_merge_puts_the_front_first_and_keeps_outline_links_overlay_and_metadata():
    out = io.BytesIO()
    merging = merge.Merge(out)
    merging.append(plain_pdf(["part 1 page 1", "part 1 page 2"]))
    merging.append(plain_pdf(["part 2 page 1", "part 2 page 2"]))
    front = plain_pdf(["cover", "contents"], Title="Report (1) \\ 报告", Producer="WeasyPrint")
    overlay = plain_pdf([f"overlay {n}" for n in range(1, 7)])
    label = "Chapter (1) \\ 第一章"
    pages = merging.finish(
        front,
        overlay,
        bookmarks=[(1, label, 2, 0, 0), (2, "Section", 3, 10, 20), (1, "Chapter 2", 4, 0, 0)],
        links=[(1, (0, 0, 10, 10), 4)],
    )
    assert pages == 6
    pdf = pikepdf.open(io.BytesIO(out.getvalue()))
    assert pdf.check_pdf_syntax() == []
    marks = ["cover", "contents", "part 1 page 1", "part 1 page 2", "part 2 page 1"]
    for page, mark in zip(pdf.pages, [*marks, "part 2 page 2"], strict=True):
        assert f"% {mark}".encode() in b"".join(c.read_bytes() for c in _contents(page))
    # The cover carries no overlay; every other page draws its own page of it.
    assert "/ReportOverlay" not in pdf.pages[0].Resources.get("/XObject", {})
    for number, page in enumerate(pdf.pages[1:], start=2):
        form = page.Resources.XObject.ReportOverlay
        assert form.read_bytes().endswith(f"% overlay {number}\n".encode())
    with pdf.open_outline() as outline:
        top = outline.root
        assert [str(item.title) for item in top] == [label, "Chapter 2"]
        assert [str(item.title) for item in top[0].children] == ["Section"]
        destinations = [top[0].destination[0], top[0].children[0].destination[0]]
        assert [d.objgen for d in destinations] == [pdf.pages[2].objgen, pdf.pages[3].objgen]
    (link,) = pdf.pages[1].Annots
    assert link.Dest[0].objgen == pdf.pages[4].objgen
    assert str(pdf.docinfo.Title) == "Report (1) \\ 报告"
    assert str(pdf.docinfo.Producer) == "WeasyPrint"
    assert str(pdf.Root.Lang) == "en"


def _contents(page) -> list:
    contents = page.obj.Contents
    return list(contents) if isinstance(contents, Array) else [contents]


def test_an_overlay_of_another_page_count_is_refused():
    merging = merge.Merge(io.BytesIO())
    merging.append(plain_pdf(["part"]))
    with pytest.raises(ValueError, match="overlay of 3 pages for 2"):
        merging.finish(plain_pdf(["cover"]), plain_pdf(["a", "b", "c"]), bookmarks=[], links=[])
