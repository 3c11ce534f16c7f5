"""The parallel path of a report's PDF: its parts laid out in worker processes, then merged.

The parent does all database work (``snapshot.collect``) and forks the workers at once; each
writes its part's HTML from the data it inherited (``rendering``; a worker's queries are
refused, ``workers``), lays it out with our static-files fetcher and sends back the PDF's
bytes, its page count, bookmarks and anchors.
Each worker lays out one part and exits (``workers``), so a worker's memory is that of one
part (at most ``PART_ACTIVITIES``), and the parent holds PDF bytes, never the laid-out
documents of the parts; it writes each part into the report (``merge``) as soon as the part
and those before it are laid out, and lets its bytes go. Then, in workers too:

1. the front matter (cover and contents) is laid out with stand-in numbers for its page
   count, beside the last parts (the summary, which holds no page numbers, opens the first
   part: the front matter, laid out again once the numbers are known, stays small);
2. the overlay of the final number of pages, carrying only the running title and "Page x of
   y", and the front matter with the contents' page numbers known, side by side;
3. the parent puts the front matter first and stamps the overlay on every page (``merge``),
   adds the outline (one bookmark per heading, as in the whole document) and the front's
   metadata, once the workers have ended.

The parent never enters WeasyPrint while its workers live (``forksafe``): it forks them, and
a child forked while the parent was inside Pango could inherit a held lock and hang for ever
(seen in CI, when a pool forked from its own thread); and the cores are the workers'. A
caller's own ``url_fetcher`` is therefore used only after the workers have ended: the front
matter and the overlay are then laid out in the parent.

The workers are forked: WeasyPrint, Django and the fonts are loaded already, and the children
never touch the inherited database connections (they read only static files); the parent's
objects are frozen out of the garbage collector first, so that the children do not copy its
heap (``workers.Workers``). A failed or lost worker, or one past
``settings.REPORT_RENDER_TIMEOUT``, fails the report with ``ReportRenderError``; the workers
are killed either way.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass, field
from functools import partial

from django.conf import settings

from . import merge, rendering, structure_merge
from .workers import InProcess, ReportRenderError, Workers

__all__ = ["ReportRenderError", "write_parallel"]


@dataclass
class PartPdf:
    """One laid-out part: its PDF and what the merge needs to know of its pages."""

    pdf: bytes
    pages: int
    # (level, label, page index, x, y): headings with a bookmark-level, in order.
    bookmarks: list[tuple] = field(default_factory=list)
    # anchor name → page index, of the anchors the contents may point to.
    anchors: dict[str, int] = field(default_factory=dict)
    # The front matter's only: (page index, rect, target page index) of its contents' links
    # into the parts, taken out of its own PDF and added to the merged one.
    links: list[tuple] = field(default_factory=list)
    # CPU seconds the process spent on it (for the benchmark's critical path).
    cpu: float = 0.0


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
#: a worker's memory is that of its part. Measured at 2,000 activities, two workers, tagged:
#: the render and its workers together peak at about 320 MiB (proportional set size; a
#: worker about 0.45 MiB more for each activity more in its part). Fewer, larger parts are a
#: little quicker: each pays WeasyPrint's setup and embeds its own subset of the fonts.
PART_ACTIVITIES = 120


def use_parts(data, processes: int | None) -> int:
    """How many worker processes lay out the report of ``data`` in parts; 0 for one whole
    document here. ``processes`` None chooses by size: parts for large reports only, with
    ``REPORT_RENDER_PROCESSES`` workers (one worker at a time still bounds the memory). One
    chapter is shared out only when it is larger than a part (it is then laid out in pieces).
    Tagged reports too: the parts are tagged and their structure trees merged
    (``structure_merge``)."""
    if len(data.chapters) < 2 and data.activity_count <= PART_ACTIVITIES:
        return 0
    if processes is None:
        return processes_for(None) if data.activity_count >= PARALLEL_MIN_ACTIVITIES else 0
    return processes if processes > 1 else 0


def describe(document, pdf: bytes, *, cpu_from: float | None = None) -> PartPdf:
    """What the merge needs of a laid-out WeasyPrint ``document`` written as ``pdf``; the
    CPU seconds since ``cpu_from`` (``time.process_time()``)."""
    bookmarks, anchors = [], {}
    for index, page in enumerate(document.pages):
        for level, label, (x, y), _state in page.bookmarks:
            bookmarks.append((level, label, index, x, y))
        for name in page.anchors:
            anchors.setdefault(name, index)
    cpu = 0.0 if cpu_from is None else time.process_time() - cpu_from
    return PartPdf(
        pdf=pdf, pages=len(document.pages), bookmarks=bookmarks, anchors=anchors, cpu=cpu
    )


# --- what a worker does (or the parent, with its own fetcher, once the workers have ended) ---


def _html(html) -> str:
    """``html``, or the HTML the function ``html`` writes: in a worker, from the report's data
    it inherited (no database), so that the parent writes none of it while workers wait."""
    return html() if callable(html) else html


def render_part(html, url_fetcher=None, *, tagged: bool = False) -> PartPdf:
    """Lay out and write one part (or the page overlay, never tagged: it is drawn over the
    pages as an artifact); ``html`` as ``_html`` takes it.

    The workers write at the same time: writing cost about 90 MiB whatever the part's size
    while WeasyPrint copied each Noto Sans CJK collection whole (20 MB a weight), and they
    took turns; it no longer copies them (``fontdata``), and the turns cost a second in 11
    at 500 activities."""
    cpu_from = time.process_time()
    html = _html(html)
    # No name here holds the laid-out document: _written lets it go before own_ids.
    return _written(rendering.lay_out(html, url_fetcher=url_fetcher), html, tagged, cpu_from)


def _written(document, html: str, tagged: bool, cpu_from: float) -> PartPdf:
    """``document`` (laid out from ``html``) written, described, and when ``tagged`` its
    structure ids made its own (``structure_merge.own_ids``)."""
    pdf = rendering.write_pdf(document, tagged=tagged, identified=False)
    part = describe(document, pdf)
    if tagged:
        # The laid-out document is let go first: a worker's peak is one of the two.
        del document
        gc.collect()
        part.pdf = structure_merge.own_ids(pdf, html)
    part.cpu = time.process_time() - cpu_from
    return part


def render_tagged_part(html, url_fetcher=None) -> PartPdf:
    """``render_part`` tagged (PDF/UA-1): a part of a tagged report."""
    return render_part(html, url_fetcher, tagged=True)


def count_pages(html, url_fetcher=None) -> PartPdf:
    """The page count of ``html`` laid out (the front matter with stand-in numbers)."""
    cpu_from = time.process_time()
    pages = len(rendering.lay_out(_html(html), url_fetcher=url_fetcher).pages)
    return PartPdf(pdf=b"", pages=pages, cpu=time.process_time() - cpu_from)


def render_front(html, anchors: dict[str, int], tagged: bool = False, url_fetcher=None) -> PartPdf:
    """The front matter laid out and written, with ``links``: its contents' links to
    ``anchors`` (name → page index in the merged report) of the parts, taken out of its own
    PDF (WeasyPrint would log each as a missing anchor) to be added to the merged one."""
    cpu_from = time.process_time()
    html = _html(html)
    document = rendering.lay_out(html, url_fetcher=url_fetcher)
    links = []
    own_anchors = {name for page in document.pages for name in page.anchors}
    for index, page in enumerate(document.pages):
        own = []
        for link in page.links:
            kind, target, rect, _box = link
            if kind == "internal" and target not in own_anchors and target in anchors:
                links.append((index, rect, anchors[target]))
            else:
                own.append(link)
        page.links[:] = own
    front = _written(document, html, tagged, cpu_from)
    front.links = links
    return front


def render_parts(htmls: list, processes: int) -> list[PartPdf]:
    """``render_part`` of each HTML in up to ``processes`` worker processes, in order."""
    pool = Workers(processes, len(htmls))
    try:
        return _lay_out_parts(pool, htmls, None)
    finally:
        pool.close()


def _lay_out_parts(pool: Workers, htmls: list, weights, then=None, each=None) -> list[PartPdf]:
    """Each part's ``render_part``, the heaviest parts (by ``weights``, else the HTML's
    length) first, so that the last one to finish is a small one; ``then`` (a task and its
    HTML), submitted after them, is the last result in the list. An HTML may be given as a
    function that writes it (``_html``). ``each`` is called with each part in order as soon
    as it and those before it are laid out (the merge), while the others still are."""
    if weights is None:
        weights = [0 if callable(html) else len(html) for html in htmls]
    order = sorted(range(len(htmls)), key=lambda i: -weights[i])
    pending = {}
    task = render_tagged_part if settings.REPORT_TAGGED else render_part
    for i in order:
        pending[i] = pool.submit(task, htmls[i])
    if then is not None:
        pending[len(htmls)] = pool.submit(*then)
    results = {}
    for i in range(len(htmls)):
        results[i] = pool.wait(pending[i], f"part {i + 1} of {len(htmls)}")
        if each is not None:
            each(results[i])
    if then is not None:
        results[len(htmls)] = pool.wait(pending[len(htmls)], "front matter")
    return [results[i] for i in sorted(results)]


def _anchor_pages(parts: list[PartPdf], first_page: int) -> dict[str, int]:
    """Each part's anchors → their page number (1-based) in the merged report, the parts
    following each other from ``first_page``."""
    pages, start = {}, first_page
    for part in parts:
        for name, index in part.anchors.items():
            pages.setdefault(name, start + index)
        start += part.pages
    return pages


#: The contents' entries that point into the parts besides the chapters and reviews.
TOC_PARTS = ("summary", "themes", "events", "reviews")
#: The summary's weight (its table and two charts, about two pages) as so many activities.
SUMMARY_WEIGHT = 15


def _toc_pages(context: dict, parts: list[PartPdf], front_pages: int) -> dict[str, int]:
    """The contents' page numbers (1-based, in the merged report) when the front matter has
    ``front_pages`` pages; sets ``toc_page`` on each chapter and review for the template."""
    data = context["data"]
    pages = _anchor_pages(parts, front_pages + 1)
    for chapter in data.chapters:
        chapter.toc_page = pages[chapter.anchor]
    for review in data.reviews:
        review.toc_page = pages.get(f"review-{review.pk}", 0)
    return {name: pages.get(name, 0) for name in TOC_PARTS}


def _front_html(context: dict, toc_pages: dict[str, int]) -> str:
    return rendering.render_template(
        "reports/report_front.html", context, part=True, front=True, toc_pages=toc_pages
    )


def _final_front_html(context: dict, parts: list[PartPdf], front_pages: int) -> str:
    """The front matter with the contents' numbers, when it has ``front_pages`` pages."""
    return _front_html(context, _toc_pages(context, parts, front_pages))


