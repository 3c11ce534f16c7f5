"""The parallel path of a report's PDF: its parts laid out in worker processes, then merged.

The parent does all database work and renders every part's HTML (``rendering``), handing each
to a worker as soon as it is written; the workers only run WeasyPrint on an HTML string with
our static-files fetcher and send back the PDF's bytes, its page count, bookmarks and anchors.
The workers are forked once, before the parent lays anything out, and lay out their parts in
turn, each part's document freed (and collected) before the next, so a worker's memory is
about that of one part (at most ``PART_ACTIVITIES``), and the parent holds PDF bytes, never the
laid-out documents of the parts. Then:

1. a worker lays out the overlay of the final number of pages, carrying only the running
   title and "Page x of y", while the parent lays out the front matter (cover, contents,
   summary) with the contents' page numbers known;
2. the parent merges front matter and parts and stamps the overlay on every page
   (``merge``), adds the outline (one bookmark per heading, as in the whole document) and the
   front's metadata.

Workers come from billiard (Celery's fork of multiprocessing): a Celery prefork worker runs
tasks in daemonic processes, which the standard library forbids to have children; billiard
allows it. They are forked: WeasyPrint and Django are loaded already, and the children never
touch the inherited database connections (they read only static files); the parent's objects
are frozen out of the garbage collector first, so that the children do not copy its heap
(``Workers``). A failed or lost worker, or one past ``settings.REPORT_RENDER_TIMEOUT``, fails
the report with ``ReportRenderError``; the pool is terminated either way.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from dataclasses import dataclass, field

from django.conf import settings

from . import rendering

# How often the parent looks whether a part is done.
POLL_SECONDS = 0.02

# The PDF identifier every part carries: the same report renders to the same bytes.
PDF_IDENTIFIER = b"sister-city-progress-report"


class ReportRenderError(RuntimeError):
    """A part of the report could not be rendered in a worker process."""


@dataclass
class PartPdf:
    """One laid-out part: its PDF and what the merge needs to know of its pages."""

    pdf: bytes
    pages: int
    # (level, label, page index, x, y): headings with a bookmark-level, in order.
    bookmarks: list[tuple] = field(default_factory=list)
    # anchor name → page index, of the anchors the contents may point to.
    anchors: dict[str, int] = field(default_factory=dict)


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes_for(processes: int | None) -> int:
    """``processes``, or the configured number (``REPORT_RENDER_PROCESSES``); at least 1."""
    if processes is None:
        processes = settings.REPORT_RENDER_PROCESSES
    return max(1, int(processes))


#: Below this many activities one document laid out in the calling process is quicker than
#: starting workers (measured: the demo plan's 25 activities, 2.5 s alone, 5.5 s in parts).
PARALLEL_MIN_ACTIVITIES = 150
#: A part holds about this many activities at most, whatever the number of processes (a
#: larger chapter is laid out in pieces of whole commitments, ``rendering.split_chapters``):
#: a worker's memory is that of its part. Measured at 2,000 activities, two workers: the
#: render and its workers together peak at about 445 MiB (proportional set size) with parts
#: of 200 activities, 373 MiB with parts of 100. Fewer, larger parts are quicker: each pays
#: WeasyPrint's setup and embeds its own subset of the fonts.
PART_ACTIVITIES = 120


def use_parts(data, processes: int | None) -> int:
    """How many worker processes lay out the report of ``data`` in parts; 0 for one whole
    document here. ``processes`` None chooses by size: parts for large reports only, with
    ``REPORT_RENDER_PROCESSES`` workers (one worker at a time still bounds the memory). One
    chapter is shared out only when it is larger than a part (it is then laid out in pieces).
    Never with ``REPORT_TAGGED``: the merge would lose the parts' structure trees."""
    if settings.REPORT_TAGGED:
        return 0
    if len(data.chapters) < 2 and data.activity_count <= PART_ACTIVITIES:
        return 0
    if processes is None:
        return processes_for(None) if data.activity_count >= PARALLEL_MIN_ACTIVITIES else 0
    return processes if processes > 1 else 0


