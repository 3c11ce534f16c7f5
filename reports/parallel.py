"""The parallel path of a report's PDF: its parts laid out in worker processes, then merged.

The parent does all database work and renders every part's HTML (``rendering``), handing each
to a worker as soon as it is written; the workers only run WeasyPrint on an HTML string with
our static-files fetcher and send back the PDF's bytes, its page count, bookmarks and anchors.
Each worker lays out one part and exits (``maxtasksperchild=1``), so a worker's memory is that
of one part (at most ``PART_ACTIVITIES``), and the parent holds PDF bytes, never the laid-out
documents of the parts. Then, in workers too:

1. the front matter (cover, contents, summary) is laid out with stand-in numbers for its
   page count, beside the last parts;
2. the overlay of the final number of pages, carrying only the running title and "Page x of
   y", and the front matter with the contents' page numbers known, side by side;
3. the parent merges front matter and parts and stamps the overlay on every page
   (``merge``), adds the outline (one bookmark per heading, as in the whole document) and the
   front's metadata, once the pool has ended.

The parent never enters WeasyPrint while the pool lives (``forksafe``): billiard forks each
replacement worker from its own thread, at any moment, and a child forked while the parent
was inside Pango could inherit a held lock and hang for ever (seen in CI). A caller's own
``url_fetcher`` is therefore used only after the pool has ended: the front matter and the
overlay are then laid out in the parent.

Workers come from billiard (Celery's fork of multiprocessing): a Celery prefork worker runs
tasks in daemonic processes, which the standard library forbids to have children; billiard
allows it. They are forked: WeasyPrint, Django and the fonts are loaded already, and the
children never touch the inherited database connections (they read only static files); the
parent's objects are frozen out of the garbage collector first, so that the children do not
copy its heap (``Workers``). A failed or lost worker, or one past
``settings.REPORT_RENDER_TIMEOUT``, fails the report with ``ReportRenderError``; the pool is
terminated either way.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from dataclasses import dataclass, field

from django.conf import settings

from . import forksafe, merge, rendering, structure_merge

# How often the parent looks whether a part is done.
POLL_SECONDS = 0.02


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


#: Set in each worker (``_start_worker``) when the workers take turns writing their PDFs.
_write_lock = None


def _start_worker(write_lock) -> None:
    global _write_lock
    _write_lock = write_lock


# --- what a worker does (or the parent, with its own fetcher, once the pool has ended) ---


def render_part(html: str, url_fetcher=None, *, tagged: bool = False) -> PartPdf:
    """Lay out and write one part (or the page overlay, never tagged: it is drawn over the
    pages as an artifact).

    Writing a PDF costs about 90 MiB whatever the part's size (WeasyPrint copies each Noto
    Sans CJK collection, 20 MB a weight, and HarfBuzz subsets it): with the write lock the
    workers write one at a time, so that two such peaks never add up."""
    cpu_from = time.process_time()
    # No name here holds the laid-out document: _written lets it go before own_ids.
    return _written(
        rendering.lay_out(html, url_fetcher=url_fetcher), html, tagged, cpu_from, _write_lock
    )


def _written(document, html: str, tagged: bool, cpu_from: float, lock=None) -> PartPdf:
    """``document`` (laid out from ``html``) written (holding ``lock``), described, and when
    ``tagged`` its structure ids made its own (``structure_merge.own_ids``)."""
    with lock or contextlib.nullcontext():
        pdf = rendering.write_pdf(document, tagged=tagged)
    part = describe(document, pdf)
    if tagged:
        # The laid-out document is let go first: a worker's peak is one of the two.
        del document
        gc.collect()
        part.pdf = structure_merge.own_ids(pdf, html)
    part.cpu = time.process_time() - cpu_from
    return part


def render_tagged_part(html: str, url_fetcher=None) -> PartPdf:
    """``render_part`` tagged (PDF/UA-1): a part of a tagged report."""
    return render_part(html, url_fetcher, tagged=True)


def count_pages(html: str, url_fetcher=None) -> PartPdf:
    """The page count of ``html`` laid out (the front matter with stand-in numbers)."""
    cpu_from = time.process_time()
    pages = len(rendering.lay_out(html, url_fetcher=url_fetcher).pages)
    return PartPdf(pdf=b"", pages=pages, cpu=time.process_time() - cpu_from)


def render_front(
    html: str, anchors: dict[str, int], tagged: bool = False, url_fetcher=None
) -> PartPdf:
    """The front matter laid out and written, with ``links``: its contents' links to
    ``anchors`` (name → page index in the merged report) of the parts, taken out of its own
    PDF (WeasyPrint would log each as a missing anchor) to be added to the merged one."""
    cpu_from = time.process_time()
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
    """Forked worker processes, one task each (``render_part``, ``count_pages``,
    ``render_front``), with one deadline (``REPORT_RENDER_TIMEOUT``) for everything asked of
    them; ``close()`` ends them. While they live, this process enters no WeasyPrint
    (``forksafe.forking_workers``): billiard forks a replacement from its own thread
    whenever a worker has done its task.

    Before forking, the fonts are loaded and the parent's objects frozen out of the garbage
    collector (``gc.freeze``): a worker's collections would otherwise write to every object
    it inherited (the report's data, its HTML) and so copy the parent's heap page by page.
    With more parts than processes the workers take turns writing (``render_part``)."""

    def __init__(self, processes: int, parts: int):
        import billiard

        self.timeout = settings.REPORT_RENDER_TIMEOUT
        load_fonts()
        self._guards = contextlib.ExitStack()
        self._guards.enter_context(heap_frozen())
        self._guards.enter_context(forksafe.forking_workers())
        context = billiard.get_context("fork")
        try:
            self.pool = context.Pool(
                processes=max(1, min(processes, parts)),
                maxtasksperchild=1,
                initializer=_start_worker,
                initargs=(context.Lock() if parts > processes else None,),
            )
        except BaseException:
            self._guards.close()
            raise
        self.deadline = time.monotonic() + self.timeout

    def submit(self, task, *args):
        # No pool.close() before the last result: billiard stops replacing the workers that
        # leave after their one task once the pool is closed.
        return self.pool.apply_async(task, args)

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
        try:
            self.pool.terminate()
            self.pool.join()
        finally:
            self._guards.close()


class InProcess:
    """``Workers``' interface, doing each task here at once with ``url_fetcher``: for the
    front matter and overlay of a caller with its own fetcher, once the pool has ended."""

    def __init__(self, url_fetcher):
        self.url_fetcher = url_fetcher

    def submit(self, task, *args):
        return task(*args, url_fetcher=self.url_fetcher)

    def wait(self, done, what: str) -> PartPdf:
        return done


def render_parts(htmls: list, processes: int) -> list[PartPdf]:
    """``render_part`` of each HTML in up to ``processes`` worker processes, in order."""
    workers = Workers(processes, len(htmls))
    try:
        return _lay_out_parts(workers, htmls, None)
    finally:
        workers.close()


def _lay_out_parts(workers: Workers, htmls: list, weights, then=None) -> list[PartPdf]:
    """Each part's ``render_part``, the heaviest parts (by ``weights``, else the HTML's
    length) first, so that the last one to finish is a small one; ``then`` (a task and its
    HTML), submitted after them, is the last result in the list. An HTML may be given as a
    function that makes it: it is called when its turn comes, so that the first workers
    start while the parent still writes the later parts' HTML."""
    if weights is None:
        weights = [len(html) for html in htmls]
    order = sorted(range(len(htmls)), key=lambda i: -weights[i])
    pending = {}
    task = render_tagged_part if settings.REPORT_TAGGED else render_part
    for i in order:
        pending[i] = workers.submit(task, htmls[i]() if callable(htmls[i]) else htmls[i])
    if then is not None:
        task, html = then
        pending[len(htmls)] = workers.submit(task, html() if callable(html) else html)
    results = {i: workers.wait(pending[i], f"part {i + 1} of {len(htmls)}") for i in order}
    if then is not None:
        results[len(htmls)] = workers.wait(pending[len(htmls)], "front matter")
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


