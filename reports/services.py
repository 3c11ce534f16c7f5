"""Progress reports: a plan (or one theme of it) as of a date, as a PDF, in English, Chinese or
both side by side.

One write path, three callers. ``render_report(report_id)`` renders a stored ``ProgressReport``
(the Celery task and the tests call it); ``write_report_pdf(...)`` renders to a file without a
database row (``manage.py render_report`` and the benchmark call it, and so does
``render_report``); ``request_report(...)`` records a request and queues its rendering once the
row is committed (the report page calls it).

The snapshot as of a date is rebuilt from the append-only status history: an activity's status
on that date is the ``to_status`` of its last status update made on or before the date (in
either city's time zone: the later end of the day counts), else the ``from_status`` of its first
update, else its status now. Activities created after the date are left out; actual dates after
it are not shown. Events and reviews have no history: they appear as they are recorded now.

Layout, for speed (WeasyPrint is slow on flexbox, grid and long tables that span pages): the
only table is the short summary; every item is a block, and in the bilingual report the two
languages of an item are two floated columns. ``bench/report_bench.py`` measures it.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    ActionPlan,
    Activity,
    ActivityStatus,
    Commitment,
    Signatory,
    StatusUpdate,
    Theme,
    ThemeAgency,
)
from cooperation.selectors import responsibilities_by_side
from events.models import Event
from partners import access, clock
from partners.access import Action
from reviews.models import Review, ThemeAssessment

from .fetcher import REPORT_BASE_URL, StaticFilesFetcher, static_url
from .models import ProgressReport, ReportLanguage, ReportStatus

log = logging.getLogger(__name__)

#: Errors worth another try later (the database went away, a lock timed out): the task
#: retries on these; anything else is recorded as the report's failure at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)

#: The content languages of each report language, in column order.
LANGUAGES_OF = {
    ReportLanguage.ENGLISH: ("en",),
    ReportLanguage.CHINESE: ("zh-hans",),
    ReportLanguage.BILINGUAL: ("en", "zh-hans"),
}
#: Long dates: the plan's English is British ("31 December 2021"); Chinese uses its locale's
#: own format (2021年12月31日).
LONG_DATE_FORMATS = {"en": "j F Y"}
STATUS_ORDER = list(ActivityStatus.values)
#: Chart colours by status (the portal's own, see static/css/portal.css).
STATUS_COLOURS = {
    ActivityStatus.PLANNED: "#a0aec0",
    ActivityStatus.IN_PROGRESS: "#2e5fa8",
    ActivityStatus.COMPLETED: "#1d7a46",
    ActivityStatus.ON_HOLD: "#d08a1f",
    ActivityStatus.CANCELLED: "#b3261e",
}
STARTED_COLOUR, COMPLETED_COLOUR = "#2e5fa8", "#1d7a46"
ERROR_MAX_CHARS = 1000


class ReportRequestError(ValidationError):
    """The request cannot be made (theme of another plan, date in the future, …)."""


# --- dates in the active language -----------------------------------------------------------


def long_date(value: datetime.date | None) -> str:
    """A date in the active language: 31 December 2021, 2021年12月31日."""
    if value is None:
        return ""
    lang = translation.get_language() or "en"
    return date_format(value, LONG_DATE_FORMATS.get(lang, "DATE_FORMAT"))


def _date_range(start: datetime.date | None, end: datetime.date | None) -> str:
    """A range in the active language; open ranges read "from …" or "until …"."""
    if start and end and start != end:
        return gettext("%(start)s – %(end)s") % {"start": long_date(start), "end": long_date(end)}
    if start and not end:
        return gettext("from %(start)s") % {"start": long_date(start)}
    if end and not start:
        return gettext("until %(end)s") % {"end": long_date(end)}
    return long_date(start)


# Lazy: evaluated when the template prints them, inside each column's {% language %} block.
lazy_date = lazy(long_date, str)
lazy_range = lazy(_date_range, str)


def page_counter_css(languages) -> str:
    """The CSS ``content`` value of the page footer, from the catalogue of each language:
    "Page " counter(page) " of " counter(pages), "第" counter(page) "页，共" … "页"."""
    parts = []
    for lang in languages:
        with translation.override(lang):
            text = gettext("Page %(number)s of %(total)s")
        text = text.replace("%(number)s", "\x00page\x00").replace("%(total)s", "\x00pages\x00")
        pieces = []
        for i, piece in enumerate(text.split("\x00")):
            if i % 2:
                pieces.append(f"counter({'page' if piece == 'page' else 'pages'})")
            elif piece:
                pieces.append(_css_string(piece))
        parts.append(" ".join(pieces))
    return ' "   ·   " '.join(parts)


def _css_string(text: str) -> str:
    """A CSS string literal: only the translators' words reach it, escaped all the same."""
    escaped = "".join(
        ch if ch.isalnum() or ch in " ,.:;·，、（）-" else f"\\{ord(ch):x} " for ch in text
    )
    return f'"{escaped}"'


