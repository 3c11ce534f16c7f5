"""The parallel path of a report's PDF: its parts laid out in worker processes, then merged.

The parent does all database work and renders every part's HTML (``rendering``); the workers
only run WeasyPrint on an HTML string with our static-files fetcher and send back the PDF's
bytes, its page count, bookmarks and anchors. A worker lays out one part and exits
(``maxtasksperchild=1``), so a worker's memory is that of one chapter, and the parent holds
PDF bytes, never the laid-out documents of the chapters. Then the parent:

1. lays out the front matter (cover, contents, summary) with the contents' page numbers known;
2. lays out an overlay of as many pages, carrying only the running title and "Page x of y";
3. merges front matter and parts and stamps the overlay on every page (``merge``), adds the
   outline (one bookmark per heading, as in the whole document) and the front's metadata.

Workers come from billiard (Celery's fork of multiprocessing): a Celery prefork worker runs
tasks in daemonic processes, which the standard library forbids to have children; billiard
allows it. They are forked: WeasyPrint and Django are loaded already, and the children never
touch the inherited database connections (they read only static files). A failed or lost
worker, or one past ``settings.REPORT_RENDER_TIMEOUT``, fails the report with
``ReportRenderError``; the pool is terminated either way.
"""

from __future__ import annotations

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
#: A part holds about this many activities at most (a chapter never splits), whatever the
#: number of processes: a worker's memory is that of its part (measured with the benchmark's
#: data: a worker laying out 40 pages peaks below 400 MiB; the whole 2,000-activity report in
#: one document above 800 MiB). Fewer, larger parts are quicker: each pays a setup and embeds
#: the fonts once.
PART_ACTIVITIES = 400


def use_parts(data, processes: int | None) -> int:
    """How many worker processes lay out the report of ``data`` in parts; 0 for one whole
    document here. ``processes`` None chooses by size: parts for large reports only, with
    ``REPORT_RENDER_PROCESSES`` workers (one worker at a time still bounds the memory)."""
    if len(data.chapters) < 2:
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


def render_part(html: str) -> PartPdf:
    """Lay out and write one part (in a worker process, or in the parent for small ones)."""
    document = rendering.lay_out(html)
    pdf = document.write_pdf(pdf_identifier=PDF_IDENTIFIER)
    return describe(document, pdf)


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


def render_parts(htmls: list[str], processes: int, meanwhile=None) -> tuple[list[PartPdf], object]:
    """``render_part`` of each HTML in up to ``processes`` worker processes, in order, and
    the result of ``meanwhile()``, which the parent runs while it waits for them.

    The largest parts start first, so that the last one to finish is a small one.
    """
    import billiard

    timeout = settings.REPORT_RENDER_TIMEOUT
    load_fonts()
    order = sorted(range(len(htmls)), key=lambda i: -len(htmls[i]))
    pool = billiard.get_context("fork").Pool(
        processes=min(processes, len(htmls)), maxtasksperchild=1
    )
    try:
        pending = {i: pool.apply_async(render_part, (htmls[i],)) for i in order}
        # No pool.close() before the last result: billiard stops replacing the workers that
        # leave after their one task once the pool is closed.
        deadline = time.monotonic() + timeout
        done_meanwhile = meanwhile() if meanwhile else None
        results: dict[int, PartPdf] = {}
        for i in order:
            # Polled with short sleeps rather than a timed wait: a timed wait on a lock does
            # not end under a faked clock (libfaketime, with which the suite is run).
            while not pending[i].ready():
                if time.monotonic() > deadline:
                    raise ReportRenderError(
                        f"The report's part {i + 1} of {len(htmls)} was not rendered within "
                        f"{timeout} s (REPORT_RENDER_TIMEOUT)."
                    )
                time.sleep(POLL_SECONDS)
            try:
                results[i] = pending[i].get()
            except Exception as exc:
                raise ReportRenderError(
                    f"The report's part {i + 1} of {len(htmls)} failed in a worker process: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
        return [results[i] for i in range(len(htmls))], done_meanwhile
    finally:
        pool.terminate()
        pool.join()


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


def write_parallel(context: dict, output, *, processes: int, url_fetcher=None) -> tuple:
    """The report of ``context`` (``rendering.report_context``) through the parallel path.

    ``url_fetcher`` serves the parent's own layouts (front matter, overlay); the workers
    always use ``StaticFilesFetcher``. Returns (pages, layout seconds, merge seconds).
    """
    from . import merge

    started = time.perf_counter()
    parts, front_pages = render_parts(
        rendering.render_part_htmls(context, processes, PART_ACTIVITIES),
        processes,
        meanwhile=lambda: _front_pages(context, url_fetcher),
    )
    front_document = _front(context, parts, front_pages, url_fetcher)
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
    total = page
    overlay_html = rendering.render_template(
        "reports/report_overlay.html", context, more_pages=range(total - 1)
    )
    overlay = rendering.lay_out(overlay_html, url_fetcher=url_fetcher)
    if len(overlay.pages) != total:
        raise ReportRenderError(f"The page overlay has {len(overlay.pages)} pages, not {total}.")
    overlay_pdf = overlay.write_pdf(pdf_identifier=PDF_IDENTIFIER)
    laid_out = time.perf_counter()

    bookmarks = list(front.bookmarks)
    for part, offset in zip(parts, offsets, strict=True):
        bookmarks += [(lv, label, i + offset, x, y) for lv, label, i, x, y in part.bookmarks]
    del front_document, overlay
    pages = merge.merge(
        [front.pdf, *(part.pdf for part in parts)],
        overlay_pdf,
        bookmarks=bookmarks,
        links=links,
        output=output,
    )
    return pages, laid_out - started, time.perf_counter() - laid_out
