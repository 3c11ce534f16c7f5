"""The report's dense layout and its parallel path: parts laid out in worker processes, then
merged with the contents' numbers, "Page x of y", bookmarks and metadata right; the same
report as one document; from inside a daemonic process (a Celery prefork worker's); and a
failing or slow worker failing the report, never hanging it; no fork while WeasyPrint runs.

Times are for ``bench/report_bench.py``; nothing here asserts a duration.
"""

from __future__ import annotations

import datetime
import io
import multiprocessing
import os
import random
import re
import signal
import time
import types

import pytest
from django.db import connection
from pypdf import PdfReader

from cooperation.models import Activity, ActivityStatus, StatusUpdate
from reports import forksafe, merge, parallel, rendering, services, snapshot, workers
from reports import tasks as report_tasks
from reports.models import ProgressReport, ReportStatus
from tests.reports.test_reports import AS_OF, RecordingFetcher, render, squeeze

pytestmark = [pytest.mark.django_db, pytest.mark.clock]


@pytest.fixture(autouse=True)
def untagged(settings):
    """The parallel path untagged, as it was built first: tagged parts and their merged
    structure trees are test_report_tagged.py's."""
    settings.REPORT_TAGGED = False


@pytest.fixture(autouse=True)
def bounded(settings):
    """Every render here is bounded: a worker that never answers fails the test in two
    minutes with ``ReportRenderError`` instead of hanging it (tests may set less)."""
    settings.REPORT_RENDER_TIMEOUT = 120


@pytest.fixture(autouse=True)
def no_fork_inside_weasyprint():
    """No process is forked while this one is inside WeasyPrint (``reports.forksafe``)."""
    before = len(forksafe.forks_inside_weasyprint)
    yield
    assert forksafe.forks_inside_weasyprint[before:] == []


EN_TEXT = (
    "joint seminar on smart mobility and clean energy for city districts with partners from "
    "universities enterprises and municipal agencies including site visits exchange of experts"
)
WORDS = EN_TEXT.split(" ")
ZH = (
    "双方围绕智慧交通与清洁能源举办联合研讨会，邀请高校、企业和市政机构参加，"
    "组织实地考察和专家交流。"
)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def outline_of(pdf: bytes) -> list[tuple[int, str, int]]:
    """(depth, title, 1-based page) of every bookmark, in order."""
    reader = PdfReader(io.BytesIO(pdf))
    found = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return found


def add_activities(world, n: int, seed: int = 3) -> None:
    """``n`` activities like the benchmark's: two languages, description, outcomes when
    completed, lead agencies, dates and a dated status update with a note."""
    rng = random.Random(seed)
    statuses = [ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS, ActivityStatus.COMPLETED]
    activities = []
    for i in range(n):
        start = datetime.date(2020, 1, 1) + datetime.timedelta(days=rng.randrange(0, 600))
        status = statuses[i % 3]
        done = status == ActivityStatus.COMPLETED

        def words(k):
            return " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + "."

        activities.append(
            Activity(
                theme=world.themes[i % 3],
                title_en=f"{words(7)[:-1]} ({i})",
                title_zh_hans=f"{ZH[rng.randrange(0, 20) :][:16]}（{i}）",
                description_en=words(rng.randrange(12, 30)),
                description_zh_hans=ZH[: rng.randrange(30, len(ZH))],
                outcomes_en=words(10) if done else "",
                outcomes_zh_hans=ZH[:20] if done else "",
                first_lead_agency=world.hki_agency,
                second_lead_agency=world.bj_agency,
                planned_start=start,
                planned_end=start + datetime.timedelta(days=200),
                actual_start=start if status != ActivityStatus.PLANNED else None,
                actual_end=start + datetime.timedelta(days=150) if done else None,
                status=status,
            )
        )
    Activity.objects.bulk_create(activities)
    Activity.objects.update(created_at=datetime.datetime(2019, 10, 15, 12, tzinfo=datetime.UTC))
    updates = [
        StatusUpdate(
            activity=a,
            sequence=1,
            from_status=ActivityStatus.PLANNED,
            to_status=a.status,
            note=" ".join(rng.choice(WORDS) for _ in range(8)),
        )
        for a in activities
        if a.status != ActivityStatus.PLANNED
    ]
    StatusUpdate.objects.bulk_create(updates)
    StatusUpdate.objects.update(created_at=datetime.datetime(2021, 6, 1, 12, tzinfo=datetime.UTC))