# --- the snapshot ---------------------------------------------------------------------------


def _city_zones(plan: ActionPlan) -> list[ZoneInfo]:
    """The time zones of the plan's two cities (the portal's own when they are unknown)."""
    return [clock.zone_of(city) for city in plan.partnership.cities]


def end_of_day(plan: ActionPlan, as_of: datetime.date) -> datetime.datetime:
    """The first instant after ``as_of`` has ended in both cities of the plan."""
    next_day = as_of + datetime.timedelta(days=1)
    return max(
        datetime.datetime.combine(next_day, datetime.time(), tzinfo=tz) for tz in _city_zones(plan)
    )


@dataclass
class ActivityRow:
    activity: Activity
    status: str
    status_label: object
    planned: object
    actual: object
    note: str = ""
    note_date: object = None


@dataclass
class CommitmentRow:
    commitment: Commitment
    activities: list[ActivityRow]
    completed: int
    target: int
    met: bool


@dataclass
class ThemeChapter:
    theme: Theme
    sides: list[dict]
    others: list
    commitments: list[CommitmentRow]
    loose: list[ActivityRow]
    counts: dict[str, int]
    total: int
    commitments_met: int

    @property
    def anchor(self) -> str:
        return f"theme-{self.theme.pk}"

    @property
    def status_cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATUS_ORDER]


@dataclass
class ReportData:
    plan: ActionPlan
    theme: Theme | None
    as_of: datetime.date
    chapters: list[ThemeChapter]
    events: list[Event]
    reviews: list[Review]
    signatories: list[Signatory]
    coordinators: list
    has_demo: bool
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def activity_count(self) -> int:
        return sum(c.total for c in self.chapters)


def _status_as_of(activity: Activity, updates: list[dict], cutoff: datetime.datetime):
    """(status, last update) of an activity just before ``cutoff``, from its history."""
    before = [u for u in updates if u["created_at"] < cutoff]
    if before:
        last = before[-1]
        return last["to_status"], last
    if updates:
        return updates[0]["from_status"], None
    return activity.status, None


