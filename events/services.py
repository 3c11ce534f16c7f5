"""Every write of events: events, their series, programme items and delegation members.

Coordinators add and remove events and series (``Action.MANAGE`` on the plan). Coordinators
and the staff of an organising agency change an event (``Action.CHANGE``), plan its programme
and list its delegation; only coordinators move an event to another plan or change who
organises it. An event's host city is one of the partnership's two cities; its series, themes
and linked activities belong to its plan; its organisers, the organiser of a programme item
and a delegation member's agency are agencies of the partnership's sides or third parties.
Pages, the API, /manage/, /admin/ and the loaders all write here.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.models import ActionPlan
from core import writes
from core.dates import EARLIEST_YEAR, LATEST_YEAR
from partners import access
from partners.access import Action
from partners.models import Agency

from .models import (
    DelegationMember,
    Event,
    EventSeries,
    ProgrammeItem,
    invalid_time_error,
    time_in_range,
)

EVENT_FIELDS = (
    "plan",
    "code",
    "series",
    "kind",
    "title_en",
    "title_zh_hans",
    "description_en",
    "description_zh_hans",
    "host_city",
    "venue_en",
    "venue_zh_hans",
    "year",
    "start_date",
    "end_date",
    "themes",
    "activities",
    "organisers",
    "is_demo",
)
EVENT_RELATIONS = ("themes", "activities", "organisers")
# Only coordinators change these (staff of an organising agency change the rest).
COORDINATORS_ONLY = ("plan", "organisers")
SERIES_FIELDS = (
    "code",
    "name_en",
    "name_zh_hans",
    "description_en",
    "description_zh_hans",
    "recurrence",
)
ITEM_FIELDS = (
    "starts_at",
    "ends_at",
    "title_en",
    "title_zh_hans",
    "venue_en",
    "venue_zh_hans",
    "organiser",
)
MEMBER_FIELDS = (
    "name_en",
    "name_zh_hans",
    "position_en",
    "position_zh_hans",
    "city",
    "agency",
    "is_head",
)


def _touch(event: Event) -> None:
    # Moves the event's ETag on: an edit of its parts is an edit of the event.
    Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())


def _locked(event: Event) -> Event:
    return (
        Event.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=event.pk)
    )


def _not_in_partnership() -> str:
    return _("This organisation is not part of the partnership.")


# --- events ---------------------------------------------------------------------------------


def _check_event(event: Event, many: dict) -> None:
    errors: dict[str, str] = {}
    partnership = event.plan.partnership
    if not (event.title_en or "").strip() and not (event.title_zh_hans or "").strip():
        errors["title_en"] = _("Give the event a title in English or in Chinese.")
    if event.year is not None and not EARLIEST_YEAR <= event.year <= LATEST_YEAR:
        errors["year"] = _("Give a year between %(first)d and %(last)d.") % {
            "first": EARLIEST_YEAR,
            "last": LATEST_YEAR,
        }
    if event.start_date and event.end_date and event.end_date < event.start_date:
        errors["end_date"] = _("The event cannot end before it starts.")
    if event.host_city_id is not None and not partnership.includes_city(event.host_city):
        errors["host_city"] = _("The host city must be one of the partnership's two cities.")
    if event.series_id is not None and event.series.plan_id != event.plan_id:
        errors["series"] = _("This series belongs to another plan.")
    if any(theme.plan_id != event.plan_id for theme in many.get("themes", ())):
        errors["themes"] = _("This theme belongs to another plan.")
    if any(a.theme.plan_id != event.plan_id for a in many.get("activities", ())):
        errors["activities"] = _("This activity belongs to another plan.")
    if not all(partnership.includes_agency(a) for a in many.get("organisers", ())):
        errors["organisers"] = _not_in_partnership()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def create_event(*, user, plan: ActionPlan, **values) -> Event:
    access.require(user, Action.MANAGE, plan)
    columns, many = writes.split_many(values, EVENT_RELATIONS)
    event = Event(plan=plan)
    writes.set_changes(event, columns, allowed=EVENT_FIELDS)
    _check_event(event, many)
    writes.save_new(event)
    writes.set_many(event, many)
    return event


@transaction.atomic
def update_event(*, user, event: Event, **changes) -> Event:
    """Change an event. Its relations not given keep their values (and are checked against a
    new plan)."""
    current = _locked(event)
    access.require(user, Action.CHANGE, current)
    columns, many = writes.split_many(changes, EVENT_RELATIONS)
    organisers = many.get("organisers")
    moves = "plan" in columns and columns["plan"] != current.plan
    regroups = organisers is not None and set(organisers) != set(current.organisers.all())
    if (moves or regroups) and not access.can(user, Action.MANAGE, current):
        errors = {}
        if moves:
            errors["plan"] = _("Only a coordinator can move an event to another plan.")
        if regroups:
            errors["organisers"] = _("Only a coordinator can change who organises an event.")
        raise ValidationError(errors)
    changed = writes.set_changes(current, columns, allowed=EVENT_FIELDS)
    if moves:
        access.require(user, Action.MANAGE, current.plan)
    relations = {
        name: many[name] if name in many else list(getattr(current, name).all())
        for name in EVENT_RELATIONS
    }
    _check_event(current, relations)
    writes.save_changed(current, changed)
    if writes.set_many(current, many) and not changed:
        _touch(current)
    return current


@transaction.atomic
def delete_event(*, user, event: Event) -> None:
    current = _locked(event)
    access.require(user, Action.MANAGE, current)
    current.delete()


# --- event series ---------------------------------------------------------------------------


@transaction.atomic
def create_series(*, user, plan: ActionPlan, **values) -> EventSeries:
    access.require(user, Action.MANAGE, plan)
    series = EventSeries(plan=plan)
    writes.set_changes(series, values, allowed=SERIES_FIELDS)
    return writes.save_new(series)


@transaction.atomic
def update_series(*, user, series: EventSeries, **changes) -> EventSeries:
    current = (
        EventSeries.objects.select_for_update(of=("self",))
        .select_related("plan__partnership")
        .get(pk=series.pk)
    )
    access.require(user, Action.MANAGE, current)
    changes = writes.refuse_move(
        changes,
        "plan",
        current.plan,
        _("A series stays in its plan: its events belong to that plan."),
    )
    changed = writes.set_changes(current, changes, allowed=SERIES_FIELDS)
    return writes.save_changed(current, changed)


@transaction.atomic
def delete_series(*, user, series: EventSeries) -> None:
    """Remove a series; its events stay, outside any series."""
    access.require(user, Action.MANAGE, series)
    series.delete()


# --- programme items ------------------------------------------------------------------------


def _check_item(item: ProgrammeItem, event: Event) -> None:
    errors: dict[str, str] = {}
    item.title_en = (item.title_en or "").strip()
    item.title_zh_hans = (item.title_zh_hans or "").strip()
    item.venue_en = (item.venue_en or "").strip()
    item.venue_zh_hans = (item.venue_zh_hans or "").strip()
    if not item.title_en and not item.title_zh_hans:
        errors["title_en"] = _("Give the item a title in English or in Chinese.")
    if item.starts_at is None:
        errors["starts_at"] = _("Give the time the item starts.")
    for name in ("starts_at", "ends_at"):
        value = getattr(item, name)
        if value is not None and timezone.is_naive(value):
            raise ValueError("programme times must be aware datetimes")
        if not time_in_range(value):
            errors[name] = invalid_time_error()
    in_range = "starts_at" not in errors and "ends_at" not in errors
    if in_range and item.starts_at and item.ends_at and item.ends_at <= item.starts_at:
        errors["ends_at"] = _("The item must end after it starts.")
    if item.organiser is not None and not event.plan.partnership.includes_agency(item.organiser):
        errors["organiser"] = _not_in_partnership()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_programme_item(
    *,
    user,
    event: Event,
    starts_at: datetime.datetime | None,
    ends_at: datetime.datetime | None = None,
    title_en: str = "",
    title_zh_hans: str = "",
    venue_en: str = "",
    venue_zh_hans: str = "",
    organiser: Agency | None = None,
) -> ProgrammeItem:
    """Add an item to an event's programme: who may change the event, a title, a sane time."""
    current = _locked(event)
    access.require(user, Action.CHANGE, current)
    item = ProgrammeItem(
        event=current,
        starts_at=starts_at,
        ends_at=ends_at,
        title_en=title_en,
        title_zh_hans=title_zh_hans,
        venue_en=venue_en,
        venue_zh_hans=venue_zh_hans,
        organiser=organiser,
    )
    _check_item(item, current)
    writes.save_new(item)
    _touch(current)
    return item