# --- the dense layout ---------------------------------------------------------------------------


def test_a_bilingual_report_sets_about_a_dozen_activities_a_page(world):
    """The dense rows: 120 activities with descriptions, outcomes, dates, lead agencies and a
    note, both languages side by side. The former layout (four a page) took 39 pages."""
    add_activities(world, 120)
    pdf, pages = render(world.plan, "bilingual", processes=1)
    texts = page_texts(pdf)
    assert len(texts) == pages
    # Every activity is there, with its details, in both languages.
    whole = squeeze("".join(texts))
    for activity in Activity.objects.filter(theme__plan=world.plan, title_en__endswith=")"):
        assert squeeze(activity.title_en) in whole
        assert squeeze(activity.title_zh_hans) in whole
        assert squeeze(activity.description_en) in whole
    assert whole.count(squeeze("Lead agencies")) >= 120
    # Cover, contents, summary and charts, three chapters, events and reviews: 18 pages with
    # this font; the former layout set four activities a page.
    assert pages <= 20, pages


# --- the parallel path --------------------------------------------------------------------------


@pytest.fixture
def pair(world):
    """The world's bilingual report rendered in one process and in two."""
    add_activities(world, 30)
    one, _ = render(world.plan, "bilingual", processes=1)
    two, pages = render(world.plan, "bilingual", processes=2)
    return world, one, two, pages


def test_both_paths_give_the_same_pages_with_the_same_text(pair):
    _world, one, two, pages = pair
    first, second = page_texts(one), page_texts(two)
    assert len(first) == len(second) == pages
    for number, (a, b) in enumerate(zip(first, second, strict=True), start=1):
        # The overlay's running title and page number come last in the merged page's text.
        assert sorted(squeeze(line) for line in a.splitlines()) == sorted(
            squeeze(line) for line in b.splitlines()
        ), number


def test_every_merged_page_after_the_cover_is_numbered_in_both_languages(pair):
    world, _one, two, pages = pair
    texts = page_texts(two)
    assert "Page 1 of" not in texts[0]
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text, number
        assert f"第{number}页，共{pages}页" in text, number
        assert squeeze(world.plan.title_en)[:30] in squeeze(text), number


def test_the_contents_numbers_and_the_bookmarks_point_to_the_chapters(pair):
    world, _one, two, _pages = pair
    texts = page_texts(two)
    outline = outline_of(two)
    titles = [title for _depth, title, _page in outline]
    part = next(i for i, t in enumerate(titles) if t.startswith("Themes and their activities"))
    chapters = [entry for entry in outline[part + 1 :] if entry[0] == 1][:3]
    assert [title for _d, title, _p in chapters] == [
        f"{theme.order}. {theme.name_en} {theme.name_zh_hans}" for theme in world.themes
    ]
    contents = next(t for t in texts if "Contents" in t)
    for theme, (_depth, _title, page) in zip(world.themes, chapters, strict=True):
        # The chapter's heading is on the page its bookmark names …
        assert squeeze(f"{theme.order}. {theme.name_en}") in squeeze(texts[page - 1])
        # … and the contents give that page's number.
        line = next(line for line in contents.splitlines() if theme.name_en in line)
        assert re.search(rf"\b{page}\s*$", line), (line, page)
    # One bookmark per part of the front matter, and the events and reviews.
    top = [title for depth, title, _page in outline if depth == 0]
    assert len(top) == 6  # the plan's title, contents, summary, themes, events, reviews
    assert top[-2].startswith("Events") and top[-1].startswith("Reviews")
    # The contents link to the chapters in the merged file.
    reader = PdfReader(io.BytesIO(two))
    contents_page = texts.index(contents)
    links = [a.get_object() for a in reader.pages[contents_page].get("/Annots", [])]
    targets = {reader.get_page_number(link["/Dest"][0].get_object()) for link in links}
    assert {page - 1 for _d, _t, page in chapters} <= targets
    # The summary opens the first part (the front matter stays small): its entry too.
    summary = next(page for depth, title, page in outline if title.startswith("Summary"))
    assert summary - 1 in targets
    line = next(line for line in contents.splitlines() if line.startswith("Summary"))
    assert re.search(rf"\b{summary}\s*$", line), (line, summary)


