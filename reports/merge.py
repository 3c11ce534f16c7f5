"""Merging the parts of a report laid out apart into one PDF (qpdf, through pikepdf).

The parts are appended in order; each page then gets the overlay's page of the same number
(running title, "Page x of y") drawn on top as a form XObject, which costs no parsing of the
page's own content (an artifact in a tagged report). The outline is rebuilt from the headings'
bookmark levels across parts, the contents' links to other parts become link annotations,
the document information and language are those of the front matter, which WeasyPrint wrote
from the report's <head>, and a tagged report's structure trees become one
(``structure_merge``).

qpdf rather than pypdf: it copies the parts' objects in C++ and keeps references between
objects of one part (a structure element's page) pointing at their copies; pypdf took 3 s of
the critical path to read a tagged report's structure at 500 activities, and minutes when the
parts kept their object streams.
"""

from __future__ import annotations

import io
import warnings

import pikepdf
from pikepdf import Array, Dictionary, Name

from . import structure_merge

# WeasyPrint's unit: one CSS pixel is 0.75 pt.
PT_PER_PX = 0.75


def _explicit_destinations(part: pikepdf.Pdf) -> None:
    """Each link of ``part`` to one of its named destinations points at the page itself:
    the names (WeasyPrint's anchors) are the part's own and do not survive the merge."""
    names = part.Root.get("/Names")
    if names is None or "/Dests" not in names:
        return
    destinations = pikepdf.NameTree(names.Dests)
    for page in part.pages:
        for annotation in page.obj.get("/Annots", ()):
            dest = annotation.get("/Dest")
            if isinstance(dest, pikepdf.String) and str(dest) in destinations:
                target = destinations[str(dest)]
                annotation.Dest = target.D if isinstance(target, Dictionary) else target


def _stamp(merged: pikepdf.Pdf, page: pikepdf.Page, form, name: str, *, artifact: bool) -> None:
    """Draw the overlay ``form`` over ``page``: the page's own content wrapped in q … Q, so
    that whatever state it leaves cannot move the overlay; in a tagged report marked as an
    artifact (pagination, as WeasyPrint marks its own running headers)."""
    page.add_resource(form, Name.XObject, name=Name(name))
    draw = b"q " + name.encode() + b" Do Q"
    if artifact:
        draw = b"/Artifact <</Type /Pagination>> BDC " + draw + b" EMC"
    page.contents_add(pikepdf.Stream(merged, b"q\n"), prepend=True)
    page.contents_add(pikepdf.Stream(merged, b"\nQ " + draw + b"\n"))


