"""Spreadsheets: the filtered activities (and, for the events app, any table) as CSV or Excel.

One table, two formats: a header and rows of plain values (text, numbers, dates, booleans)
built once, written as CSV (``core.spreadsheets``: UTF-8 with a BOM, so that Excel reads
Chinese right) or as an xlsx workbook (openpyxl, streamed row by row). Both are in the
language of the request.

Spreadsheet formulas cannot be smuggled in through content ("CSV injection", OWASP): a CSV
cell starting with = + - @ or a tab or carriage return gets a leading apostrophe; an Excel
cell holding text is always stored as text (never as a formula) and such cells are marked
with Excel's own quote prefix.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.spreadsheets import FORMULA_STARTS, plain_text
from core.templatetags.content import tr_text
from partners import clock
from partners.models import Agency

from . import money, selectors
from .forms import ActivityFilter
from .models import FundingSource

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel holds at most this many characters in a cell.
XLSX_MAX_CELL = 32_767


def _xlsx_cell(sheet, value, *, bold=False):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    text = plain_text(value)
    if text is not None:
        value = text
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL]
        cell = WriteOnlyCell(sheet, value=value)
        # Text stays text: openpyxl would store "=…" as a formula and "#N/A" as an error.
        cell.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    elif isinstance(value, int | float | Decimal):
        cell = WriteOnlyCell(sheet, value=value)
    elif isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
    else:
        cell = WriteOnlyCell(sheet, value=None if value is None else str(value))
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_response(
    filename: str,
    sheet_title: str,
    header: Sequence,
    rows: Iterable[Sequence],
    *,
    more_sheets: Sequence[tuple[str, Sequence, Iterable[Sequence]]] = (),
) -> HttpResponse:
    """A workbook of one sheet, and of ``more_sheets`` (title, header, rows) after it."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, head, body in ((sheet_title, header, rows), *more_sheets):
        sheet = workbook.create_sheet(title=title[:31] or "Sheet")
        sheet.freeze_panes = "A2"
        sheet.append([_xlsx_cell(sheet, h, bold=True) for h in head])
        for row in body:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def stamped(stem: str, ending: str) -> str:
    return f"{stem}-{clock.today_for(None).isoformat()}.{ending}"


# --- activities -----------------------------------------------------------------------------


def _agency_name(agency: Agency | None) -> str:
    return tr_text(agency, "name") if agency is not None else ""


def activity_header() -> list[str]:
    return [
        _("ID"),
        _("Action plan"),
        _("Theme"),
        _("Commitment"),
        _("Title"),
        _("Status"),
        _("Lead agency (first city)"),
        _("Lead agency (second city)"),
        _("Other participants"),
        _("Planned start"),
        _("Planned end"),
        _("Actual start"),
        _("Actual end"),
        _("Description"),
        _("Outcomes"),
        _("Demo data"),
        _("Last updated"),
        _("Funding committed"),
        _("Funding spent"),
    ]


def _per_currency(totals: money.Totals | None, name: str) -> str:
    """ "20000.00 EUR; 150000.00 CNY": one amount per currency, never added across them."""
    if not totals:
        return ""
    return "; ".join(f"{getattr(line, name)} {line.currency}" for line in totals.by_currency())


def activity_rows(activities, funding: dict[int, money.Totals]) -> Iterable[list]:
    """One row of plain values per activity (of ``selectors.activity_list(...,
    with_participants=True)``), in the active language; ``funding`` from
    ``money.activity_totals_in``."""
    for a in activities:
        totals = funding.get(a.pk)
        yield [
            a.pk,
            tr_text(a.theme.plan, "title"),
            f"{a.theme.order}. {tr_text(a.theme, 'name')}",
            tr_text(a.commitment, "text"),
            tr_text(a, "title"),
            a.get_status_display(),
            _agency_name(a.first_lead_agency),
            _agency_name(a.second_lead_agency),
            "; ".join(_agency_name(p) for p in a.participants.all()),
            a.planned_start,
            a.planned_end,
            a.actual_start,
            a.actual_end,
            tr_text(a, "description"),
            tr_text(a, "outcomes"),
            a.is_demo,
            a.updated_at,
            _per_currency(totals, "committed"),
            _per_currency(totals, "spent"),
        ]


def funding_header() -> list[str]:
    return [
        _("ID"),
        _("Title"),
        _("Source"),
        _("Currency"),
        _("Committed"),
        _("Spent"),
        _("Rows without spending reported"),
    ]


def funding_rows(activities, funding: dict[int, money.Totals]) -> Iterable[list]:
    """The funding sheet: each activity's money by source and currency (numbers), then the
    totals of all these activities by source and currency, then per currency."""
    for a in activities:
        names = dict(money.source_choices(a.theme.plan.partnership))
        for line in funding.get(a.pk, money.Totals()).lines:
            yield [a.pk, tr_text(a, "title"), names[line.source], *_line_values(line)]
    everything = money.combine(funding.values())
    labels = dict(FundingSource.choices)
    for line in everything.lines:
        yield ["", _("Total"), labels.get(line.source, line.source), *_line_values(line)]
    for line in everything.by_currency():
        yield ["", _("Total"), _("All sources"), *_line_values(line)]


def _line_values(line: money.Line) -> list:
    return [line.currency, line.committed, line.spent, line.unreported]


@login_required
@require_GET
def activity_export_xlsx(request):
    """The filtered activities (all pages) as an Excel workbook, in the page's language."""
    queryset = selectors.activity_list(request.user, with_participants=True)
    data = request.GET if any(k != "page" for k in request.GET) else None
    filterset = ActivityFilter(data, queryset=queryset, request=request)
    if filterset.is_bound and not filterset.is_valid():
        return redirect(f"{reverse('activity-list')}?{request.GET.urlencode()}")
    activities = filterset.qs
    funding = money.activity_totals_in(activities)
    return xlsx_response(
        stamped("activities", "xlsx"),
        _("Activities"),
        activity_header(),
        activity_rows(activities, funding),
        more_sheets=[(_("Funding"), funding_header(), funding_rows(activities, funding))],
    )
