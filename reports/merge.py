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
    TextStringObject,
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


def _stamp(writer: PdfWriter, page, overlay_page, name: str, *, artifact: bool) -> None:
    """Draw ``overlay_page`` over ``page``: the page's own content wrapped in q … Q, so that
    whatever state it leaves cannot move the overlay; in a tagged report marked as an
    artifact (pagination, as WeasyPrint marks its own running headers)."""
    form_ref = writer._add_object(_form_of(writer, overlay_page))
    resources = page[NameObject("/Resources")].get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject(name)] = form_ref
    before, after = DecodedStreamObject(), DecodedStreamObject()
    before.set_data(b"q\n")
    draw = b"q " + name.encode() + b" Do Q"
    if artifact:
        draw = b"/Artifact <</Type /Pagination>> BDC " + draw + b" EMC"
    after.set_data(b"\nQ " + draw + b"\n")
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
    tagged: bool = False,
) -> int:
    """Write the merged report to ``output`` (a path or a binary file); returns its pages.

    ``bookmarks``: (level, label, page index, x, y) in the merged numbering, in order;
    ``links``: (page index, (x, y, width, height), target page index), CSS pixels from the top.
    The first of ``pdfs`` (the front matter) gives the metadata and language. ``tagged``: the
    parts are tagged PDF/UA-1 and so is the merged report (``structure_merge``).
    """
    writer = PdfWriter()
    readers = [PdfReader(io.BytesIO(pdf)) for pdf in pdfs]
    front = readers[0]
    for reader in readers:
        writer.append(reader, import_outline=False)
    overlay_pages = PdfReader(io.BytesIO(overlay)).pages
    if len(overlay_pages) != len(writer.pages):
        raise ValueError(f"overlay of {len(overlay_pages)} pages for {len(writer.pages)}")
    for number, (page, overlay_page) in enumerate(zip(writer.pages, overlay_pages, strict=True)):
        if number:  # the cover carries neither title nor number
            _stamp(writer, page, overlay_page, f"/ReportOverlay{number}", artifact=tagged)

    heights = [float(page.mediabox.height) for page in writer.pages]
    added = []
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
        # What the link is, for those who do not see it (PDF/UA), as WeasyPrint says it.
        annotation[NameObject("/Contents")] = TextStringObject(f"{target + 1}")
        added.append((page_index, annotation.indirect_reference))
    _add_outline(writer, bookmarks, heights)

    info = front.metadata or {}
    writer.add_metadata({key: value for key, value in info.items() if key != "/Producer"})
    root = writer._root_object
    front_root = front.trailer["/Root"]
    lang = front_root.get("/Lang")
    if lang is not None:
        root[NameObject("/Lang")] = lang
    if tagged:
        from .structure_merge import merge_structure

        merge_structure(writer, readers, added)
        # The front's own tagged-PDF entries: marked, its title shown, its XMP (PDF/UA-1).
        for name in ("/MarkInfo", "/ViewerPreferences"):
            if name in front_root:
                root[NameObject(name)] = front_root[name].clone(writer)
        if "/Metadata" in front_root:  # a stream: an object of its own, never inline
            xmp = front_root["/Metadata"].get_object().clone(writer, force_duplicate=True)
            root[NameObject("/Metadata")] = writer._add_object(xmp)
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
