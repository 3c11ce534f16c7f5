"""Merging the parts of a report laid out apart into one PDF, written as it goes.

Each part is opened (qpdf, through pikepdf), its objects copied into the report one after
another, renumbered (``pdfcopy``), and closed before the next: the merge holds one part's
objects at a time and, for the report, only its pages' numbers and heights and the structure
tree's top (``pdfwriter`` writes everything else at once). The parts come in order as soon as
they are laid out (``append``); the front matter, laid out last, comes first in the page
tree; then the overlay (``finish``).

Each page after the cover gets the overlay's page of the same number (running title, "Page x
of y") drawn on top as a form XObject, which costs no parsing of the page's own content (an
artifact in a tagged report): the pages name their form's object number before the overlay is
laid out, and the forms take those numbers when it is. The outline is rebuilt from the
headings' bookmark levels across parts, the contents' links to other parts become link
annotations, the document information and language are those of the front matter, which
WeasyPrint wrote from the report's <head>, and a tagged report's structure trees become one
(``structure_merge``).

qpdf rather than pypdf reads the parts: pypdf took 3 s of the critical path to read a tagged
report's structure at 500 activities. qpdf no longer writes the report: its merged document
held every copied object until it was saved, about 15 times the parts' bytes (180 MiB at
2,000 activities), where the report's memory should be bounded by its largest part.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from os import PathLike

import pikepdf
from pikepdf import Array, Dictionary, Name

from .pdfcopy import Copy
from .pdfwriter import PdfWriter
from .structure_merge import StructureMerge

# WeasyPrint's unit: one CSS pixel is 0.75 pt.
PT_PER_PX = 0.75
#: The name each page gives its overlay's form, among its resources.
OVERLAY = b"/ReportOverlay"


@contextmanager
def binary_output(output):
    """``output`` as a binary file to write to: a path is opened (and closed after)."""
    if isinstance(output, str | PathLike):
        with open(output, "wb") as file:
            yield file
    else:
        yield output


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


def _overlaid(page: pikepdf.Object, before, after, form) -> None:
    """``page`` drawing the overlay's ``form`` over its own content, which is wrapped in
    ``before`` (q) and ``after`` (Q, then the form), so that whatever state it leaves cannot
    move the overlay. The page gets resources of its own: WeasyPrint's are shared by all."""
    resources = page.get("/Resources")
    own = Dictionary() if resources is None else Dictionary(dict(resources.items()))
    xobjects = own.get("/XObject")
    xobjects = Dictionary() if xobjects is None else Dictionary(dict(xobjects.items()))
    xobjects[OVERLAY.decode()] = form
    own.XObject = xobjects
    page.Resources = own
    contents = page.get("/Contents")
    if contents is None:
        contents = []
    elif isinstance(contents, Array):
        contents = list(contents)
    else:
        contents = [contents]
    page.Contents = Array([before, *contents, after])


def _real(value: float) -> bytes:
    """A PDF real number, without an exponent."""
    return (b"%.4f" % value).rstrip(b"0").rstrip(b".") or b"0"


def _references(numbers) -> bytes:
    return b" ".join(b"%d 0 R" % number for number in numbers)