def describe(document, pdf: bytes) -> PartPdf:
    """What the merge needs of a laid-out WeasyPrint ``document`` written as ``pdf``."""
    bookmarks, anchors = [], {}
    for index, page in enumerate(document.pages):
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, index, x, y))
        for name in page.anchors:
            anchors.setdefault(name, index)
    return PartPdf(pdf=pdf, pages=len(document.pages), bookmarks=bookmarks, anchors=anchors)


#: Set in each worker (``_start_worker``) when the workers take turns writing their PDFs.
_write_lock = None


def _start_worker(write_lock) -> None:
    global _write_lock
    _write_lock = write_lock


def render_part(html: str) -> PartPdf:
    """Lay out and write one part (in a worker process, or in the parent for small ones).

    Writing a PDF costs about 90 MiB whatever the part's size (WeasyPrint copies each Noto
    Sans CJK collection, 20 MB a weight, and HarfBuzz subsets it): with the write lock the
    workers write one at a time, so that two such peaks never add up."""
    document = rendering.lay_out(html)
    with _write_lock or contextlib.nullcontext():
        pdf = document.write_pdf(pdf_identifier=PDF_IDENTIFIER)
    part = describe(document, pdf)
    del document
    gc.collect()  # the next part of this worker starts from what this one freed
    return part


_fonts_loaded = False


def load_fonts() -> None:
    """Lay out a line of the report's type once in this process, before forking workers:
    fontconfig and the Noto Sans CJK faces are then loaded once and shared, not loaded again
    by each worker (a third of a second or more each)."""
    global _fonts_loaded
    if _fonts_loaded:
        return
    rendering.lay_out(
        f'<link rel="stylesheet" href="{rendering.static_url("reports/report.css")}">'
        "<p>Page 1 <b>Page</b> 第1页 <b>第1页</b></p>"
    )
    _fonts_loaded = True