def test_the_merged_report_keeps_title_author_dates_and_language(world):
    world.plan.coordinators.set([world.hki_agency, world.bj_agency])
    pdf, _ = render(world.plan, "zh-hans", processes=2)
    reader = PdfReader(io.BytesIO(pdf))
    assert "北京市与赫尔辛基市2019-2023年合作行动计划" in reader.metadata.title
    assert sorted(reader.metadata.author.split("; ")) == ["科学技术委员会", "经济发展部"]
    assert reader.metadata["/CreationDate"].startswith("D:20220103")
    assert reader.trailer["/Root"]["/Lang"] == "zh-hans"
    # Chinese pages are numbered the Chinese way only.
    texts = page_texts(pdf)
    assert f"第2页，共{len(texts)}页" in texts[1]
    assert "Page 2" not in texts[1]


def test_a_callers_fetcher_serves_the_front_and_overlay_after_the_workers(world):
    """With its own fetcher, the caller's process lays out the front matter and the overlay,
    once the workers have ended (never beside them): the same report, numbered."""
    fetcher = RecordingFetcher()
    pdf, pages = render(world.plan, "bilingual", processes=2, fetcher=fetcher)
    assert fetcher.urls  # the front matter's and overlay's stylesheet, fetched here
    texts = page_texts(pdf)
    assert len(texts) == pages
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text, number
    assert pdf == render(world.plan, "bilingual", processes=2)[0]


def test_the_merged_report_renders_to_the_same_bytes_again(world):
    first, _ = render(world.plan, "bilingual", processes=2)
    again, _ = render(world.plan, "bilingual", processes=2)
    assert first == again


def test_the_result_says_how_many_processes_laid_it_out(world, settings, monkeypatch):
    settings.REPORT_RENDER_PROCESSES = 2
    # A small report is one document, however many processes are allowed …
    result = services.write_report_pdf(
        plan=world.plan, theme=None, language="en", as_of=AS_OF, output=io.BytesIO()
    )
    assert result.processes == 1
    # … a large one is laid out in parts by the configured workers …
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ACTIVITIES", 0)
    result = services.write_report_pdf(
        plan=world.plan, theme=None, language="en", as_of=AS_OF, output=io.BytesIO()
    )
    assert result.processes == 2
    # … and a caller may ask for either.
    result = services.write_report_pdf(
        plan=world.plan, theme=None, language="en", as_of=AS_OF, output=io.BytesIO(), processes=2
    )
    assert result.processes == 2
    result = services.write_report_pdf(
        plan=world.plan, theme=None, language="en", as_of=AS_OF, output=io.BytesIO(), processes=1
    )
    assert result.processes == 1
    # One theme's report is one chapter: nothing to share out.
    result = services.write_report_pdf(
        plan=world.plan, theme=world.themes[0], language="en", as_of=AS_OF, output=io.BytesIO()
    )
    assert result.processes == 1


def test_no_other_thread_starts_a_pdf_while_the_pool_lives(world, monkeypatch):
    """Under gunicorn's threaded workers another request's PDF waits for the parts' pool to
    end: a thread inside WeasyPrint while the pool forks could leave a child holding a lock."""
    import threading

    seen = []

    def fake_write_parallel(context, output, *, processes, url_fetcher=None):
        other = threading.Thread(
            target=lambda: seen.append(rendering.ONE_PDF_AT_A_TIME.acquire(blocking=False))
        )
        other.start()
        other.join(10)
        return 1, 0.0, 0.0, []

    monkeypatch.setattr(parallel, "write_parallel", fake_write_parallel)
    services.write_report_pdf(
        plan=world.plan, theme=None, language="en", as_of=AS_OF, output=io.BytesIO(), processes=2
    )
    assert seen == [False]


# --- workers: daemonic parents, failures, timeouts ----------------------------------------------


def _render_parts_in_daemon(htmls, queue):
    try:
        parts = parallel.render_parts(htmls, 2)
        queue.put([part.pages for part in parts])
    except BaseException as exc:  # noqa: BLE001 - the test reads it
        queue.put(repr(exc))


