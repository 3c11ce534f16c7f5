"""iCalendar (RFC 5545) files of events, built with the ``icalendar`` library.

- A dated event is an all-day VEVENT: DTSTART is its first day and DTEND the day after its
  last (the end is exclusive in iCalendar). Events known only by their year are left out:
  a calendar has no way to say "some time in 2021", and 1 January would be wrong.
- A programme item is a timed VEVENT (UTC times, which every calendar program converts).
- A deadline (a review's due date, given by a higher layer as a ``Deadline``) is an all-day
  VEVENT on that day: Outlook and Google Calendar show VEVENTs in subscribed calendars,
  not VTODOs.

UIDs are stable (``event-12@portal.example.org``), so that a calendar program updates an
entry instead of duplicating it. Texts are in the active language (the caller chooses it),
falling back to the other content language.

These are builders only: which events a user may see is decided by the caller's queryset.

One bad row never breaks a feed: an entry whose dates lie outside the portal's dates (old data
from before they were bounded: year 1 or 9999, where the day after overflows) or that cannot be
written for any other reason is left out and logged. Texts lose the control characters
iCalendar has no place for (RFC 5545 allows only tab), and a calendar's name is one line;
the library escapes line breaks and folds long lines.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from core.dates import in_range
from core.templatetags.content import tr_text

log = logging.getLogger(__name__)

PRODID = "-//Sister-city cooperation portal//iCalendar feed//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"
# Calendar programs poll a subscription about this often.
REFRESH = datetime.timedelta(hours=6)


@dataclass(frozen=True)
class Deadline:
    """An all-day entry of a higher layer (a review's due date), without importing it here."""

    uid: str
    date: datetime.date
    summary: str
    description: str = ""
    url: str = ""
    last_modified: datetime.datetime | None = None


# Every control character but tab and line feed (carriage returns become line feeds first).
_NO_PLACE_IN_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def text(value) -> str:
    """``value`` as an iCalendar text: line breaks kept (the library escapes them), every other
    control character dropped."""
    value = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
    return _NO_PLACE_IN_TEXT.sub("", value)


def line(value) -> str:
    """``value`` as one line of text (a calendar's name, a title)."""
    return " ".join(text(value).split())


def uid_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def new_calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", icalendar.vText(line(name)))
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _stamp() -> datetime.datetime:
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0)


def _location(event) -> str:
    parts = [tr_text(event, "venue"), tr_text(event.host_city, "name") if event.host_city else ""]
    return ", ".join(p for p in parts if p)


def has_calendar_dates(event) -> bool:
    """Whether the event has dates a calendar can hold (not only a year; within the portal's)."""
    last_day = event.end_date or event.start_date
    return event.start_date is not None and in_range(event.start_date) and in_range(last_day)


def event_component(event, *, url: str = "") -> icalendar.Event | None:
    """An all-day VEVENT for a dated event; None for one known only by its year (or with
    dates outside the portal's, kept from before they were bounded)."""
    if not has_calendar_dates(event):
        return None
    last_day = event.end_date or event.start_date
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{uid_domain()}")
    component.add("dtstamp", _stamp())
    component.add("dtstart", event.start_date)
    component.add("dtend", last_day + datetime.timedelta(days=1))
    component.add("summary", line(tr_text(event, "title") or event.get_kind_display()))
    description = text(tr_text(event, "description"))
    if url:
        description = f"{description}\n\n{url}".strip()
        component.add("url", url)
    if description:
        component.add("description", description)
    location = line(_location(event))
    if location:
        component.add("location", location)
    component.add("categories", [str(event.get_kind_display())])
    component.add("transp", "TRANSPARENT")  # a week-long event does not block the diary
    if event.updated_at:
        component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    return component


def programme_component(item, *, event, url: str = "") -> icalendar.Event:
    """A timed VEVENT for one item of an event's programme; None for one with times outside
    the portal's dates."""
    if not in_range(item.starts_at) or (item.ends_at and not in_range(item.ends_at)):
        return None
    component = icalendar.Event()
    component.add("uid", f"programme-item-{item.pk}@{uid_domain()}")
    component.add("dtstamp", _stamp())
    component.add("dtstart", item.starts_at.astimezone(datetime.UTC))
    if item.ends_at:
        component.add("dtend", item.ends_at.astimezone(datetime.UTC))
    title = line(tr_text(item, "title"))
    event_title = line(tr_text(event, "title"))
    component.add("summary", f"{title} ({event_title})" if event_title else title)
    venue = line(tr_text(item, "venue") or _location(event))
    if venue:
        component.add("location", venue)
    if url:
        component.add("url", url)
    return component


def deadline_component(deadline: Deadline) -> icalendar.Event | None:
    """An all-day VEVENT on the deadline's day; None for a day outside the portal's dates."""
    if not in_range(deadline.date):
        return None
    component = icalendar.Event()
    component.add("uid", deadline.uid)
    component.add("dtstamp", _stamp())
    component.add("dtstart", deadline.date)
    component.add("dtend", deadline.date + datetime.timedelta(days=1))
    component.add("summary", line(deadline.summary))
    description = text(f"{deadline.description}\n\n{deadline.url}".strip())
    if description:
        component.add("description", description)
    if deadline.url:
        component.add("url", deadline.url)
    component.add("transp", "TRANSPARENT")
    if deadline.last_modified:
        component.add("last-modified", deadline.last_modified.astimezone(datetime.UTC))
    return component


def _add(calendar: icalendar.Calendar, what: str, pk, build: Callable[[], object]) -> None:
    """Add the component ``build()`` makes, unless it is None or cannot be written: then the
    entry is left out and logged, and the rest of the calendar stands."""
    try:
        component = build()
        if component is not None:
            component.to_ical()  # whatever cannot be written fails here, not for the feed
    except (ArithmeticError, ValueError, TypeError, AssertionError):
        log.warning("calendar: %s %s left out", what, pk, exc_info=True)
        return
    if component is None:
        log.info("calendar: %s %s has no dates a calendar can hold", what, pk)
        return
    calendar.add_component(component)


def calendar_of(
    name: str,
    events: Iterable,
    *,
    event_url,
    deadlines: Iterable[Deadline] = (),
    with_programme: bool = False,
) -> icalendar.Calendar:
    """A calendar of the dated ``events`` (and their programmes) and the ``deadlines``.

    ``event_url(event)`` gives an event's page address.
    """
    calendar = new_calendar(name)
    for event in events:
        url = event_url(event)
        if event.start_date is not None:
            _add(calendar, "event", event.pk, partial(event_component, event, url=url))
        if with_programme:
            for item in event.programme.all():
                build = partial(programme_component, item, event=event, url=url)
                _add(calendar, "programme item", item.pk, build)
    for deadline in deadlines:
        _add(calendar, "deadline", deadline.uid, partial(deadline_component, deadline))
    return calendar


def ics_response(calendar: icalendar.Calendar, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Private to the user: never stored by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
