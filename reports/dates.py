"""Dates in the report's words: long dates and ranges in the active language, and their lazy
forms, which the template evaluates inside each column's ``{% language %}`` block."""

from __future__ import annotations

import datetime

from django.utils import translation
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.translation import gettext

#: Long dates: the plan's English is British ("31 December 2021"); Chinese uses its locale's
#: own format (2021年12月31日).
LONG_DATE_FORMATS = {"en": "j F Y"}


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
