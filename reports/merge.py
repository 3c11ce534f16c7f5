"""Merging the parts of a report laid out apart into one PDF (pypdf).

The parts are appended in order; each page then gets the overlay's page of the same number
(running title, "Page x of y") drawn on top as a form XObject, which costs no parsing of the
page's own content. The outline is rebuilt from the headings' bookmark levels across parts,
the contents' links to other parts become link annotations, and the document information and
language are those of the front matter, which WeasyPrint wrote from the report's <head>.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
)

# WeasyPrint's unit: one CSS pixel is 0.75 pt.
PT_PER_PX = 0.75


def _form_of(writer: PdfWriter, page) -> DecodedStreamObject:
    """The overlay ``page`` as a form XObject of ``writer`` (its content and resources, which
    the overlay's pages share and pypdf copies once)."""
    form = DecodedStreamObject()
    contents = page.get_contents()  # a stream object: empty as a dict, so no truth test
    form.set_data(contents.get_data() if contents is not None else b"")
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject(FloatObject(v) for v in page.mediabox)
    resources = page.get("/Resources")
    if resources is not None:
        form[NameObject("/Resources")] = resources.clone(writer)
    return form


def _stamp(writer: PdfWriter, page, overlay_page, name: str) -> None:
    """Draw ``overlay_page`` over ``page``: the page's own content wrapped in q … Q, so that
    whatever state it leaves cannot move the overlay."""
    form_ref = writer._add_object(_form_of(writer, overlay_page))
    resources = page[NameObject("/Resources")].get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject(name)] = form_ref
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    after.set_data(b"\nQ q " + name.encode() + b" Do Q\n")
    contents = page.get("/Contents")
    existing = contents.get_object() if contents is not None else ArrayObject()
    if not isinstance(existing, ArrayObject):
        existing = ArrayObject([contents])
    page[NameObject("/Contents")] = ArrayObject(
        [writer._add_object(before), *existing, writer._add_object(after)]
    )


def merge(
    pdfs: list[bytes],
    overlay: bytes,
    *,
    bookmarks: list[tuple],
    links: list[tuple],
    output,
) -> int:
    """Write the merged report to ``output`` (a path or a binary file); returns its pages.

    ``bookmarks``: (level, label, page index, x, y) in the merged numbering, in order;
    ``links``: (page index, (x, y, width, height), target page index), CSS pixels from the top.
    The first of ``pdfs`` (the front matter) gives the metadata and language.
    """
    writer = PdfWriter()
    front = PdfReader(io.BytesIO(pdfs[0]))
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)), import_outline=False)
    overlay_pages = PdfReader(io.BytesIO(overlay)).pages
    if len(overlay_pages) != len(writer.pages):
        raise ValueError(f"overlay of {len(overlay_pages)} pages for {len(writer.pages)}")
    for number, (page, overlay_page) in enumerate(zip(writer.pages, overlay_pages, strict=True)):
        if number:  # the cover carries neither title nor number
            _stamp(writer, page, overlay_page, f"/ReportOverlay{number}")

    heights = [float(page.mediabox.height) for page in writer.pages]
    for page_index, (x, y, width, height), target in links:
        top = heights[page_index]
        annotation = writer.add_annotation(
            page_index,
            Link(
                rect=(
                    x * PT_PER_PX,
                    top - (y + height) * PT_PER_PX,
                    (x + width) * PT_PER_PX,
                    top - y * PT_PER_PX,
                ),
                target_page_index=target,
            ),
        )
        # pypdf writes the target as a page number, which only a link to another file may
        # use: point it at the page object.
        annotation[NameObject("/Dest")] = ArrayObject(
            [writer.pages[target].indirect_reference, NameObject("/Fit")]
        )
    _add_outline(writer, bookmarks, heights)

    info = front.metadata or {}
    writer.add_metadata({key: value for key, value in info.items() if key != "/Producer"})
    root = writer._root_object
    lang = front.trailer["/Root"].get("/Lang")
    if lang is not None:
        root[NameObject("/Lang")] = lang
    root[NameObject("/PageMode")] = NameObject("/UseOutlines")
    # The same report renders to the same bytes: no producer's version, no random /ID.
    writer.add_metadata({"/Producer": info.get("/Producer", "WeasyPrint")})
    writer.write(output)
    return len(writer.pages)


def _add_outline(writer: PdfWriter, bookmarks: list[tuple], heights: list[float]) -> None:
    """The outline as WeasyPrint builds it: each heading under the last one of a lower level."""
    from pypdf.generic import Fit

    stack: list[tuple[int, object]] = []
    for level, label, page_index, x, y in bookmarks:
        while stack and stack[-1][0] >= level:
            stack.pop()
        item = writer.add_outline_item(
            label,
            page_index,
            parent=stack[-1][1] if stack else None,
            fit=Fit.xyz(left=x * PT_PER_PX, top=heights[page_index] - y * PT_PER_PX),
        )
        stack.append((level, item))
