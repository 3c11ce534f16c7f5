"""Progress reports: the PDF in each language, its fonts, page numbers and snapshot as of a
date; the URL fetcher that only serves our static files; the rendering's states and reruns;
the management command.

Renders are of small plans (the ``world`` fixture, or one theme of the real plan): the big one
is for ``bench/report_bench.py``.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.utils import timezone

from cooperation.models import ActivityStatus, Theme
from reports import rendering, services, snapshot
from reports import tasks as report_tasks
from reports.fetcher import (
    REPORT_BASE_URL,
    ReportFetchRefused,
    StaticFilesFetcher,
    static_path_of,
    static_url,
)
from reports.models import ProgressReport, ReportLanguage, ReportStatus
from tests import factories as f

# Today matters here ("in the future", overdue, stale, …): the clock is pinned (conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.clock]

needs_poppler = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdffonts")),
    reason="poppler-utils (pdftotext, pdffonts) is not installed",
)

AS_OF = datetime.date(2021, 12, 31)
HOSTILE = (
    '<img src="file:///etc/passwd"> <b>bold?</b> '
    '<link rel="stylesheet" href="http://evil.example/x.css"> '
    "https://evil.example/pixel.png </style><style>@page { size: 1mm }</style>"
)


# --- helpers ----------------------------------------------------------------------------------


class RecordingFetcher(StaticFilesFetcher):
    """Our fetcher, recording every URL WeasyPrint asks for."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.urls: list[str] = []

    def fetch(self, url, headers=None):
        self.urls.append(url)
        return super().fetch(url, headers)


def render(
    plan, language, *, theme=None, as_of=AS_OF, fetcher=None, processes=None
) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    result = services.write_report_pdf(
        processes=processes,
        plan=plan,
        theme=theme,
        language=language,
        as_of=as_of,
        output=buffer,
        generated_at=datetime.datetime(2022, 1, 3, 9, tzinfo=datetime.UTC),
        url_fetcher=fetcher,
    )
    return buffer.getvalue(), result.page_count