def _stand_in_front_html(context: dict) -> str:
    """The front matter with three-digit stand-ins for the contents' page numbers: laid out
    for its page count while the parts' are not known yet."""
    for chapter in context["data"].chapters:
        chapter.toc_page = 888
    for review in context["data"].reviews:
        review.toc_page = 888
    return _front_html(context, dict.fromkeys(TOC_PARTS, 888))


def _front_and_overlay(runner, context: dict, parts: list[PartPdf], front_pages: int):
    """The written front matter with the contents' numbers right (``render_front``) and the
    overlay of every page, laid out side by side by ``runner`` (``Workers`` or
    ``InProcess``); again in the rare case that the numbers change the front's page count."""
    for _ in range(4):
        total = front_pages + sum(part.pages for part in parts)
        overlay = runner.submit(render_part, partial(_overlay_html, context, total))
        # The parts' anchors as page indexes of the merged report, as links want them.
        anchors = _anchor_pages(parts, front_pages)
        front = runner.submit(
            render_front,
            partial(_final_front_html, context, parts, front_pages),
            anchors,
            settings.REPORT_TAGGED,
        )
        front = runner.wait(front, "front matter")
        overlay = runner.wait(overlay, "page overlay")
        if front.pages == front_pages:
            if overlay.pages != total:
                raise ReportRenderError(f"The page overlay has {overlay.pages} pages, not {total}.")
            return front, overlay
        front_pages = front.pages
    raise ReportRenderError("The report's contents did not settle on a page count.")


