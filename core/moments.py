"""A moment (a date and time) as a reader sees it: in a time zone named in words.

The one mapping of known time zones to their names ("Helsinki time", 北京时间); a zone not
in it is named after the city it is the zone of ("Tallinn time"), never shown as
"Asia/Shanghai". ``partners.clock`` says whose zone; the ``{% moment %}`` tag
(``partners/templatetags/clock.py``) and the history use these.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Known time zones, named as people say them.
ZONE_LABELS = {
    "Europe/Helsinki": gettext_lazy("Helsinki time"),
    "Asia/Shanghai": gettext_lazy("Beijing time"),
    "UTC": gettext_lazy("UTC"),
}

#: Formats that show no time of day: a date needs no zone named after it.
DATE_ONLY = frozenset({"DATE_FORMAT", "SHORT_DATE_FORMAT", "MONTH_DAY_FORMAT", "YEAR_MONTH_FORMAT"})


def zone_key(zone) -> str:
    return getattr(zone, "key", None) or str(zone)


def zone_label(zone, place: str = "") -> str:
    """``zone`` in words: its known name, else the time of ``place`` (or of the zone's city)."""
    key = zone_key(zone)
    if key in ZONE_LABELS:
        return str(ZONE_LABELS[key])
    place = place or key.rsplit("/", 1)[-1].replace("_", " ")
    return _("%(place)s time") % {"place": place}


def local(value: datetime.datetime, zone) -> datetime.datetime:
    return timezone.localtime(value, zone) if timezone.is_aware(value) else value


def moment_text(value, zone, fmt: str = "DATETIME_FORMAT", place: str = "") -> str:
    """Plain text: "30 November 2026 12:00 Helsinki time" (CSV, e-mail, the history)."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return date_format(value, fmt)
    shown = date_format(local(value, zone), fmt)
    if fmt in DATE_ONLY:
        return shown
    return f"{shown} {zone_label(zone, place)}"


def moment_html(value, zone, fmt: str = "DATETIME_FORMAT", place: str = "") -> str:
    """``<time datetime="…">30.11.2026 12.00 <span class="time-zone">Helsinki time</span>…``."""
    if value is None:
        return ""
    if not isinstance(value, datetime.datetime):
        return format_html(
            '<time datetime="{}">{}</time>', value.isoformat(), date_format(value, fmt)
        )
    moment = local(value, zone)
    shown = date_format(moment, fmt)
    if fmt in DATE_ONLY:
        return format_html('<time datetime="{}">{}</time>', moment.isoformat(), shown)
    return format_html(
        '<time datetime="{}">{} <span class="time-zone">{}</span></time>',
        moment.isoformat(),
        shown,
        zone_label(zone, place),
    )