class Merge:
    """The report merged a part at a time into ``output`` (a binary file): its parts
    appended in order (``append``) as soon as they are laid out, while the front matter and
    the overlay, which wait for every part's page count, are still being laid out; then
    ``finish``. ``tagged``: the parts are tagged PDF/UA-1 and so is the merged report."""

    def __init__(self, output, *, tagged: bool = False):
        self.writer = writer = PdfWriter(output)
        self.tagged = tagged
        self.structure = StructureMerge(writer) if tagged else None
        self.page_tree = writer.reserve()
        # Shared by every page after the cover: q before its content, the overlay after.
        self.before, self.after = writer.reserve(), writer.reserve()
        draw = b"q " + OVERLAY + b" Do Q"
        if tagged:
            # Pagination, as WeasyPrint marks its own running headers.
            draw = b"/Artifact <</Type /Pagination>> BDC " + draw + b" EMC"
        writer.add_stream(self.before, b"", b"q\n")
        writer.add_stream(self.after, b"", b"\nQ " + draw + b"\n")
        # The report's pages in order: object numbers, their overlay forms' (None for the
        # cover) and their heights.
        self.pages: list[int] = []
        self.forms: list[int | None] = []
        self.heights: list[float] = []
        self.front_entries: tuple[list[bytes], list[bytes]] = ([], [])

    def append(self, pdf: bytes) -> None:
        """The pages (and structure tree) of the part ``pdf`` after those appended before."""
        self._add(pdf)

    def _add(self, pdf: bytes, *, front: bool = False, links: list[tuple] = ()) -> None:
        """Copy ``pdf``; the ``front`` matter's pages come before all others, and its
        contents' ``links`` are added to them."""
        writer = self.writer
        # One part open at a time: qpdf holds a part's parsed objects (about 1 KB each, some
        # 5,000 in a tagged part) as long as it is open.
        with pikepdf.open(io.BytesIO(pdf)) as part:
            _explicit_destinations(part)
            copy = Copy(writer, part)
            copy.fix(part.Root.Pages, self.page_tree)
            before, after = copy.stand_in(self.before), copy.stand_in(self.after)
            pages, forms, heights = [], [], []
            for index, page in enumerate(part.pages):
                form = None
                if not (front and index == 0):  # the cover carries neither title nor number
                    form = writer.reserve()
                    _overlaid(page.obj, before, after, copy.stand_in(form))
                pages.append(copy.number(page.obj))
                forms.append(form)
                heights.append(float(page.mediabox[3]))
            added = self._links(copy, part, links, heights) if front else []
            if self.structure is not None:
                self.structure.add(copy, part, front=front, links=added)
            if front:
                self.front_entries = _front_entries(copy, part, tagged=self.tagged)
            copy.drain()
        if front:
            self.pages[0:0], self.forms[0:0], self.heights[0:0] = pages, forms, heights
        else:
            self.pages += pages
            self.forms += forms
            self.heights += heights

    def _links(self, copy: Copy, front: pikepdf.Pdf, links: list[tuple], heights) -> list:
        """Add the contents' ``links``, (page index, (x, y, width, height), target page
        index), CSS pixels from the top, to the ``front`` matter's pages; target pages after
        the front's are the parts' appended before. Returns (page, annotation) of each."""
        added = []
        front_pages = len(front.pages)
        for page_index, (x, y, width, height), target in links:
            top = heights[page_index]
            if target < front_pages:
                target_page = front.pages[target].obj
            else:
                target_page = copy.stand_in(self.pages[target - front_pages])
            annotation = front.make_indirect(
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
                    Dest=Array([target_page, Name.Fit]),
                    # What the link is, for those who do not see it (PDF/UA).
                    Contents=pikepdf.String(f"{target + 1}"),
                )
            )
            page = front.pages[page_index].obj
            if "/Annots" not in page:
                page.Annots = Array()
            page.Annots.append(annotation)
            added.append((page, annotation))
        return added

    def finish(self, front: bytes, overlay: bytes, *, bookmarks: list[tuple], links: list[tuple]):
        """Put the ``front`` matter first, stamp the ``overlay`` on every page, add the
        contents' ``links`` and the outline, and end the report; returns its pages.

        ``bookmarks``: (level, label, page index, x, y) in the merged numbering, in order;
        ``links``: (page index, (x, y, width, height), target page index), CSS pixels from
        the top. The front matter gives the metadata and language."""
        self._add(front, front=True, links=links)
        writer = self.writer
        with pikepdf.open(io.BytesIO(overlay)) as overlay_pdf:
            if len(overlay_pdf.pages) != len(self.pages):
                raise ValueError(f"overlay of {len(overlay_pdf.pages)} pages for {len(self.pages)}")
            copy = Copy(writer, overlay_pdf)
            for page, form in zip(overlay_pdf.pages, self.forms, strict=True):
                if form is not None:
                    copy.write_as(overlay_pdf.make_indirect(page.as_form_xobject()), form)
            copy.drain()

        writer.add(
            self.page_tree,
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (_references(self.pages), len(self.pages)),
        )
        info, entries = self.front_entries
        entries = [b"/Type /Catalog", b"/Pages %d 0 R" % self.page_tree, *entries]
        outline = _write_outline(writer, bookmarks, self.pages, self.heights)
        if outline is not None:
            entries.append(b"/Outlines %d 0 R" % outline)
        entries.append(b"/PageMode /UseOutlines")
        if self.structure is not None:
            entries.append(b"/StructTreeRoot %d 0 R" % self.structure.finish())
        catalog, info_number = writer.reserve(), writer.reserve()
        writer.add(catalog, b"<< " + b" ".join(entries) + b" >>")
        writer.add(info_number, b"<< " + b" ".join(info) + b" >>")
        writer.close(catalog, info_number)
        return len(self.pages)