def pdf_text(pdf: bytes, *, first: int | None = None, last: int | None = None, raw=True) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if raw:
        args.append("-raw")
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    done = subprocess.run([*args, "-", "-"], input=pdf, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


def squeeze(text: str) -> str:
    """Without whitespace: lines break anywhere in a PDF, in Chinese between any two signs."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def pdf_fonts(pdf: bytes) -> list[dict]:
    done = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True)
    fonts = []
    for line in done.stdout.decode().splitlines()[2:]:
        parts = line.split()
        # name … emb sub uni object-number generation; the type has spaces in it.
        fonts.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
    return fonts


def complete_history(activity, steps, user):
    """Give ``activity`` a status history: (on date, from, to, note) steps, dated back."""
    tz = datetime.timezone(datetime.timedelta(hours=2))
    for sequence, (on, before, after, note) in enumerate(steps, start=1):
        update = f.StatusUpdateFactory(
            activity=activity,
            sequence=sequence,
            author=user,
            from_status=before,
            to_status=after,
            note=note,
        )
        # auto_now_add stamps "now": date it back to when it happened.
        when = datetime.datetime.combine(on, datetime.time(12), tzinfo=tz)
        type(update).objects.filter(pk=update.pk).update(created_at=when)


@pytest.fixture
def dated(world):
    """The world's activities, recorded when the plan was signed (factories stamp "now")."""
    from cooperation.models import Activity

    Activity.objects.update(created_at=datetime.datetime(2019, 10, 15, 12, tzinfo=datetime.UTC))
    return world


@pytest.fixture
def history(dated):
    """The jointly led activity: started 2021-03-01, completed 2022-05-01 (after AS_OF)."""
    world = dated
    activity = world.joint_activity
    type(activity).objects.filter(pk=activity.pk).update(
        commitment=world.commitment,
        status=ActivityStatus.COMPLETED,
        actual_start=datetime.date(2021, 3, 1),
        actual_end=datetime.date(2022, 5, 1),
    )
    activity.refresh_from_db()
    complete_history(
        activity,
        [
            (datetime.date(2021, 3, 1), "planned", "in_progress", "Kick-off held in Helsinki."),
            (datetime.date(2022, 5, 1), "in_progress", "completed", "Final report signed."),
        ],
        world.hki_coordinator,
    )
    return activity


# --- the snapshot as of a date -----------------------------------------------------------------


def test_it_takes_each_activitys_status_on_the_report_date_from_its_history(world, history):
    data = snapshot.collect(world.plan, None, AS_OF)
    rows = {r.activity.pk: r for c in data.chapters for cr in c.commitments for r in cr.activities}
    row = rows[history.pk]
    assert row.status == ActivityStatus.IN_PROGRESS
    assert row.note == "Kick-off held in Helsinki."
    # The commitment (no target) is not met yet on that date: nothing was completed.
    economy = data.chapters[0]
    assert [c.met for c in economy.commitments] == [False]
    assert economy.counts == {"planned": 3, "in_progress": 1}

    later = snapshot.collect(world.plan, None, datetime.date(2022, 5, 1))
    rows = {r.activity.pk: r for c in later.chapters for cr in c.commitments for r in cr.activities}
    assert rows[history.pk].status == ActivityStatus.COMPLETED
    assert rows[history.pk].note == "Final report signed."
    assert later.chapters[0].commitments[0].met is True


def test_it_uses_the_status_before_the_first_change_when_nothing_happened_yet(world, history):
    data = snapshot.collect(world.plan, None, datetime.date(2021, 2, 1))
    rows = {r.activity.pk: r for c in data.chapters for cr in c.commitments for r in cr.activities}
    assert rows[history.pk].status == ActivityStatus.PLANNED
    assert rows[history.pk].note == ""
    assert rows[history.pk].actual is None


def test_it_leaves_out_activities_created_after_the_report_date(world):
    f.ActivityFactory(theme=world.themes[1], title_en="Recorded later")
    data = snapshot.collect(world.plan, None, AS_OF)  # factories create them "now", 2026
    assert data.activity_count == 0
    now = snapshot.collect(world.plan, None, timezone.localdate())
    assert now.activity_count == 5


def test_a_commitment_with_a_target_is_met_when_enough_activities_are_completed(world):
    commitment = f.CommitmentFactory(theme=world.themes[1], order=1, target_count=2)
    for i in range(2):
        f.ActivityFactory(
            theme=world.themes[1],
            commitment=commitment,
            status=ActivityStatus.COMPLETED,
            actual_start=datetime.date(2020, 1, 1),
            actual_end=datetime.date(2020, 2, 1 + i),
        )
    today = timezone.localdate()
    data = snapshot.collect(world.plan, world.themes[1], today)
    row = data.chapters[0].commitments[0]
    assert (row.completed, row.target, row.met) == (2, 2, True)


def test_the_day_ends_when_it_has_ended_in_both_cities(world):
    end = snapshot.end_of_day(world.plan, AS_OF)
    # Helsinki is UTC+2 in winter, Beijing UTC+8: the later end is Helsinki's midnight.
    assert end == datetime.datetime(2021, 12, 31, 22, 0, tzinfo=datetime.UTC)


def test_page_numbers_come_from_the_catalogue_as_css():
    assert rendering.page_counter_css(["en"]) == '"Page " counter(page) " of " counter(pages)'
    zh = rendering.page_counter_css(["zh-hans"])
    assert zh == '"第" counter(page) "页，共" counter(pages) "页"'
    # Whatever a translation holds cannot leave the CSS string.
    assert rendering._css_string('x"; } </style>') == '"x\\22 ; \\7d  \\3c \\2f style\\3e "'


# --- the PDF ----------------------------------------------------------------------------------


@needs_poppler
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Economy", "Education", "Culture", "Contents", "Summary"]),
        ("zh-hans", ["经济", "教育", "文化", "赫尔辛基"]),
        (
            "bilingual",
            ["Economy", "经济", "Culture", "文化", "Helsinki-led activity", "北京牵头的活动"],
        ),
    ],
)
def test_each_language_renders(dated, language, expected):
    world = dated
    pdf, pages = render(world.plan, language)
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf)
    for word in expected:
        assert word in text, (language, word)
    assert pages >= 6  # cover, contents, summary, three theme chapters, events, reviews


@needs_poppler
def test_the_bilingual_report_of_the_real_plan_holds_every_theme_and_a_themes_commitments(
    world, settings
):
    from plandata.loader import load_plan_file
    from plandata.planfile import DEFAULT_PLAN_FILE

    load_plan_file(Path(django_settings.BASE_DIR) / DEFAULT_PLAN_FILE)
    themes = list(Theme.objects.filter(plan__code="hki-bj-2019-2023").order_by("order"))
    assert len(themes) == 10
    plan = themes[0].plan
    # One theme's chapter keeps the render small; the summary, contents and charts name all ten.
    science = themes[1]
    pdf, _ = render(plan, "bilingual", theme=science, as_of=datetime.date(2023, 12, 31))
    text = squeeze(pdf_text(pdf))
    for commitment in science.commitments.all():
        assert squeeze(commitment.text_en) in text
        assert squeeze(commitment.text_zh_hans) in text
    whole, _ = render(plan, "bilingual", as_of=datetime.date(2019, 10, 1))
    text = squeeze(pdf_text(whole))
    for theme in themes:
        assert squeeze(theme.name_en) in text
        assert squeeze(theme.name_zh_hans) in text


