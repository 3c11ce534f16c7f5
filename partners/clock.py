"""Whose "today": the one answer, used by services, forms, the API, reminders and reports.

A date a person gives or sees ("completed today", "due in 3 days", "as of today") is read on
the calendar of the city they work in: a Helsinki coordinator at 23:30 is still on Monday
while Beijing is already on Tuesday, and the portal must not call Monday's date "the future"
to either of them. People without a city (administrators) and work done on nobody's behalf
(the reminder sweep, commands) use the portal's own time zone, ``settings.TIME_ZONE``
(Helsinki, where the beat runs the sweep at 08:00).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from core.moments import zone_label

from .access import profile_of


def portal_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def zone_of(city) -> ZoneInfo:
    """The city's time zone; the portal's when there is no city or its zone is unknown."""
    name = getattr(city, "time_zone", None)
    if not name:
        return portal_zone()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return portal_zone()


def today_in(city) -> datetime.date:
    """Today on the calendar of ``city`` (the portal's calendar for None)."""
    return timezone.localdate(timezone=zone_of(city))


def city_for(user):
    """The city the user works in; None for anyone without one (and for anonymous readers)."""
    profile = profile_of(user)
    return profile.city if profile is not None else None


def zone_for(user) -> ZoneInfo:
    """The time zone of the city the user works in (the portal's for anyone without one)."""
    return zone_of(city_for(user))


def zone_label_for(user) -> str:
    """The reader's time zone in words ("Beijing time", 北京时间; never "Asia/Shanghai")."""
    city = city_for(user)
    return zone_label(zone_of(city), getattr(city, "name", "") or "")


def today_for(user) -> datetime.date:
    """Today for ``user``: the date in the city they work in. ``None``: the portal's today."""
    return timezone.localdate(timezone=zone_for(user))
