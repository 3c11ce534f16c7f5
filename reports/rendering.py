"""A report's HTML and its PDF: the template with its charts, page numbers and document
metadata, laid out and written by WeasyPrint.

Layout, for speed (WeasyPrint is slow on flexbox, grid and long tables that span pages): the
only tables are the short summary and money tables; every activity is one compact row, and in
the bilingual report its two languages are two floated columns. ``bench/report_bench.py``
measures it. ``reports.parallel`` lays the parts out in worker processes and merges them.
"""

from __future__ import annotations

import datetime
import math
import threading
import time

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from cooperation.models import ActivityStatus

from .charts import funding_chart, status_chart, years_chart
from .dates import lazy_date
from .fetcher import REPORT_BASE_URL, StaticFilesFetcher, static_url
from .forksafe import weasyprint
from .models import ReportLanguage
from .snapshot import STATUS_ORDER, ReportData

#: The content languages of each report language, in column order.
LANGUAGES_OF = {
    ReportLanguage.ENGLISH: ("en",),
    ReportLanguage.CHINESE: ("zh-hans",),
    ReportLanguage.BILINGUAL: ("en", "zh-hans"),
}


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


def report_context(
    data: ReportData, language: str, *, generated_at: datetime.datetime | None = None
) -> dict:
    """What every template of the report reads: the whole report, and each part of the
    parallel path (front matter, a chapter, the events and reviews, the overlay)."""
    languages = LANGUAGES_OF[ReportLanguage(language)]
    bilingual = len(languages) > 1
    generated_at = generated_at or timezone.now()
    with translation.override(languages[0]):
        for chapter in data.chapters:
            chapter.funding_chart = funding_chart(chapter.money, bilingual)
        return {
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


def render_template(template: str, context: dict, **extra) -> str:
    """One of the report's templates, in the report's first language (as the whole one)."""
    with translation.override(context["languages"][0]):
        return render_to_string(template, {**context, **extra})


def render_html(
    data: ReportData, language: str, *, generated_at: datetime.datetime | None = None
) -> str:
    """The whole report's HTML in ``language`` (en, zh-hans or bilingual)."""
    context = report_context(data, language, generated_at=generated_at)
    return render_template("reports/report.html", context)


class ChapterPiece:
    """A run of one chapter's commitments (and activities not tied to one), laid out in a
    part of its own when the chapter is larger than a part may be (``split_chapters``).
    Only the first piece has the chapter's heading, introduction, agencies and funding and
    its anchor; anything else it reads from the chapter."""

    def __init__(self, chapter, rows: list, loose_rows: list, *, first: bool):
        self.chapter = chapter
        self.rows = rows
        self.loose_rows = loose_rows
        self.continued = not first
        # The heading of the loose activities, in the piece where they begin.
        self.loose_head = bool(loose_rows) and loose_rows[0] is chapter.loose[0]
        self.weight = (
            sum(len(row.activities) + 1 for row in rows) + len(loose_rows) + (10 if first else 0)
        )

    def __getattr__(self, name):
        return getattr(self.chapter, name)


def chapter_weight(chapter) -> int:
    if isinstance(chapter, ChapterPiece):
        return chapter.weight
    return chapter.total + 10  # its activities, and its own heading, agencies and funding


def split_chapters(chapters: list, most: int | None) -> list:
    """``chapters``, each heavier than ``most`` as ``ChapterPiece``s of about ``most`` (a
    commitment is never split: a piece holds whole commitments, or loose activities)."""
    if not most:
        return list(chapters)
    result = []
    for chapter in chapters:
        if chapter_weight(chapter) <= most:
            result.append(chapter)
            continue
        pieces, rows, loose, weight = [], [], [], 10
        items = [(row, len(row.activities) + 1, False) for row in chapter.commitments]
        items += [(activity, 1, True) for activity in chapter.loose]
        for item, item_weight, is_loose in items:
            if (rows or loose) and weight + item_weight > most:
                pieces.append((rows, loose))
                rows, loose, weight = [], [], 0
            (loose if is_loose else rows).append(item)
            weight += item_weight
        pieces.append((rows, loose))
        if len(pieces) == 1:
            result.append(chapter)
            continue
        result += [
            ChapterPiece(chapter, rows, loose, first=i == 0)
            for i, (rows, loose) in enumerate(pieces)
        ]
    return result


def group_chapters(chapters: list, parts: int, most: int | None = None) -> list[list]:
    """``chapters`` in ``parts`` runs (fewer if there are fewer chapters), in order, of about
    equal weight; a run heavier than ``most`` is shared out again. Each run is one document:
    fewer runs embed the fonts fewer times and pay WeasyPrint's setup less often, and ``most``
    bounds a worker's memory. A chapter goes to the run its middle falls in."""
    parts = max(1, parts)
    total = sum(chapter_weight(chapter) for chapter in chapters) or 1
    groups: list[list] = [[] for _ in range(parts)]
    before = 0
    for chapter in chapters:
        weight = chapter_weight(chapter)
        groups[min(parts - 1, int((before + weight / 2) * parts / total))].append(chapter)
        before += weight
    runs = []
    for group in (g for g in groups if g):
        weight = sum(chapter_weight(chapter) for chapter in group)
        if most and len(group) > 1 and weight > most:
            # The first chapter's middle is before the run's, the last one's after: a split
            # always makes two runs at least, so this ends.
            runs += group_chapters(group, math.ceil(weight / most), most)
        else:
            runs.append(group)
    return runs or [[]]


def render_part_html(context: dict, groups: list[list], index: int) -> str:
    """The HTML of part ``index`` of the parallel path, ``groups`` being the runs of chapters
    (``group_chapters``): a document of its own without page numbers, the first with the
    part's title, the last followed by the events and reviews."""
    return render_template(
        "reports/report_part.html",
        context,
        part=True,
        chapters=groups[index],
        first_part=index == 0,
        with_back=index == len(groups) - 1,
    )


def render_part_htmls(context: dict, parts: int, most: int | None = None) -> list[str]:
    """Every part's HTML (``render_part_html``), the chapters in ``parts`` runs."""
    groups = group_chapters(list(context["data"].chapters), parts, most)
    return [render_part_html(context, groups, i) for i in range(len(groups))]


def lay_out(html: str, *, url_fetcher=None):
    """The laid-out WeasyPrint document of ``html`` (fetching only our static files)."""
    from weasyprint import HTML

    fetcher = url_fetcher or StaticFilesFetcher()
    with weasyprint():
        return HTML(string=html, base_url=REPORT_BASE_URL, url_fetcher=fetcher).render()


#: The PDF identifier every report and part carries (none from the clock): the same report
#: renders to the same bytes.
PDF_IDENTIFIER = b"sister-city-progress-report"


#: Tagged PDF for everyone (the EU Web Accessibility Directive): PDF/UA-1, with the
#: structure tree, /Lang of the document and of each passage, /Title shown as the title.
PDF_VARIANT = "pdf/ua-1"


def write_pdf(
    document, output=None, *, tagged: bool = True, identified: bool = True
) -> bytes | None:
    """Write the laid-out WeasyPrint ``document`` to ``output`` (its bytes returned when
    None): tagged (PDF/UA-1, with the language of each passage, ``reports.pdftags``) unless
    ``tagged`` is false; with the file identifier (``PDF_IDENTIFIER``) unless ``identified``
    is false: a part merged into the report needs none (the merge gives the report its
    own), and pydyf serialises every object a second time to digest it (a sixth of a
    part's writing)."""
    from . import fontdata

    fontdata.install()
    options = {"pdf_identifier": PDF_IDENTIFIER if identified else None}
    if tagged:
        from . import pdftags

        pdftags.install()
        options["pdf_variant"] = PDF_VARIANT
    with weasyprint():
        return document.write_pdf(output, **options)


# WeasyPrint is not designed to be thread-safe (its maintainer, Kozea/WeasyPrint#684): under
# gunicorn's threaded workers (config/gunicorn.conf.py) one PDF at a time per process. A
# parallel render holds it while its pool lives (reports.services), so no other thread is
# inside WeasyPrint when the pool forks.
ONE_PDF_AT_A_TIME = threading.RLock()


def html_to_pdf(
    html: str, output, *, url_fetcher=None, tagged: bool = True
) -> tuple[int, float, float]:
    """Lay out ``html`` and write the PDF to ``output`` (a path or a binary file), tagged
    unless ``tagged`` is false (``write_pdf``).

    Returns (page count, layout seconds, writing seconds).
    """
    with ONE_PDF_AT_A_TIME:
        started = time.perf_counter()
        document = lay_out(html, url_fetcher=url_fetcher)
        laid_out = time.perf_counter()
        write_pdf(document, output, tagged=tagged)
    return len(document.pages), laid_out - started, time.perf_counter() - laid_out