def _front_entries(copy: Copy, front: pikepdf.Pdf, *, tagged: bool):
    """The front matter's document information and language, and a tagged report's own
    catalogue entries (marked, its title shown, its XMP: PDF/UA-1), as the report's: (the
    information's entries, the catalogue's)."""
    docinfo = front.trailer.get("/Info") or Dictionary()
    info = [
        Name(key).unparse() + b" " + copy.syntax(value)
        for key, value in docinfo.items()
        if key != "/Producer"
    ]
    # The same report renders to the same bytes: no producer's version, no random /ID.
    info.append(b"/Producer " + copy.syntax(docinfo.get("/Producer", pikepdf.String("WeasyPrint"))))
    names = ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata") if tagged else ("/Lang",)
    entries = [
        Name(name).unparse() + b" " + copy.syntax(front.Root[name])
        for name in names
        if name in front.Root
    ]
    return info, entries


def _write_outline(writer: PdfWriter, bookmarks: list[tuple], pages, heights) -> int | None:
    """The outline as WeasyPrint builds it, each heading under the last one of a lower level;
    its number, or None without bookmarks."""
    if not bookmarks:
        return None
    top: list = []
    stack: list = []
    for level, label, page_index, x, y in bookmarks:
        while stack and stack[-1][0] >= level:
            stack.pop()
        node = (level, label, page_index, x, y, [])
        (stack[-1][5] if stack else top).append(node)
        stack.append(node)

    def items(nodes, parent: int) -> tuple[int, int, int]:
        """Write ``nodes`` under ``parent``: (first, last, how many items are shown)."""
        numbers = [writer.reserve() for _ in nodes]
        shown = len(nodes)
        for i, (_level, label, page_index, x, y, children) in enumerate(nodes):
            left, top_ = x * PT_PER_PX, heights[page_index] - y * PT_PER_PX
            entries = [
                b"/Title " + pikepdf.String(label).unparse(),
                b"/Parent %d 0 R" % parent,
                b"/Dest [%d 0 R /XYZ %s %s null]" % (pages[page_index], _real(left), _real(top_)),
            ]
            if i:
                entries.append(b"/Prev %d 0 R" % numbers[i - 1])
            if i + 1 < len(numbers):
                entries.append(b"/Next %d 0 R" % numbers[i + 1])
            if children:
                first, last, count = items(children, numbers[i])
                entries.append(b"/First %d 0 R /Last %d 0 R /Count %d" % (first, last, count))
                shown += count
            writer.add(numbers[i], b"<< " + b" ".join(entries) + b" >>")
        return numbers[0], numbers[-1], shown

    outline = writer.reserve()
    first, last, count = items(top, outline)
    writer.add(
        outline,
        b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>" % (first, last, count),
    )
    return outline