def _append(merging: merge.Merge, part: PartPdf) -> None:
    """Append ``part``, unless it is already, and let its bytes go."""
    if part.pdf:
        merging.append(part.pdf)
        part.pdf = b""  # appended: its bytes are not needed again


def _part_weights(data, groups: list[list]) -> list[int]:
    """Each part's weight for the order they start in: its chapters' (activities and a
    heading), the first part's with the summary, the last part's with the events and reviews
    as well."""
    weights = [sum(rendering.chapter_weight(chapter) for chapter in group) for group in groups]
    weights[0] += SUMMARY_WEIGHT
    weights[-1] += 10 + len(data.events) + len(data.reviews)
    return weights


def _overlay_html(context: dict, total: int) -> str:
    return rendering.render_template(
        "reports/report_overlay.html", context, more_pages=range(total - 1)
    )


def write_parallel(context: dict, output, *, processes: int, url_fetcher=None) -> tuple:
    """The report of ``context`` (``rendering.report_context``) through the parallel path.

    Each part is written (its HTML from the report's data) and laid out by a worker of its
    own, then the front matter with stand-in numbers, for its page count. Once those are
    done, workers lay out the page overlay and the front matter with the contents' numbers;
    the parent merges once the pool has ended. ``url_fetcher`` serves the front matter and
    overlay, then laid out here after the pool has ended; the parts always use
    ``StaticFilesFetcher``. Returns (pages, layout seconds, merge seconds, the workers' CPU
    seconds: a list for the parts and the stand-in front, one for the overlay and front).
    """
    started = time.perf_counter()
    with merge.binary_output(output) as out:
        return _write_parallel(context, out, processes, url_fetcher, started)