@needs_poppler
def test_only_noto_sans_cjk_sc_is_used_embedded_and_subset(world):
    pdf, _ = render(world.plan, "bilingual")
    fonts = pdf_fonts(pdf)
    assert fonts
    for font in fonts:
        assert re.fullmatch(r"[A-Z]{6}\+Noto-Sans-CJK-SC(-Bold)?", font["name"]), font
        assert font["emb"] == "yes", font
        assert font["sub"] == "yes", font


@needs_poppler
@pytest.mark.parametrize(
    ("language", "patterns"),
    [
        ("en", ["Page {page} of {pages}"]),
        ("zh-hans", ["第{page}页，共{pages}页"]),
        ("bilingual", ["Page {page} of {pages}", "第{page}页，共{pages}页"]),
    ],
)
def test_every_page_after_the_cover_is_numbered_page_n_of_total(world, language, patterns):
    pdf, pages = render(world.plan, language)
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    assert f"Pages:           {pages}" in info.stdout.decode()
    for page in range(2, pages + 1):
        text = pdf_text(pdf, first=page, last=page, raw=False)
        for pattern in patterns:
            assert pattern.format(page=page, pages=pages) in text, (page, text[-200:])
    # The cover carries no number.
    assert "Page 1 of" not in pdf_text(pdf, first=1, last=1)


@needs_poppler
def test_the_chinese_report_writes_dates_the_chinese_way(world, history):
    pdf, _ = render(world.plan, "zh-hans")
    text = pdf_text(pdf)
    assert "2021年12月31日" in text  # the report date
    assert "2021年3月1日" in text  # the actual start of the activity


@needs_poppler
def test_the_report_shows_the_status_on_its_date_not_today(world, history):
    pdf, _ = render(world.plan, "en")
    text = pdf_text(pdf)
    assert "In progress Jointly led activity" in text
    assert "Kick-off held in Helsinki." in text
    assert "Final report signed." not in text


@needs_poppler
@pytest.mark.parametrize("processes", [1, 2])
def test_hostile_text_renders_as_text_and_fetches_nothing(dated, processes):
    world = dated
    type(world.hki_activity).objects.filter(pk=world.hki_activity.pk).update(
        description_en=HOSTILE, title_en='Title <a href="file:///etc/shadow">x</a>'
    )
    Theme.objects.filter(pk=world.themes[0].pk).update(
        summary_en="<svg><image href='http://evil.example/i.svg'/></svg>"
    )
    fetcher = RecordingFetcher()
    pdf, _ = render(world.plan, "en", fetcher=fetcher, processes=processes)
    # The one thing fetched is our stylesheet (with more processes, the given fetcher serves
    # the parent's layouts, front matter and page overlay; the workers use our own).
    assert set(fetcher.urls) == {static_url("reports/report.css")}
    text = squeeze(pdf_text(pdf))
    assert squeeze('<img src="file:///etc/passwd">') in text
    assert squeeze('<link rel="stylesheet" href="http://evil.example/x.css">') in text
    assert squeeze("</style><style>@page { size: 1mm }</style>") in text
    assert squeeze('Title <a href="file:///etc/shadow">x</a>') in text
    assert squeeze("<image href='http://evil.example/i.svg'/>") in text
    # And the page size is still A4.
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True)
    assert "(A4)" in info.stdout.decode()


def test_the_html_escapes_what_users_wrote(world):
    world.hki_activity.description_en = HOSTILE
    world.hki_activity.save()
    html = rendering.render_html(snapshot.collect(world.plan, None, timezone.localdate()), "en")
    assert '<img src="file:///etc/passwd">' not in html
    assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    assert "</style><style>@page" not in html


def test_the_pdf_has_title_author_and_language(world):
    from weasyprint import HTML

    world.plan.coordinators.set([world.hki_agency, world.bj_agency])
    data = snapshot.collect(world.plan, None, AS_OF)
    html = rendering.render_html(data, "zh-hans")
    assert '<html lang="zh-hans">' in html
    document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=StaticFilesFetcher())
    rendered = document.render()
    metadata = rendered.metadata
    assert "北京市与赫尔辛基市2019-2023年合作行动计划" in metadata.title
    assert sorted(metadata.authors[0].split("; ")) == ["科学技术委员会", "经济发展部"]
    assert metadata.lang == "zh-hans"
    # Bookmarks: the sections (h1) and, under them, the theme chapters and reviews (h2).
    bookmarks = rendered.make_bookmark_tree()
    # Each bookmark: (label, target, children, state).
    labels = [b[0] for b in bookmarks]
    assert any("目录" in label or "Contents" in label for label in labels)
    themes = next(b for b in bookmarks if "各主题及其活动" in b[0])
    assert [c[0] for c in themes[2]][:3] == ["1. 经济", "2. 教育", "3. 文化"]


