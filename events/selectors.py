"""Reads of events, with their joins, shared by the pages and the API."""

from __future__ import annotations

import datetime

from django.db.models import F, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce, ExtractYear

from cooperation.models import ActionPlan, Activity, Theme
from partners import access, clock
from partners.models import Agency, City

from .models import DelegationMember, Event, EventSeries, ProgrammeItem


def events_visible_to(user) -> QuerySet[Event]:
    """Events of the plans of the user's partnerships (nothing for anyone else)."""
    return Event.objects.filter(access.partnership_q(user, "plan__partnership"))


def series_visible_to(user) -> QuerySet[EventSeries]:
    return EventSeries.objects.filter(access.partnership_q(user, "plan__partnership"))


def events_editable_by(user, events: QuerySet[Event]) -> QuerySet[Event]:
    """Of ``events``, those the user may edit: all for coordinators, for agency staff the
    ones their agency organises (``access.editable_agency_ids``)."""
    agencies = access.editable_agency_ids(user)
    if agencies is None:
        return events
    return events.filter(organisers__in=agencies).distinct()


def event_list(
    user,
    *,
    plan: ActionPlan | None = None,
    kind: str | None = None,
    year: int | None = None,
    host_city: City | None = None,
) -> QuerySet[Event]:
    """The user's events, filtered, in date order; undated ones after the dated of their year.

    Rows come with plan, host city and series joined, and themes and organisers prefetched:
    three queries for any number of events.
    """
    events = (
        events_visible_to(user)
        .select_related("plan", "host_city", "series")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "id")),
            Prefetch("organisers", queryset=Agency.objects.select_related("city")),
        )
        .annotate(sort_year=Coalesce("year", ExtractYear("start_date")))
        .order_by(
            F("sort_year").asc(nulls_last=True),
            F("start_date").asc(nulls_last=True),
            "id",
        )
    )
    if plan is not None:
        events = events.filter(plan=plan)
    if kind:
        events = events.filter(kind=kind)
    if year is not None:
        events = events.filter(Q(year=year) | Q(year__isnull=True, start_date__year=year))
    if host_city is not None:
        events = events.filter(host_city=host_city)
    return events


def event_detail_queryset(user) -> QuerySet[Event]:
    """Events with everything their page shows: a fixed number of queries per event."""
    return (
        events_visible_to(user)
        .select_related("plan__partnership", "host_city", "series")
        .prefetch_related(
            Prefetch("themes", queryset=Theme.objects.order_by("order", "id")),
            Prefetch(
                "activities",
                queryset=Activity.objects.select_related("theme").order_by(
                    "theme__order", "planned_start", "id"
                ),
            ),
            Prefetch("organisers", queryset=Agency.objects.select_related("city")),
            Prefetch(
                "programme",
                queryset=ProgrammeItem.objects.select_related("organiser").order_by(
                    "starts_at", "id"
                ),
            ),
            Prefetch(
                "delegation",
                queryset=DelegationMember.objects.select_related("city", "agency").order_by(
                    "-is_head", "id"
                ),
            ),
        )
    )


def event_time_zone(event: Event) -> datetime.tzinfo:
    """The host city's time zone (programme times are local); the portal's when unknown."""
    return clock.zone_of(event.host_city if event.host_city_id else None)


def programme_item_visible_to(user, pk: int) -> ProgrammeItem:
    """One programme item of the user's events; DoesNotExist otherwise."""
    return ProgrammeItem.objects.select_related("event__plan__partnership").get(
        access.partnership_q(user, "event__plan__partnership"), pk=pk
    )


def organiser_choices(event: Event) -> QuerySet[Agency]:
    """Who may organise a programme item: agencies of the partnership's cities and the third
    parties it names."""
    return event.plan.partnership.agencies().select_related("city").order_by("city__code", "name")