class Merge:
    """The report merged a part at a time: its parts appended in order (``append``) as soon
    as they are laid out, while the front matter and the overlay, which wait for every part's
    page count, are still being laid out; then ``finish``. ``tagged``: the parts are tagged
    PDF/UA-1 and so is the merged report."""

    def __init__(self, *, tagged: bool = False):
        self.merged = pikepdf.new()
        self.tagged = tagged
        self.structure = structure_merge.StructureMerge(self.merged) if tagged else None

    def append(self, pdf: bytes, *, front: bool = False) -> None:
        """The pages (and structure tree) of ``pdf`` after those appended before; the
        front matter's before all of them."""
        merged = self.merged
        # One part open at a time: qpdf holds a part's parsed objects (about 1 KB each, some
        # 5,000 in a tagged part) as long as it is open, and its copies need it no longer.
        with pikepdf.open(io.BytesIO(pdf)) as part:
            _explicit_destinations(part)
            first_page = 0 if front else len(merged.pages)
            with warnings.catch_warnings():
                # Named destinations are made explicit first (_explicit_destinations).
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning)
                if front:
                    for index, page in enumerate(part.pages):
                        merged.pages.insert(index, page)
                else:
                    merged.pages.extend(part.pages)
            if self.structure is not None:
                self.structure.add(part, first_page, front=front)
            if front:
                _take_front_entries(merged, part, tagged=self.tagged)

    def finish(
        self, front: bytes, overlay: bytes, *, bookmarks: list[tuple], links: list[tuple], output
    ) -> int:
        """Put the ``front`` matter first, stamp the ``overlay`` on every page, add the
        contents' ``links`` and the outline, and write the report to ``output`` (a path or a
        binary file); returns its pages.

        ``bookmarks``: (level, label, page index, x, y) in the merged numbering, in order;
        ``links``: (page index, (x, y, width, height), target page index), CSS pixels from
        the top. The front matter gives the metadata and language."""
        self.append(front, front=True)
        merged, tagged = self.merged, self.tagged
        with pikepdf.open(io.BytesIO(overlay)) as overlay_pdf:
            if len(overlay_pdf.pages) != len(merged.pages):
                raise ValueError(
                    f"overlay of {len(overlay_pdf.pages)} pages for {len(merged.pages)}"
                )
            for number, (page, overlay_page) in enumerate(
                zip(merged.pages, overlay_pdf.pages, strict=True)
            ):
                if number:  # the cover carries neither title nor number
                    form = merged.copy_foreign(overlay_page.as_form_xobject())
                    _stamp(merged, page, form, f"/ReportOverlay{number}", artifact=tagged)

        heights = [float(page.mediabox[3]) for page in merged.pages]
        added = []
        for page_index, (x, y, width, height), target in links:
            top = heights[page_index]
            annotation = merged.make_indirect(
                Dictionary(
                    Type=Name.Annot,
                    Subtype=Name.Link,
                    Rect=[
                        x * PT_PER_PX,
                        top - (y + height) * PT_PER_PX,
                        (x + width) * PT_PER_PX,
                        top - y * PT_PER_PX,
                    ],
                    Border=[0, 0, 0],
                    Dest=[merged.pages[target].obj, Name.Fit],
                    # What the link is, for those who do not see it (PDF/UA).
                    Contents=pikepdf.String(f"{target + 1}"),
                )
            )
            page = merged.pages[page_index].obj
            if "/Annots" not in page:
                page.Annots = Array()
            page.Annots.append(annotation)
            added.append((page_index, annotation))
        _add_outline(merged, bookmarks, heights)

        merged.Root.PageMode = Name.UseOutlines
        if self.structure is not None:
            self.structure.finish(added)
        merged.save(
            output,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.generate,
            fix_metadata_version=False,
        )
        return len(merged.pages)


def _take_front_entries(merged: pikepdf.Pdf, front: pikepdf.Pdf, *, tagged: bool) -> None:
    """The front matter's document information and language, and a tagged report's own
    catalogue entries (marked, its title shown, its XMP: PDF/UA-1), as ``merged``'s."""
    for key, value in front.docinfo.items():
        if key != "/Producer":
            merged.docinfo[key] = merged.copy_foreign(value) if value.is_indirect else value
    # The same report renders to the same bytes: no producer's version, no random /ID.
    merged.docinfo[Name.Producer] = front.docinfo.get("/Producer", "WeasyPrint")
    names = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata") if tagged else ("/Lang",)
    for name in names:
        if name in front.Root:
            value = front.Root[name]
            # copy_foreign takes objects of their own; a direct one is copied with a Python
            # copy into this document.
            if value.is_indirect:
                merged.Root[name] = merged.copy_foreign(value)
            elif isinstance(value, Dictionary):
                merged.Root[name] = Dictionary(value)
            else:
                merged.Root[name] = value


def _add_outline(merged: pikepdf.Pdf, bookmarks: list[tuple], heights: list[float]) -> None:
    """The outline as WeasyPrint builds it: each heading under the last one of a lower level."""
    with merged.open_outline() as outline:
        stack: list[tuple[int, pikepdf.OutlineItem]] = []
        for level, label, page_index, x, y in bookmarks:
            while stack and stack[-1][0] >= level:
                stack.pop()
            item = pikepdf.OutlineItem(
                label,
                page_index,
                pikepdf.PageLocation.XYZ,
                left=x * PT_PER_PX,
                top=heights[page_index] - y * PT_PER_PX,
            )
            (stack[-1][1].children if stack else outline.root).append(item)
            stack.append((level, item))
