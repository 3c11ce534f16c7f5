"""Spreadsheets every app offers: a table as CSV that is safe to open in Excel.

UTF-8 with a BOM, so that Excel reads Chinese right. Spreadsheet formulas cannot be smuggled in
through content ("CSV injection", OWASP): a cell starting with = + - @ or a tab or carriage
return gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

# Cells starting with these are formulas to a spreadsheet (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain_text(value) -> str | None:
    """Booleans and datetimes as text (local time); None for other values."""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return None


def csv_cell(value) -> str:
    if value is None:
        return ""
    text = plain_text(value)
    if text is None:
        text = value.isoformat() if isinstance(value, datetime.date) else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_response(filename: str, header: Sequence, rows: Iterable[Sequence]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # Excel reads the file as UTF-8 (Chinese) only with a BOM.
    writer = csv.writer(response)
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return response
