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
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone

from core.templatetags.content import tr_text

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
    calendar.add("x-wr-calname", name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", REFRESH)
    return calendar


def _stamp() -> datetime.datetime:
    return timezone.now().astimezone(datetime.UTC).replace(microsecond=0)


def _location(event) -> str:
    parts = [tr_text(event, "venue"), tr_text(event.host_city, "name") if event.host_city else ""]
    return ", ".join(p for p in parts if p)


def event_component(event, *, url: str = "") -> icalendar.Event | None:
    """An all-day VEVENT for a dated event; None for one known only by its year."""
    if event.start_date is None:
        return None
    last_day = event.end_date or event.start_date
    component = icalendar.Event()
    component.add("uid", f"event-{event.pk}@{uid_domain()}")
    component.add("dtstamp", _stamp())
    component.add("dtstart", event.start_date)
    component.add("dtend", last_day + datetime.timedelta(days=1))
    component.add("summary", tr_text(event, "title") or event.get_kind_display())
    description = tr_text(event, "description")
    if url:
        description = f"{description}\n\n{url}".strip()
        component.add("url", url)
    if description:
        component.add("description", description)
    location = _location(event)
    if location:
        component.add("location", location)
    component.add("categories", [str(event.get_kind_display())])
    component.add("transp", "TRANSPARENT")  # a week-long event does not block the diary
    if event.updated_at:
        component.add("last-modified", event.updated_at.astimezone(datetime.UTC))
    return component


def programme_component(item, *, event, url: str = "") -> icalendar.Event:
    """A timed VEVENT for one item of an event's programme."""
    component = icalendar.Event()
    component.add("uid", f"programme-item-{item.pk}@{uid_domain()}")
    component.add("dtstamp", _stamp())
    component.add("dtstart", item.starts_at.astimezone(datetime.UTC))
    if item.ends_at:
        component.add("dtend", item.ends_at.astimezone(datetime.UTC))
    title = tr_text(item, "title")
    event_title = tr_text(event, "title")
    component.add("summary", f"{title} ({event_title})" if event_title else title)
    venue = tr_text(item, "venue") or _location(event)
    if venue:
        component.add("location", venue)
    if url:
        component.add("url", url)
    return component


def deadline_component(deadline: Deadline) -> icalendar.Event:
    component = icalendar.Event()
    component.add("uid", deadline.uid)
    component.add("dtstamp", _stamp())
    component.add("dtstart", deadline.date)
    component.add("dtend", deadline.date + datetime.timedelta(days=1))
    component.add("summary", deadline.summary)
    description = f"{deadline.description}\n\n{deadline.url}".strip()
    if description:
        component.add("description", description)
    if deadline.url:
        component.add("url", deadline.url)
    component.add("transp", "TRANSPARENT")
    if deadline.last_modified:
        component.add("last-modified", deadline.last_modified.astimezone(datetime.UTC))
    return component


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
        component = event_component(event, url=url)
        if component is not None:
            calendar.add_component(component)
        if with_programme:
            for item in event.programme.all():
                calendar.add_component(programme_component(item, event=event, url=url))
    for deadline in deadlines:
        calendar.add_component(deadline_component(deadline))
    return calendar


def ics_response(calendar: icalendar.Calendar, filename: str, *, download: bool) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Private to the user: never stored by a shared cache.
    response["Cache-Control"] = "private, no-store"
    return response
