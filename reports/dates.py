"""Dates in the report's words: long dates and ranges in the active language, and their lazy
forms, which the template evaluates inside each column's ``{% language %}`` block."""

from __future__ import annotations

import datetime

from django.utils.functional import lazy
from django.utils.translation import gettext

from core.dates import long_date


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