def _write_parallel(context: dict, output, processes: int, url_fetcher, started: float) -> tuple:
    data = context["data"]
    pieces = rendering.split_chapters(data.chapters, PART_ACTIVITIES)
    groups = rendering.group_chapters(pieces, processes, PART_ACTIVITIES)
    htmls = [partial(rendering.render_part_html, context, groups, i) for i in range(len(groups))]
    stand_in = (count_pages, partial(_stand_in_front_html, context))
    here = url_fetcher is not None
    # The report is written as the parts come (``merge``): its memory is one part's.
    merging = merge.Merge(output, tagged=settings.REPORT_TAGGED)
    pool = Workers(processes, len(groups))
    try:
        # Each part is merged as soon as it and those before it are laid out, while the
        # workers lay out the others: the merge holds one part at a time.
        done = _lay_out_parts(
            pool,
            htmls,
            _part_weights(data, groups),
            None if here else stand_in,
            partial(_append, merging),
        )
        if not here:
            *parts, counted = done
            front, overlay = _front_and_overlay(pool, context, parts, counted.pages)
    finally:
        pool.close()
    cpu = [[part.cpu for part in done], []]
    if here:
        parts, runner = done, InProcess(url_fetcher)
        counted = runner.submit(*stand_in)
        front, overlay = _front_and_overlay(runner, context, parts, counted.pages)
    else:
        cpu[1] = [front.cpu, overlay.cpu]
    laid_out = time.perf_counter()

    bookmarks, offset = list(front.bookmarks), front.pages
    for part in parts:
        bookmarks += [(lv, label, i + offset, x, y) for lv, label, i, x, y in part.bookmarks]
        offset += part.pages
    pages = merging.finish(front.pdf, overlay.pdf, bookmarks=bookmarks, links=front.links)
    return pages, laid_out - started, time.perf_counter() - laid_out, cpu
