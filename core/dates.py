"""Dates spelled out in the active language, the same in reports, e-mails and pages."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format

#: Long dates: the plan's English is British ("31 December 2021"); Chinese and Finnish use
#: their locale's own format (2021年12月31日, 31. joulukuuta 2021).
LONG_DATE_FORMATS = {"en": "j F Y"}


def long_date(value: datetime.date | None) -> str:
    """A date in the active language: 31 December 2021, 2021年12月31日."""
    if value is None:
        return ""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return date_format(value, LONG_DATE_FORMATS.get(language, "DATE_FORMAT"))


#: The dates the portal accepts, everywhere (plans, activities, events, reviews, reports …):
#: the one definition. Beyond them a date is a typing slip, and date arithmetic near the ends
#: of Python's calendar (year 1 or 9999) overflows in calendar feeds and reminders.
EARLIEST_DATE = datetime.date(1950, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)
EARLIEST_YEAR, LATEST_YEAR = EARLIEST_DATE.year, LATEST_DATE.year


def in_range(value: datetime.date) -> bool:
    """Whether ``value`` (a date, or a date and time) lies within the portal's dates."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return EARLIEST_DATE <= value <= LATEST_DATE
