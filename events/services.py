"""Writes of events that carry rules. The pages, the admin and the API all call these."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import access
from partners.access import Action
from partners.models import Agency

from .models import Event, ProgrammeItem, invalid_time_error, time_in_range


def _touch(event: Event) -> None:
    Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())


@transaction.atomic
def add_programme_item(
    *,
    user,
    event: Event,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime | None = None,
    title_en: str = "",
    title_zh_hans: str = "",
    venue_en: str = "",
    venue_zh_hans: str = "",
    organiser: Agency | None = None,
) -> ProgrammeItem:
    """Add an item to an event's programme: who may change the event, a title, a sane time."""
    access.require(user, Action.CHANGE, event)
    title_en, title_zh_hans = (title_en or "").strip(), (title_zh_hans or "").strip()
    errors: dict[str, str] = {}
    if not title_en and not title_zh_hans:
        errors["title_en"] = _("Give the item a title in English or in Chinese.")
    if starts_at is None:
        errors["starts_at"] = _("Give the time the item starts.")
    elif timezone.is_naive(starts_at) or (ends_at is not None and timezone.is_naive(ends_at)):
        raise ValueError("programme times must be aware datetimes")
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not time_in_range(value):
            errors[name] = invalid_time_error()
    in_range = "starts_at" not in errors and "ends_at" not in errors
    if in_range and starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("The item must end after it starts.")
    if (
        organiser is not None
        and organiser.city_id is not None
        and organiser.city_id not in event.access_cities()
    ):
        errors["organiser"] = _("This organisation is not part of the partnership.")
    if errors:
        raise ValidationError(errors)
    item = ProgrammeItem.objects.create(
        event=event,
        starts_at=starts_at,
        ends_at=ends_at,
        title_en=title_en,
        title_zh_hans=title_zh_hans,
        venue_en=(venue_en or "").strip(),
        venue_zh_hans=(venue_zh_hans or "").strip(),
        organiser=organiser,
    )
    _touch(event)
    return item


@transaction.atomic
def delete_programme_item(*, user, item: ProgrammeItem) -> None:
    """Remove an item from its event's programme (whoever may change the event)."""
    event = item.event
    access.require(user, Action.CHANGE, event)
    item.delete()
    _touch(event)