def _run_in_daemon(target, *args):
    """``target(*args, queue)`` in a daemonic forked process (as Celery's prefork pool runs
    tasks): what it puts on the queue."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    process = ctx.Process(target=target, args=(*args, queue), daemon=True)
    process.start()
    try:
        return queue.get(timeout=300)
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()


def test_the_workers_start_from_a_daemonic_process(world):
    data = snapshot.collect(world.plan, None, AS_OF)
    htmls = rendering.render_part_htmls(rendering.report_context(data, "bilingual"), 3)
    assert len(htmls) == 3  # a chapter each, the last followed by the events and reviews
    got = _run_in_daemon(_render_parts_in_daemon, htmls)
    assert isinstance(got, list), got
    assert len(got) == 3 and all(pages >= 1 for pages in got)


def _task_in_daemon(report_id, queue):
    try:
        status = report_tasks.render_progress_report.apply(args=[report_id]).get()
        report = ProgressReport.objects.get(pk=report_id)
        queue.put((status, report.page_count, report.error))
    except BaseException as exc:  # noqa: BLE001 - the test reads it
        queue.put(repr(exc))


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="the forked task uses its copy of the in-memory test database (SQLite only); "
    "on PostgreSQL the test above starts the workers from a daemonic process",
)
def test_the_task_renders_a_report_in_parallel_inside_a_daemonic_process(world, settings):
    settings.REPORT_RENDER_PROCESSES = 2
    report = ProgressReport.objects.create(
        plan=world.plan, theme=None, language="bilingual", as_of=AS_OF
    )
    got = _run_in_daemon(_task_in_daemon, report.pk)
    assert got[0] == ReportStatus.DONE, got
    assert got[1] >= 6 and got[2] == ""


def broken_part(html):
    raise RuntimeError("the layout engine fell over in a worker")


def slow_part(html):
    # In a loop: under faketime a long sleep may return early.
    started = time.monotonic()
    while time.monotonic() - started < 60:
        time.sleep(1)


def test_a_failing_worker_fails_the_report_with_the_reason(world, monkeypatch, settings):
    settings.REPORT_RENDER_PROCESSES = 2
    monkeypatch.setattr(parallel, "PARALLEL_MIN_ACTIVITIES", 0)
    monkeypatch.setattr(parallel, "render_part", broken_part)
    with pytest.raises(parallel.ReportRenderError, match="failed in a worker process") as info:
        render(world.plan, "bilingual")
    assert "the layout engine fell over in a worker" in str(info.value)
    # Through the task: the report is failed with that reason, and keeps no file.
    report = ProgressReport.objects.create(
        plan=world.plan, theme=None, language="bilingual", as_of=AS_OF
    )
    assert report_tasks.render_progress_report.apply(args=[report.pk]).get() == "failed"
    report.refresh_from_db()
    assert report.error.startswith("ReportRenderError: The report's part")
    assert "the layout engine fell over in a worker" in report.error
    assert not report.file


def test_a_slow_worker_fails_the_report_instead_of_hanging(world, monkeypatch, settings):
    settings.REPORT_RENDER_TIMEOUT = 1
    monkeypatch.setattr(parallel, "render_part", slow_part)
    with pytest.raises(parallel.ReportRenderError, match="not rendered within 1 s"):
        render(world.plan, "en", processes=2)


# --- no fork while WeasyPrint runs (CI once hung so) --------------------------------------------


def test_nothing_is_laid_out_while_the_workers_may_fork(world, monkeypatch):
    """While workers live, the parent forks the next one whenever one ends: a child forked
    while the parent was inside Pango could inherit a held lock and hang for ever. So the
    parent enters no WeasyPrint then (the former path laid out the front matter beside the
    workers and would fail here) …"""
    with forksafe.forking_workers(), pytest.raises(forksafe.ForkHazard, match="workers live"):
        rendering.lay_out("<p>x</p>")
    rendering.lay_out("<p>x</p>")  # the pool is gone
    # … and a report in many one-task parts (a fork for each) is laid out without it.
    add_activities(world, 30)
    monkeypatch.setattr(parallel, "PART_ACTIVITIES", 3)
    pdf, pages = render(world.plan, "bilingual", processes=2)
    assert len(page_texts(pdf)) == pages


def _wait_for_child(pid: int, seconds: float = 60) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail("the forked child did not end")


def test_a_process_forked_inside_weasyprint_refuses_to_lay_out():
    """Should a fork happen inside WeasyPrint all the same, it is recorded and the child
    fails at once, clearly, instead of waiting for a lock for ever."""
    before = len(forksafe.forks_inside_weasyprint)
    with forksafe.weasyprint():
        pid = os.fork()
        if pid == 0:  # the child: never back into pytest
            code = 1
            try:
                rendering.lay_out("<p>x</p>")
            except forksafe.ForkHazard:
                code = 0
            finally:
                os._exit(code)
    assert _wait_for_child(pid) == 0
    assert len(forksafe.forks_inside_weasyprint) == before + 1
    del forksafe.forks_inside_weasyprint[before:]


def _tainted_part(html, url_fetcher=None):
    # In the worker only: as if it had been forked while its parent was inside WeasyPrint.
    forksafe._forked_inside = True
    return parallel.describe(rendering.lay_out(html), b"")


def test_a_worker_forked_inside_weasyprint_fails_the_report(world, monkeypatch):
    monkeypatch.setattr(parallel, "render_part", _tainted_part)
    with pytest.raises(parallel.ReportRenderError, match="ForkHazard: This process was forked"):
        render(world.plan, "bilingual", processes=2)


# --- sharing the chapters out -------------------------------------------------------------------


class _Chapter:
    def __init__(self, total):
        self.total = total

    def __repr__(self):
        return f"C{self.total}"


@pytest.mark.parametrize(
    ("totals", "parts", "most", "expected"),
    [
        # Equal chapters, equal runs, in order.
        ([10] * 10, 2, None, [[10] * 5, [10] * 5]),
        ([10] * 10, 5, None, [[10] * 2] * 5),
        # One big chapter has a run of its own; the rest share the other.
        ([1000, 10, 10, 10], 2, None, [[1000], [10, 10, 10]]),
        # Never more runs than chapters, never an empty run.
        ([5, 5], 4, None, [[5], [5]]),
        ([], 3, None, [[]]),
        # Runs heavier than `most` (weights: activities + 10) are shared out again …
        ([200] * 10, 2, 260, [[200]] * 10),
        ([90] * 6, 2, 260, [[90], [90, 90], [90], [90, 90]]),
        # … but a chapter is never split.
        ([1000, 10], 1, 260, [[1000], [10]]),
    ],
)
def test_chapters_are_shared_into_runs_of_about_equal_weight(totals, parts, most, expected):
    chapters = [_Chapter(total) for total in totals]
    groups = rendering.group_chapters(chapters, parts, most)
    assert [[c.total for c in group] for group in groups] == expected
    assert [c for group in groups for c in group] == chapters


def test_large_reports_are_laid_out_in_parts_and_small_ones_whole(settings):
    settings.REPORT_RENDER_PROCESSES = 2
    data = types.SimpleNamespace(chapters=[_Chapter(200)] * 10, activity_count=2000)
    assert parallel.use_parts(data, None) == 2
    data.activity_count = 20
    assert parallel.use_parts(data, None) == 0  # one document is quicker
    assert parallel.use_parts(data, 1) == 0
    assert parallel.use_parts(data, 3) == 3
    data.chapters = data.chapters[:1]
    assert parallel.use_parts(data, 3) == 0  # one chapter: nothing to share out


def test_a_chapter_larger_than_a_part_is_laid_out_in_pieces(world, monkeypatch):
    """Chapters split at commitments (and among loose activities): the heading, anchor and
    bookmark once, in the first piece; every activity once; the contents right."""
    add_activities(world, 30)
    monkeypatch.setattr(parallel, "PART_ACTIVITIES", 4)
    data = snapshot.collect(world.plan, None, AS_OF)
    pieces = rendering.split_chapters(data.chapters, 4)
    assert len(pieces) > len(data.chapters)
    for chapter in data.chapters:
        own = [p for p in pieces if getattr(p, "chapter", p) is chapter]
        assert [p.continued for p in own] == [False] + [True] * (len(own) - 1)
        assert [r for p in own for r in p.rows] == chapter.commitments
        assert [r for p in own for r in p.loose_rows] == chapter.loose
        assert sum(p.loose_head for p in own) == (1 if chapter.loose else 0)
    pdf, pages = render(world.plan, "bilingual", processes=2)
    texts = page_texts(pdf)
    whole = squeeze("".join(texts))
    for activity in Activity.objects.filter(theme__plan=world.plan, title_en__endswith=")"):
        assert whole.count(squeeze(activity.title_en)) == 1
    outline = outline_of(pdf)
    contents = next(t for t in texts if "Contents" in t)
    for theme in world.themes:
        label = f"{theme.order}. {theme.name_en} {theme.name_zh_hans}"
        (page,) = [page for _d, title, page in outline if title == label]
        assert squeeze(f"{theme.order}. {theme.name_en}") in squeeze(texts[page - 1])
        line = next(line for line in contents.splitlines() if theme.name_en in line)
        assert re.search(rf"\b{page}\s*$", line), (line, page)
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {pages}" in text, number


def test_one_theme_larger_than_a_part_is_laid_out_in_pieces(world, monkeypatch):
    add_activities(world, 12)
    monkeypatch.setattr(parallel, "PART_ACTIVITIES", 2)
    theme = world.themes[0]
    buffer = io.BytesIO()
    result = services.write_report_pdf(
        plan=world.plan,
        theme=theme,
        language="en",
        as_of=AS_OF,
        output=buffer,
        processes=2,
    )
    assert result.processes == 2
    texts = page_texts(buffer.getvalue())
    assert len(texts) == result.page_count
    heading = squeeze(f"{theme.order}. {theme.name_en}")
    assert sum(heading in squeeze(text) for text in texts[1:]) >= 1
    assert [title for _d, title, _p in outline_of(buffer.getvalue())].count(
        f"{theme.order}. {theme.name_en}"
    ) == 1
    for number, text in enumerate(texts[1:], start=2):
        assert f"Page {number} of {result.page_count}" in text, number


def test_each_part_is_written_by_its_worker_not_by_the_parent(world, monkeypatch):
    """The parent collects the data and forks; it writes none of the parts' HTML, which the
    workers waited for and shared the cores with (a second in 11 at 500 activities)."""
    written_here = []
    write = rendering.render_part_html

    def recording(*args, **kwargs):
        written_here.append(os.getpid())  # a worker's list is its own copy
        return write(*args, **kwargs)

    monkeypatch.setattr(rendering, "render_part_html", recording)
    add_activities(world, 30)
    pdf, pages = render(world.plan, "bilingual", processes=2)
    assert len(page_texts(pdf)) == pages > 3
    assert written_here == []


def test_parts_merged_as_they_come_or_after_the_workers_make_the_same_report(pair, monkeypatch):
    """The parent writes each part into the report as soon as it and those before it are
    laid out, while the workers lay out the others; merged after the workers instead, the
    report is the same."""
    world, _one, as_they_come, pages = pair
    lay_out = parallel._lay_out_parts
    appended = []

    def later(*args):
        # The parts merged only once all are laid out: ``each`` (the merge) called after.
        done = lay_out(*args[:4], None)
        for part in done[:-1]:
            appended.append(part.pdf)
            args[4](part)
        return done

    monkeypatch.setattr(parallel, "_lay_out_parts", later)
    after, after_pages = render(world.plan, "bilingual", processes=2)
    assert len(appended) >= 2
    assert after_pages == pages
    assert after == as_they_come
    assert page_texts(after) == page_texts(as_they_come)
    assert outline_of(after) == outline_of(as_they_come)


def test_each_part_is_merged_while_later_parts_are_laid_out(world, monkeypatch):
    """The first part is in the report before the last is laid out: the parent holds the
    bytes of the parts laid out out of order only."""
    events = []
    append, wait = merge.Merge.append, workers.Workers.wait

    def appending(self, pdf):
        events.append("append")
        return append(self, pdf)

    def waiting(self, task, what):
        result = wait(self, task, what)
        events.append(what)
        return result

    monkeypatch.setattr(merge.Merge, "append", appending)
    monkeypatch.setattr(workers.Workers, "wait", waiting)
    add_activities(world, 30)
    monkeypatch.setattr(parallel, "PART_ACTIVITIES", 10)
    render(world.plan, "bilingual", processes=2)
    parts = [e for e in events if e.startswith("part ")]
    assert len(parts) >= 3
    assert events.index("append") < events.index(parts[-1])
    assert events.count("append") == len(parts)


def test_the_parts_carry_no_file_identifier_the_merged_report_does(world, monkeypatch):
    """A part is written without WeasyPrint's /ID (pydyf serialises every object again to
    digest it, a sixth of the part's writing): the merge gives the report its own."""
    parts = []
    append = merge.Merge.append

    def recording(self, pdf):
        parts.append(pdf)
        return append(self, pdf)

    monkeypatch.setattr(merge.Merge, "append", recording)
    add_activities(world, 30)
    pdf, _pages = render(world.plan, "bilingual", processes=2)
    assert len(parts) >= 2
    for part in parts:
        assert "/ID" not in PdfReader(io.BytesIO(part)).trailer
    assert len(PdfReader(io.BytesIO(pdf)).trailer["/ID"]) == 2
    one, _ = render(world.plan, "bilingual", processes=1)
    assert len(PdfReader(io.BytesIO(one)).trailer["/ID"]) == 2