def collect(plan: ActionPlan, theme: Theme | None, as_of: datetime.date) -> ReportData:
    """Everything the report shows, read in a fixed number of queries."""
    plan = (
        ActionPlan.objects.select_related("partnership__first_city", "partnership__second_city")
        .prefetch_related(
            Prefetch("signatories", queryset=Signatory.objects.select_related("city")),
            "coordinators",
        )
        .get(pk=plan.pk)
    )
    cutoff = end_of_day(plan, as_of)
    themes_qs = Theme.objects.filter(plan=plan).order_by("order")
    if theme is not None:
        themes_qs = themes_qs.filter(pk=theme.pk)
    themes = list(
        themes_qs.prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=ThemeAgency.objects.select_related("agency__city").order_by(
                    "role", "agency__name"
                ),
            ),
            Prefetch("commitments", queryset=Commitment.objects.order_by("order")),
        )
    )
    activities = list(
        Activity.objects.filter(theme__in=themes, created_at__lt=cutoff)
        .select_related("first_lead_agency__city", "second_lead_agency__city")
        .order_by("theme__order", F("planned_start").asc(nulls_last=True), "id")
    )
    history: dict[int, list[dict]] = defaultdict(list)
    for row in (
        StatusUpdate.objects.filter(activity__theme__in=themes, activity__created_at__lt=cutoff)
        .order_by("activity_id", "sequence")
        .values("activity_id", "created_at", "from_status", "to_status", "note")
    ):
        history[row["activity_id"]].append(row)

    rows_by_theme: dict[int, list[ActivityRow]] = defaultdict(list)
    for activity in activities:
        status, last = _status_as_of(activity, history.get(activity.pk, []), cutoff)
        if status not in STATUS_COLOURS:
            status = ActivityStatus.PLANNED
        started = status != ActivityStatus.PLANNED
        start = (
            activity.actual_start
            if started and activity.actual_start and activity.actual_start <= as_of
            else None
        )
        end = (
            activity.actual_end
            if status == ActivityStatus.COMPLETED
            and activity.actual_end
            and activity.actual_end <= as_of
            else None
        )
        rows_by_theme[activity.theme_id].append(
            ActivityRow(
                activity=activity,
                status=status,
                status_label=ActivityStatus(status).label,
                planned=lazy_range(activity.planned_start, activity.planned_end)
                if activity.planned_start or activity.planned_end
                else None,
                actual=lazy_range(start, end) if start or end else None,
                note=(last or {}).get("note", ""),
                note_date=lazy_date(timezone.localtime(last["created_at"]).date())
                if last
                else None,
            )
        )

    partnership = plan.partnership
    chapters = []
    totals: Counter = Counter()
    for th in themes:
        rows = rows_by_theme.get(th.pk, [])
        counts = Counter(r.status for r in rows)
        totals.update(counts)
        by_commitment: dict[int | None, list[ActivityRow]] = defaultdict(list)
        for r in rows:
            by_commitment[r.activity.commitment_id].append(r)
        commitment_rows = []
        for c in th.commitments.all():
            under = by_commitment.pop(c.pk, [])
            completed = sum(1 for r in under if r.status == ActivityStatus.COMPLETED)
            target = c.target_count or 1
            commitment_rows.append(CommitmentRow(c, under, completed, target, completed >= target))
        loose = [r for rs in by_commitment.values() for r in rs]
        sides, others = responsibilities_by_side(th, partnership)
        chapters.append(
            ThemeChapter(
                theme=th,
                sides=sides,
                others=others,
                commitments=commitment_rows,
                loose=loose,
                counts=dict(counts),
                total=len(rows),
                commitments_met=sum(1 for c in commitment_rows if c.met),
            )
        )

    events_qs = Event.objects.filter(plan=plan).select_related("host_city")
    if theme is not None:
        events_qs = events_qs.filter(themes=theme)
    events = list(
        events_qs.order_by(
            F("start_date").asc(nulls_last=True), F("year").asc(nulls_last=True), "id"
        ).distinct()
    )
    for event in events:
        event.when = lazy_range(event.start_date, event.end_date or event.start_date)
    assessments = ThemeAssessment.objects.select_related("theme").order_by("theme__order")
    if theme is not None:
        assessments = assessments.filter(theme=theme)
    reviews = list(
        Review.objects.filter(plan=plan)
        .order_by("due_date", "id")
        .prefetch_related(Prefetch("assessments", queryset=assessments))
    )
    for review in reviews:
        review.due = lazy_date(review.due_date)
    return ReportData(
        plan=plan,
        theme=themes[0] if theme is not None and themes else None,
        as_of=as_of,
        chapters=chapters,
        events=events,
        reviews=reviews,
        signatories=list(plan.signatories.all()),
        coordinators=list(plan.coordinators.all()),
        has_demo=any(r.activity.is_demo for rs in rows_by_theme.values() for r in rs)
        or any(e.is_demo for e in events),
        totals=dict(totals),
    )


# --- charts (inline SVG; geometry here, words in the template) --------------------------------