# --- the URL fetcher --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/main/static/reports/report.css",
        "http://evil.example/x.css",
        "https://evil.example/static/reports/report.css",
        "https://report.invalid:8443/static/reports/report.css",
        "http://report.invalid/static/reports/report.css",
        "https://user@report.invalid/static/reports/report.css",
        "https://report.invalid/etc/passwd",
        "https://report.invalid/static/../config/settings.py",
        "https://report.invalid/static/%2e%2e/config/settings.py",
        "https://report.invalid/static/reports/../../config/settings.py",
        "https://report.invalid/static//etc/passwd",
        "https://report.invalid/static/reports/report.css?x=1",
        "https://report.invalid/static/js/portal.js",
        "https://report.invalid/static/reports/missing.css",
        "https://report.invalid/static/",
        "data:image/png;base64,iVBORw0KGgo=",
        "ftp://evil.example/x.png",
        "/etc/passwd",
        "../../etc/passwd",
    ],
)
def test_the_fetcher_refuses_everything_but_our_static_files(url):
    with pytest.raises(ReportFetchRefused):
        StaticFilesFetcher().fetch(url)


def test_the_fetcher_serves_a_real_static_file():
    response = StaticFilesFetcher().fetch(static_url("reports/report.css"))
    source = Path(django_settings.BASE_DIR) / "static" / "reports" / "report.css"
    assert response.read() == source.read_bytes()
    assert response.content_type == "text/css"
    # Images too (the favicon is an SVG).
    assert StaticFilesFetcher().fetch(static_url("favicon.svg")).content_type == "image/svg+xml"


def test_relative_urls_resolve_against_the_report_base_and_are_refused():
    from weasyprint.urls import url_join

    for relative in ("../../etc/passwd", "/etc/passwd", "evil.png"):
        absolute = url_join(REPORT_BASE_URL, relative, False, None)
        with pytest.raises(ReportFetchRefused):
            static_path_of(absolute)


def test_weasyprint_goes_on_without_a_refused_resource():
    from weasyprint import HTML

    fetcher = RecordingFetcher()
    html = '<p>hi</p><img src="file:///etc/passwd"><img src="http://evil.example/x.png">'
    pdf = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert fetcher.urls == ["file:///etc/passwd", "http://evil.example/x.png"]


# --- stored reports: the task, its states, reruns ----------------------------------------------


def _report(world, **kwargs) -> ProgressReport:
    return ProgressReport.objects.create(
        plan=world.plan,
        language=kwargs.pop("language", ReportLanguage.ENGLISH),
        as_of=kwargs.pop("as_of", AS_OF),
        requested_by=world.official,
        **kwargs,
    )


def _stored_files() -> list[str]:
    return (
        sorted(default_storage.listdir("reports")[1]) if default_storage.exists("reports") else []
    )


