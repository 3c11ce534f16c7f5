"""Events for other programs: one event's iCalendar file, and the event list as CSV or Excel.

The private calendar feed of a user (``/calendar/<token>.ics``) lives in the api app, which
owns the feed tokens and may add the review deadlines (a higher layer than this one).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cooperation import exports
from core import spreadsheets
from core.templatetags.content import tr_text

from . import ical, selectors
from .forms import EventFilterForm


@login_required
@require_GET
def event_ics(request, pk: int):
    """One event (all day) with its programme (timed items), in the page's language."""
    event = get_object_or_404(selectors.event_detail_queryset(request.user), pk=pk)
    if not ical.has_calendar_dates(event):
        # No dates (or none a calendar can hold), nothing for a calendar: not an empty file.
        raise Http404("The event has no dates yet.")
    calendar = ical.calendar_of(
        tr_text(event, "title") or _("Event"),
        [event],
        event_url=lambda e: ical.absolute(reverse("event-detail", args=[e.pk])),
        with_programme=True,
    )
    return ical.ics_response(calendar, f"event-{event.pk}.ics", download=True)


# --- spreadsheets ---------------------------------------------------------------------------


def _filtered_events(request):
    """The event list's rows with its filters (a junk value drops only its own filter)."""
    form = EventFilterForm(request.GET, user=request.user)
    return selectors.event_list(request.user, **form.filters())


def event_header() -> list[str]:
    return [
        _("ID"),
        _("Action plan"),
        _("Kind"),
        _("Title"),
        _("Series"),
        _("Host city"),
        _("Venue"),
        _("Year"),
        _("Start date"),
        _("End date"),
        _("Themes served"),
        _("Organising agencies"),
        _("Description"),
        _("Demo data"),
        _("Last updated"),
    ]


def event_rows(events):
    for e in events:
        yield [
            e.pk,
            tr_text(e.plan, "title"),
            e.get_kind_display(),
            tr_text(e, "title"),
            tr_text(e.series, "name"),
            tr_text(e.host_city, "name"),
            tr_text(e, "venue"),
            e.year or (e.start_date.year if e.start_date else None),
            e.start_date,
            e.end_date,
            "; ".join(f"{t.order}. {tr_text(t, 'name')}" for t in e.themes.all()),
            "; ".join(tr_text(a, "name") for a in e.organisers.all()),
            tr_text(e, "description"),
            e.is_demo,
            e.updated_at,
        ]


@login_required
@require_GET
def event_export_csv(request):
    """The filtered events (all pages) as CSV, in the page's language."""
    return spreadsheets.csv_response(
        exports.stamped("events", "csv"), event_header(), event_rows(_filtered_events(request))
    )


@login_required
@require_GET
def event_export_xlsx(request):
    """The filtered events (all pages) as an Excel workbook, in the page's language."""
    return exports.xlsx_response(
        exports.stamped("events", "xlsx"),
        _("Events"),
        event_header(),
        event_rows(_filtered_events(request)),
    )