def status_chart(data: ReportData, bilingual: bool) -> dict:
    """Stacked horizontal bars: each theme's activities by status."""
    width, label_w, right = 680, 230, 36
    row_h = 34 if bilingual else 22
    bar_h = 14
    top = 6
    scale_max = max([c.total for c in data.chapters] + [1])
    bar_w = width - label_w - right
    rows = []
    for i, chapter in enumerate(data.chapters):
        y = top + i * row_h
        x = label_w
        segments = []
        for status in STATUS_ORDER:
            n = chapter.counts.get(status, 0)
            if not n:
                continue
            w = bar_w * n / scale_max
            segments.append(
                {
                    "x": round(x, 2),
                    "w": round(w, 2),
                    "n": n,
                    "colour": STATUS_COLOURS[status],
                    "label_x": round(x + w / 2, 2),
                    "show_n": w >= 14,
                }
            )
            x += w
        rows.append(
            {
                "chapter": chapter,
                "y": y,
                "bar_y": y + (row_h - bar_h) / 2,
                "text_y": y + row_h / 2 + 4,
                "text_y1": y + row_h / 2 - 3,
                "text_y2": y + row_h / 2 + 11,
                "n_y": y + row_h / 2 + 3.5,
                "segments": segments,
                "total_x": label_w + bar_w + 6,
            }
        )
    legend_y = top + len(rows) * row_h + 16
    legend = []
    step = width / len(STATUS_ORDER)
    for i, status in enumerate(STATUS_ORDER):
        legend.append(
            {
                "x": round(i * step, 2),
                "text_x": round(i * step + 14, 2),
                "label": ActivityStatus(status).label,
                "colour": STATUS_COLOURS[status],
            }
        )
    height = legend_y + (22 if bilingual else 10)
    return {
        "width": width,
        "height": height,
        "label_w": label_w,
        "bar_area": bar_w,
        "bar_h": bar_h,
        "rows": rows,
        "legend": legend,
        "legend_y": legend_y,
        "legend_y2": legend_y + 13,
        "legend_rect_y": legend_y - 9,
        "max": scale_max,
    }