def test_a_requested_report_is_queued_then_rendered_once_committed(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report = services.request_report(
            user=world.bj_staff,
            plan=world.plan,
            theme=world.themes[0],
            language=ReportLanguage.BILINGUAL,
            as_of=AS_OF,
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED  # nothing ran before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.requested_by == world.bj_staff
    data = report.file.read()
    assert data.startswith(b"%PDF-")
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.size == len(data)
    assert report.page_count >= 5
    assert report.file.name.startswith("reports/") and report.file.name.endswith(".pdf")
    assert report.started_at <= report.finished_at
    assert report.error == ""


def test_a_request_needs_membership_and_a_theme_of_the_plan(world):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.request_report(
            user=world.outsider, plan=world.plan, theme=None, language="en", as_of=AS_OF
        )
    with pytest.raises(ValidationError):
        services.request_report(
            user=world.official,
            plan=world.plan,
            theme=world.other_theme,
            language="en",
            as_of=AS_OF,
        )
    with pytest.raises(ValidationError):
        services.request_report(
            user=world.official,
            plan=world.plan,
            theme=None,
            language="en",
            as_of=timezone.localdate() + datetime.timedelta(days=2),
        )
    assert not ProgressReport.objects.exists()


def test_a_failed_render_records_the_reason_and_keeps_no_file(world, monkeypatch):
    report = _report(world)

    def broken(*args, **kwargs):
        raise RuntimeError("the layout engine fell over")

    # Every layout goes through lay_out, in one process or in the parallel path's parent.
    monkeypatch.setattr(rendering, "lay_out", broken)
    result = report_tasks.render_progress_report.apply(args=[report.pk]).get()
    assert result == ReportStatus.FAILED
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "RuntimeError: the layout engine fell over"
    assert report.finished_at is not None
    assert not report.file
    assert _stored_files() == []


def test_a_failure_while_storing_keeps_no_partial_file(world, monkeypatch):
    report = _report(world)
    original = ProgressReport.save

    def save_fails(self, *args, **kwargs):
        if self.status == ReportStatus.DONE:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(ProgressReport, "save", save_fails)
    services.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "disk full" in report.error
    assert _stored_files() == []


def test_rendering_again_replaces_the_file_with_the_same_bytes(
    world, django_capture_on_commit_callbacks
):
    report = _report(world, language=ReportLanguage.CHINESE)
    with django_capture_on_commit_callbacks(execute=True):
        services.render_report(report.pk)
    report.refresh_from_db()
    first_name, first_sha = report.file.name, report.sha256
    with django_capture_on_commit_callbacks(execute=True):
        services.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.file.name != first_name
    assert report.sha256 == first_sha  # same request, same bytes
    assert _stored_files() == [Path(report.file.name).name]  # the old one is gone


def test_the_task_retries_a_transient_error(world, monkeypatch):
    report = _report(world)
    real = services.render_report
    calls = []

    def flaky(report_id):
        calls.append(report_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(report_id)

    monkeypatch.setattr(services, "render_report", flaky)
    # throw=False: run eagerly the way a worker would, retrying instead of raising the Retry.
    result = report_tasks.render_progress_report.apply(args=[report.pk], throw=False).get()
    assert result == ReportStatus.DONE
    assert calls == [report.pk, report.pk]


def test_a_transient_error_is_recorded_and_raised_for_the_task_to_retry(world, monkeypatch):
    report = _report(world)

    def db_gone(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(snapshot, "collect", db_gone)
    with pytest.raises(OperationalError):
        services.render_report(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.error == "OperationalError: database is locked"


def test_a_repeated_delivery_of_a_done_report_does_nothing(world, monkeypatch):
    report = _report(world)
    services.render_report(report.pk)
    monkeypatch.setattr(services, "render_report", lambda report_id: pytest.fail("rendered again"))
    assert report_tasks.render_progress_report.apply(args=[report.pk]).get() == "done"
    monkeypatch.undo()
    assert report_tasks.render_progress_report.apply(args=[10**9]).get() == "missing"


def test_the_task_is_a_thin_late_acknowledged_task():
    task = report_tasks.render_progress_report
    assert task.acks_late is True
    assert task.name == "reviews.report_tasks.render_progress_report"


# --- the management command ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "processes", "tagged", "used"),
    [
        ("theme", "2", False, 1),
        ("plan", "2", False, 2),
        ("plan", "1", False, 1),
        ("plan", "2", True, 2),  # tagged too: the parts' structure trees merged
    ],
)
def test_the_command_writes_a_report_to_a_file(
    world, tmp_path, settings, scope, processes, tagged, used
):
    settings.REPORT_TAGGED = tagged
    target = tmp_path / "report.pdf"
    out = io.StringIO()
    theme = ["--theme", str(world.themes[0].pk)] if scope == "theme" else []
    call_command(
        "render_report",
        "--plan",
        str(world.plan.pk),
        "--language",
        "en",
        *theme,
        "--as-of",
        "2021-12-31",
        "--output",
        str(target),
        "--processes",
        processes,
        stdout=out,
    )
    assert target.read_bytes().startswith(b"%PDF-")
    assert "pages" in out.getvalue()
    assert f"and {used} process(es)" in out.getvalue()
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left behind


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "999999", "--language", "en"], "no action plan"),
        (["--language", "en", "--theme", "{other_theme}"], "has no theme"),
        (["--language", "en", "--as-of", "31.12.2021"], "YYYY-MM-DD"),
        (["--language", "en", "--processes", "0"], "at least 1"),
        (["--language", "en", "--processes", "two"], "at least 1"),
    ],
)
def test_the_command_refuses_bad_options(world, tmp_path, args, message):
    args = [a.format(other_theme=world.other_theme.pk) for a in args]
    if "--plan" not in args:
        args = ["--plan", str(world.plan.pk), *args]
    with pytest.raises(CommandError, match=message):
        call_command("render_report", *args, "--output", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