@contextlib.contextmanager
def heap_frozen():
    """The objects of this process kept out of the garbage collector's way meanwhile
    (``gc.freeze``; entered again, the objects made since are frozen too). A collection
    reads and writes every object it tracks: in a process forked from another (a Celery
    prefork child, a worker) that copies every inherited page of the heap; frozen, the pages
    stay shared. No collection first, for the same reason. The outermost use unfreezes them,
    unless they were frozen before it."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


class Workers:
    """Forked worker processes laying out HTML (``render_part``), one document each, with one
    deadline (``REPORT_RENDER_TIMEOUT``) for everything asked of them; ``close()`` ends them.

    Before forking, the parent's objects are frozen out of the garbage collector
    (``gc.freeze``): a worker's collections would otherwise write to every object it
    inherited (the report's data, its HTML) and so copy the parent's heap page by page.
    With more parts than processes the workers take turns writing (``render_part``)."""

    def __init__(self, processes: int, parts: int):
        import billiard

        self.timeout = settings.REPORT_RENDER_TIMEOUT
        load_fonts()
        self._frozen = heap_frozen()
        self._frozen.__enter__()
        context = billiard.get_context("fork")
        # Every worker is forked here, by this thread, before the parent lays anything out:
        # with one task per child billiard forked replacements from its own thread while the
        # parent laid out the front matter, and a child could inherit a lock Pango held at
        # that moment and hang for ever (seen in CI). A worker lays out its parts in turn.
        self.pool = context.Pool(
            processes=max(1, min(processes, parts)),
            maxtasksperchild=None,
            initializer=_start_worker,
            initargs=(context.Lock() if parts > processes else None,),
        )
        self.deadline = time.monotonic() + self.timeout

    def submit(self, html: str):
        return self.pool.apply_async(render_part, (html,))

    def wait(self, pending, what: str) -> PartPdf:
        """The result of ``pending`` (from ``submit``), ``what`` naming it in errors."""
        # Polled with short sleeps rather than a timed wait: a timed wait on a lock does not
        # end under a faked clock (libfaketime, with which the suite is run).
        while not pending.ready():
            if time.monotonic() > self.deadline:
                raise ReportRenderError(
                    f"The report's {what} was not rendered within {self.timeout} s "
                    "(REPORT_RENDER_TIMEOUT)."
                )
            time.sleep(POLL_SECONDS)
        try:
            return pending.get()
        except Exception as exc:
            raise ReportRenderError(
                f"The report's {what} failed in a worker process: {type(exc).__name__}: {exc}"
            ) from exc

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()
        self._frozen.__exit__(None, None, None)


def render_parts(
    htmls: list, processes: int, meanwhile=None, *, weights: list[int] | None = None
) -> tuple[list[PartPdf], object]:
    """``render_part`` of each HTML in up to ``processes`` worker processes, in order, and
    the result of ``meanwhile()``, which the parent runs while it waits for them.

    An HTML may be given as a function that makes it: it is called when its turn comes, so
    that the first workers start while the parent still writes the later parts' HTML. The
    heaviest parts (by ``weights``, else the HTML's length) start first, so that the last
    one to finish is a small one."""
    workers = Workers(processes, len(htmls))
    try:
        return _lay_out_parts(workers, htmls, weights, meanwhile)
    finally:
        workers.close()


def _lay_out_parts(workers: Workers, htmls: list, weights, meanwhile) -> tuple[list, object]:
    if weights is None:
        weights = [len(html) for html in htmls]
    order = sorted(range(len(htmls)), key=lambda i: -weights[i])
    pending = {}
    for i in order:
        pending[i] = workers.submit(htmls[i]() if callable(htmls[i]) else htmls[i])
    done_meanwhile = meanwhile() if meanwhile else None
    results = {i: workers.wait(pending[i], f"part {i + 1} of {len(htmls)}") for i in order}
    return [results[i] for i in range(len(htmls))], done_meanwhile


def _anchor_pages(parts: list[PartPdf], first_page: int) -> dict[str, int]:
    """Each part's anchors → their page number (1-based) in the merged report, the parts
    following each other from ``first_page``."""
    pages, start = {}, first_page
    for part in parts:
        for name, index in part.anchors.items():
            pages.setdefault(name, start + index)
        start += part.pages
    return pages


def _toc_pages(context: dict, parts: list[PartPdf], front_pages: int) -> dict[str, int]:
    """The contents' page numbers (1-based, in the merged report) when the front matter has
    ``front_pages`` pages; sets ``toc_page`` on each chapter and review for the template."""
    data = context["data"]
    pages = _anchor_pages(parts, front_pages + 1)
    for chapter in data.chapters:
        chapter.toc_page = pages[chapter.anchor]
    for review in data.reviews:
        review.toc_page = pages.get(f"review-{review.pk}", 0)
    return {name: pages.get(name, 0) for name in ("themes", "events", "reviews")}


def _front_pages(context: dict, url_fetcher) -> int:
    """The front matter's page count, laid out with three-digit stand-ins for the contents'
    page numbers (run while the workers lay out the parts)."""
    for chapter in context["data"].chapters:
        chapter.toc_page = 888
    for review in context["data"].reviews:
        review.toc_page = 888
    stand_in = dict.fromkeys(("themes", "events", "reviews"), 888)
    html = rendering.render_template(
        "reports/report_front.html", context, part=True, front=True, toc_pages=stand_in
    )
    return len(rendering.lay_out(html, url_fetcher=url_fetcher).pages)


def _front(context: dict, parts: list[PartPdf], front_pages: int, url_fetcher):
    """The laid-out front matter with the contents' numbers right: laid out again in the rare
    case that the numbers change its own page count."""
    for _ in range(4):
        toc = _toc_pages(context, parts, front_pages)
        html = rendering.render_template(
            "reports/report_front.html", context, part=True, front=True, toc_pages=toc
        )
        document = rendering.lay_out(html, url_fetcher=url_fetcher)
        if len(document.pages) == front_pages:
            return document
        front_pages = len(document.pages)
    raise ReportRenderError("The report's contents did not settle on a page count.")


def _part_weights(data, groups: list[list]) -> list[int]:
    """Each part's weight for the order they start in: its chapters' (activities and a
    heading), the last part's with the events and reviews as well."""
    weights = [sum(rendering.chapter_weight(chapter) for chapter in group) for group in groups]
    weights[-1] += 10 + len(data.events) + len(data.reviews)
    return weights


def _overlay_html(context: dict, total: int) -> str:
    return rendering.render_template(
        "reports/report_overlay.html", context, more_pages=range(total - 1)
    )


def write_parallel(context: dict, output, *, processes: int, url_fetcher=None) -> tuple:
    """The report of ``context`` (``rendering.report_context``) through the parallel path.

    The parts' HTML is written one after the other, each handed to a worker as soon as it is
    ready; the parent lays out the front matter with stand-in page numbers meanwhile. Once
    the parts are done, a worker lays out the page overlay (its page count is then known)
    while the parent lays out and writes the front matter with the contents' numbers.
    ``url_fetcher`` serves the parent's own layouts (and then the overlay is laid out here
    too); the workers always use ``StaticFilesFetcher``. Returns (pages, layout seconds,
    merge seconds).
    """
    from . import merge

    started = time.perf_counter()
    data = context["data"]
    pieces = rendering.split_chapters(data.chapters, PART_ACTIVITIES)
    groups = rendering.group_chapters(pieces, processes, PART_ACTIVITIES)
    htmls = [
        (lambda i=i: rendering.render_part_html(context, groups, i)) for i in range(len(groups))
    ]
    workers = Workers(processes, len(groups))
    try:
        parts, front_pages = _lay_out_parts(
            workers,
            htmls,
            _part_weights(data, groups),
            meanwhile=lambda: _front_pages(context, url_fetcher),
        )
        total = front_pages + sum(part.pages for part in parts)
        overlay = None
        if url_fetcher is None:
            overlay = workers.submit(_overlay_html(context, total))
        front_document = _front(context, parts, front_pages, url_fetcher)
        front, links, offsets = _front_pdf(front_document, parts)
        if overlay is not None:
            overlay = workers.wait(overlay, "page overlay")
    finally:
        workers.close()
    if overlay is None or len(front_document.pages) != front_pages:
        # Laid out here: with the caller's fetcher, or in the rare case that the contents'
        # numbers changed the front matter's page count.
        total = len(front_document.pages) + sum(part.pages for part in parts)
        document = rendering.lay_out(_overlay_html(context, total), url_fetcher=url_fetcher)
        overlay = describe(document, document.write_pdf(pdf_identifier=PDF_IDENTIFIER))
        del document
    if overlay.pages != total:
        raise ReportRenderError(f"The page overlay has {overlay.pages} pages, not {total}.")
    laid_out = time.perf_counter()

    bookmarks = list(front.bookmarks)
    for part, offset in zip(parts, offsets, strict=True):
        bookmarks += [(lv, label, i + offset, x, y) for lv, label, i, x, y in part.bookmarks]
    del front_document
    pages = merge.merge(
        [front.pdf, *(part.pdf for part in parts)],
        overlay.pdf,
        bookmarks=bookmarks,
        links=links,
        output=output,
    )
    return pages, laid_out - started, time.perf_counter() - laid_out


def _front_pdf(front_document, parts: list[PartPdf]) -> tuple[PartPdf, list, list[int]]:
    """The front matter written, the contents' links into the parts, and the index of each
    part's first page in the merged report."""
    offsets, page = [], len(front_document.pages)
    for part in parts:
        offsets.append(page)
        page += part.pages
    anchors = _anchor_pages(parts, offsets[0])  # page indexes, as links want them
    # The contents' links into the other parts: taken out of the front's own PDF (WeasyPrint
    # would log each as a missing anchor) and added to the merged one.
    links = []
    own_anchors = {name for front_page in front_document.pages for name in front_page.anchors}
    for index, front_page in enumerate(front_document.pages):
        own = []
        for link in front_page.links:
            kind, target, rect, _box = link
            if kind == "internal" and target not in own_anchors and target in anchors:
                links.append((index, rect, anchors[target]))
            else:
                own.append(link)
        front_page.links[:] = own
    front = describe(front_document, front_document.write_pdf(pdf_identifier=PDF_IDENTIFIER))
    return front, links, offsets