def years_chart(data: ReportData, bilingual: bool) -> dict | None:
    """Grouped vertical bars: activities started and completed in each year, as of the date."""
    started: Counter = Counter()
    completed: Counter = Counter()
    for chapter in data.chapters:
        for r in [r for c in chapter.commitments for r in c.activities] + chapter.loose:
            a = r.activity
            if a.actual_start and a.actual_start <= data.as_of:
                started[a.actual_start.year] += 1
            if r.status == ActivityStatus.COMPLETED and a.actual_end and a.actual_end <= data.as_of:
                completed[a.actual_end.year] += 1
    years_seen = set(started) | set(completed)
    first = min([data.plan.period_start_year, *years_seen])
    last = max([min(data.plan.period_end_year, data.as_of.year), *years_seen])
    if last < first:
        return None
    years = list(range(first, last + 1))
    width, height_plot, left, bottom_pad = 680, 150, 34, 24
    top = 10
    top_value = max([*started.values(), *completed.values(), 1])
    # A round axis of at most five steps of 1, 2, 5, 10, 20, 50, …
    step, magnitude = 1, 1
    while top_value / step > 5:
        for mult in (2, 5, 10):
            step = mult * magnitude
            if top_value / step <= 5:
                break
        else:
            magnitude *= 10
    axis_max = step * -(-top_value // step)
    slot = (width - left) / len(years)
    bar_w = min(28, slot * 0.35)
    bars = []
    for i, year in enumerate(years):
        cx = left + slot * i + slot / 2
        group = []
        for offset, n, colour in (
            (-bar_w - 1, started.get(year, 0), STARTED_COLOUR),
            (1, completed.get(year, 0), COMPLETED_COLOUR),
        ):
            h = height_plot * n / axis_max
            group.append(
                {
                    "x": round(cx + offset, 2),
                    "y": round(top + height_plot - h, 2),
                    "h": round(h, 2),
                    "n": n,
                    "colour": colour,
                    "label_x": round(cx + offset + bar_w / 2, 2),
                    "label_y": round(top + height_plot - h - 3, 2),
                }
            )
        bars.append({"year": year, "cx": round(cx, 2), "bars": group})
    ticks = [
        {
            "value": v,
            "y": round(top + height_plot - height_plot * v / axis_max, 2),
            "label_y": round(top + height_plot - height_plot * v / axis_max + 3, 2),
        }
        for v in range(0, axis_max + 1, step)
    ]
    legend_y = top + height_plot + bottom_pad + 14
    return {
        "width": width,
        "height": legend_y + (22 if bilingual else 10),
        "left": left,
        "top": top,
        "plot_bottom": top + height_plot,
        "year_y": top + height_plot + 15,
        "bar_w": round(bar_w, 2),
        "groups": bars,
        "ticks": ticks,
        "legend_y": legend_y,
        "legend_y2": legend_y + 13,
        "legend_rect_y": legend_y - 9,
        "tick_x": left - 6,
        "legend_x1": left + 14,
        "legend_x2": left + 150,
        "legend_x3": left + 164,
        "started_colour": STARTED_COLOUR,
        "completed_colour": COMPLETED_COLOUR,
    }


# --- HTML and PDF ---------------------------------------------------------------------------


def render_html(
    data: ReportData, language: str, *, generated_at: datetime.datetime | None = None
) -> str:
    """The report's HTML in ``language`` (en, zh-hans or bilingual)."""
    languages = LANGUAGES_OF[ReportLanguage(language)]
    bilingual = len(languages) > 1
    generated_at = generated_at or timezone.now()
    with translation.override(languages[0]):
        context = {
            "data": data,
            "plan": data.plan,
            "partnership": data.plan.partnership,
            "languages": languages,
            "bilingual": bilingual,
            "html_lang": languages[0],
            "report_language": language,
            "statuses": [(s, ActivityStatus(s).label) for s in STATUS_ORDER],
            "status_chart": status_chart(data, bilingual),
            "years_chart": years_chart(data, bilingual),
            "page_counter": page_counter_css(languages),
            "stylesheet": static_url("reports/report.css"),
            "as_of": lazy_date(data.as_of),
            "generated_on": lazy_date(timezone.localtime(generated_at).date()),
            "generated_iso": timezone.localtime(generated_at).isoformat(timespec="seconds"),
            "author": "; ".join(a.name for a in data.coordinators),
            "signed_on": lazy_date(data.plan.signed_on),
            "summary_totals": [
                *(data.totals.get(s, 0) for s in STATUS_ORDER),
                data.activity_count,
                f"{sum(c.commitments_met for c in data.chapters)} / "
                f"{sum(len(c.commitments) for c in data.chapters)}",
            ],
        }
        return render_to_string("reports/report.html", context)


@dataclass
class RenderResult:
    page_count: int
    html_seconds: float
    layout_seconds: float
    write_seconds: float
    activity_count: int


def html_to_pdf(html: str, output, *, url_fetcher=None) -> tuple[int, float, float]:
    """Lay out ``html`` and write the PDF to ``output`` (a path or a binary file).

    Returns (page count, layout seconds, writing seconds).
    """
    from weasyprint import HTML

    fetcher = url_fetcher or StaticFilesFetcher()
    started = time.perf_counter()
    document = HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=fetcher).render()
    laid_out = time.perf_counter()
    # No /ID from the clock: the same report renders to the same bytes.
    document.write_pdf(output, pdf_identifier=b"sister-city-progress-report")
    return len(document.pages), laid_out - started, time.perf_counter() - laid_out


def write_report_pdf(
    *,
    plan: ActionPlan,
    theme: Theme | None,
    language: str,
    as_of: datetime.date,
    output: str | os.PathLike | BinaryIO,
    generated_at: datetime.datetime | None = None,
    url_fetcher=None,
) -> RenderResult:
    """Render the report of ``plan`` (or ``theme``) as of ``as_of`` in ``language`` to
    ``output``. Used by ``render_report``, ``manage.py render_report`` and the benchmark."""
    if theme is not None and theme.plan_id != plan.pk:
        raise ReportRequestError(_("This theme belongs to another plan."))
    started = time.perf_counter()
    data = collect(plan, theme, as_of)
    html = render_html(data, language, generated_at=generated_at)
    html_seconds = time.perf_counter() - started
    pages, layout, write = html_to_pdf(html, output, url_fetcher=url_fetcher)
    return RenderResult(
        page_count=pages,
        html_seconds=html_seconds,
        layout_seconds=layout,
        write_seconds=write,
        activity_count=data.activity_count,
    )


# --- stored reports -------------------------------------------------------------------------