def _front_html(context: dict, toc_pages: dict[str, int]) -> str:
    return rendering.render_template(
        "reports/report_front.html", context, part=True, front=True, toc_pages=toc_pages
    )


def _stand_in_front_html(context: dict) -> str:
    """The front matter with three-digit stand-ins for the contents' page numbers: laid out
    for its page count while the parts' are not known yet."""
    for chapter in context["data"].chapters:
        chapter.toc_page = 888
    for review in context["data"].reviews:
        review.toc_page = 888
    return _front_html(context, dict.fromkeys(("themes", "events", "reviews"), 888))


def _front_and_overlay(runner, context: dict, parts: list[PartPdf], front_pages: int):
    """The written front matter with the contents' numbers right (``render_front``) and the
    overlay of every page, laid out side by side by ``runner`` (``Workers`` or
    ``InProcess``); again in the rare case that the numbers change the front's page count."""
    for _ in range(4):
        toc = _toc_pages(context, parts, front_pages)
        total = front_pages + sum(part.pages for part in parts)
        overlay = runner.submit(render_part, _overlay_html(context, total))
        # The parts' anchors as page indexes of the merged report, as links want them.
        anchors = _anchor_pages(parts, front_pages)
        front = runner.submit(
            render_front, _front_html(context, toc), anchors, settings.REPORT_TAGGED
        )
        front = runner.wait(front, "front matter")
        overlay = runner.wait(overlay, "page overlay")
        if front.pages == front_pages:
            if overlay.pages != total:
                raise ReportRenderError(f"The page overlay has {overlay.pages} pages, not {total}.")
            return front, overlay
        front_pages = front.pages
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
    ready, then the front matter's with stand-in numbers, for its page count. Once those are
    done, workers lay out the page overlay and the front matter with the contents' numbers;
    the parent merges once the pool has ended. ``url_fetcher`` serves the front matter and
    overlay, then laid out here after the pool has ended; the parts always use
    ``StaticFilesFetcher``. Returns (pages, layout seconds, merge seconds, the workers' CPU
    seconds: a list for the parts and the stand-in front, one for the overlay and front).
    """
    started = time.perf_counter()
    data = context["data"]
    pieces = rendering.split_chapters(data.chapters, PART_ACTIVITIES)
    groups = rendering.group_chapters(pieces, processes, PART_ACTIVITIES)
    htmls = [
        (lambda i=i: rendering.render_part_html(context, groups, i)) for i in range(len(groups))
    ]
    stand_in = (count_pages, lambda: _stand_in_front_html(context))
    here = url_fetcher is not None
    workers = Workers(processes, len(groups))
    try:
        done = _lay_out_parts(
            workers, htmls, _part_weights(data, groups), None if here else stand_in
        )
        if not here:
            *parts, counted = done
            front, overlay = _front_and_overlay(workers, context, parts, counted.pages)
    finally:
        workers.close()
    cpu = [[part.cpu for part in done], []]
    if here:
        parts, runner = done, InProcess(url_fetcher)
        counted = runner.submit(stand_in[0], stand_in[1]())
        front, overlay = _front_and_overlay(runner, context, parts, counted.pages)
    else:
        cpu[1] = [front.cpu, overlay.cpu]
    laid_out = time.perf_counter()

    bookmarks, offset = list(front.bookmarks), front.pages
    for part in parts:
        bookmarks += [(lv, label, i + offset, x, y) for lv, label, i, x, y in part.bookmarks]
        offset += part.pages
    pages = merge.merge(
        [front.pdf, *(part.pdf for part in parts)],
        overlay.pdf,
        bookmarks=bookmarks,
        links=front.links,
        output=output,
        tagged=settings.REPORT_TAGGED,
    )
    return pages, laid_out - started, time.perf_counter() - laid_out, cpu