def _update_part(user, part, changes, *, allowed, check, stripped):
    """Change a part of an event (a programme item, a delegation member): who may change the
    event, the part's rules; the event's ETag moves on."""
    current = type(part).objects.select_for_update(of=("self",)).get(pk=part.pk)
    event = _locked(current.event)
    access.require(user, Action.CHANGE, event)
    changed = writes.set_changes(current, changes, allowed=allowed)
    check(current, event)
    if changed:
        writes.save_changed(current, {*changed, *stripped})
        _touch(event)
    return current


def _delete_part(user, part) -> None:
    event = _locked(part.event)
    access.require(user, Action.CHANGE, event)
    part.delete()
    _touch(event)


@transaction.atomic
def update_programme_item(*, user, item: ProgrammeItem, **changes) -> ProgrammeItem:
    return _update_part(
        user,
        item,
        changes,
        allowed=ITEM_FIELDS,
        check=_check_item,
        stripped=("title_en", "title_zh_hans"),
    )


@transaction.atomic
def delete_programme_item(*, user, item: ProgrammeItem) -> None:
    """Remove an item from its event's programme (whoever may change the event)."""
    _delete_part(user, item)


# --- delegation members ---------------------------------------------------------------------


def _check_member(member: DelegationMember, event: Event) -> None:
    errors: dict[str, str] = {}
    member.name_en = (member.name_en or "").strip()
    member.name_zh_hans = (member.name_zh_hans or "").strip()
    if not member.name_en and not member.name_zh_hans:
        errors["name_en"] = _("Give the name in English or in Chinese.")
    partnership = event.plan.partnership
    if member.city_id is not None and not partnership.includes_city(member.city):
        errors["city"] = _("The city must be one of the partnership's two.")
    if member.agency is not None and not partnership.includes_agency(member.agency):
        errors["agency"] = _not_in_partnership()
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def add_delegation_member(*, user, event: Event, **values) -> DelegationMember:
    current = _locked(event)
    access.require(user, Action.CHANGE, current)
    member = DelegationMember(event=current)
    writes.set_changes(member, values, allowed=MEMBER_FIELDS)
    _check_member(member, current)
    writes.save_new(member)
    _touch(current)
    return member


@transaction.atomic
def update_delegation_member(*, user, member: DelegationMember, **changes) -> DelegationMember:
    return _update_part(
        user,
        member,
        changes,
        allowed=MEMBER_FIELDS,
        check=_check_member,
        stripped=("name_en", "name_zh_hans"),
    )


@transaction.atomic
def remove_delegation_member(*, user, member: DelegationMember) -> None:
    _delete_part(user, member)