def request_report(
    *,
    user,
    plan: ActionPlan,
    theme: Theme | None,
    language: str,
    as_of: datetime.date,
) -> ProgressReport:
    """Record a request for a report and queue its rendering once the row is committed.

    Any member of the plan's partnership may ask (``Action.VIEW``). Raises PermissionDenied or
    ReportRequestError.
    """
    access.require(user, Action.VIEW, plan)
    if theme is not None and theme.plan_id != plan.pk:
        raise ReportRequestError({"theme": _("This theme belongs to another plan.")})
    if language not in ReportLanguage.values:
        raise ReportRequestError({"language": _("Choose one of the listed languages.")})
    if as_of > clock.today_for(user):
        raise ReportRequestError({"as_of": _("The report date cannot be in the future.")})
    with transaction.atomic():
        report = ProgressReport.objects.create(
            plan=plan,
            theme=theme,
            language=language,
            as_of=as_of,
            requested_by=user if getattr(user, "is_authenticated", False) else None,
        )
        queue_render(report.pk)
    return report


def queue_render(report_id: int) -> None:
    """Queue the rendering after the current transaction commits (never before)."""
    from .tasks import render_progress_report

    transaction.on_commit(lambda: render_progress_report.delay(report_id), robust=True)


def _file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as fh:
        for chunk in iter(partial(fh.read, 1 << 20), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _delete_file(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        log.warning("could not delete the replaced report file %s", name, exc_info=True)


def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text[:ERROR_MAX_CHARS]


def _mark_failed(report_id: int, reason: str) -> None:
    try:
        ProgressReport.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, error=reason, finished_at=timezone.now()
        )
    except TRANSIENT_ERRORS:
        log.warning("could not record the failure of report %s", report_id, exc_info=True)


def render_report(report_id: int) -> ProgressReport:
    """Render a stored report, replacing its previous file; safe to run again.

    Marks it ``rendering``, renders to a temporary file, then in one transaction stores the
    file under a new generated name with its checksum, size and page count and marks it
    ``done``; the file it replaces is deleted once that commits. On an error the report is
    ``failed`` with the reason and no new file is kept. Transient database errors are raised
    again (after recording them) so that the task can retry; other errors are not raised.
    Raises ProgressReport.DoesNotExist for an unknown id.
    """
    report = ProgressReport.objects.select_related("plan", "theme").get(pk=report_id)
    ProgressReport.objects.filter(pk=report_id).update(
        status=ReportStatus.RENDERING, started_at=timezone.now(), error=""
    )
    fd, tmp_name = tempfile.mkstemp(prefix="progress-report-", suffix=".pdf")
    os.close(fd)
    tmp = Path(tmp_name)
    saved_name = None
    committed = False
    try:
        result = write_report_pdf(
            plan=report.plan,
            theme=report.theme,
            language=report.language,
            as_of=report.as_of,
            output=tmp,
            generated_at=report.created_at,
        )
        sha256, size = _file_digest(tmp)
        with transaction.atomic():
            locked = ProgressReport.objects.select_for_update().get(pk=report_id)
            old_name = locked.file.name
            with tmp.open("rb") as fh:
                locked.file.save("report.pdf", File(fh), save=False)
            saved_name = locked.file.name
            locked.sha256 = sha256
            locked.size = size
            locked.page_count = result.page_count
            locked.status = ReportStatus.DONE
            locked.error = ""
            locked.finished_at = timezone.now()
            locked.save(
                update_fields=[
                    "file",
                    "sha256",
                    "size",
                    "page_count",
                    "status",
                    "error",
                    "finished_at",
                ]
            )
            if old_name and old_name != saved_name:
                transaction.on_commit(partial(_delete_file, old_name))
        committed = True
        log.info(
            "report %s rendered: %s pages, %s bytes, %.1f s",
            report_id,
            result.page_count,
            size,
            result.html_seconds + result.layout_seconds + result.write_seconds,
        )
    except TRANSIENT_ERRORS as exc:
        log.warning("report %s: transient error, will retry: %s", report_id, exc)
        _mark_failed(report_id, _reason(exc))
        raise
    except Exception as exc:
        log.exception("report %s failed", report_id)
        _mark_failed(report_id, _reason(exc))
    finally:
        tmp.unlink(missing_ok=True)
        if saved_name and not committed:
            _delete_file(saved_name)
    return ProgressReport.objects.select_related("plan", "theme").get(pk=report_id)
