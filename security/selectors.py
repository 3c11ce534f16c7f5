"""Who reads which records of the security log.

Coordinators read the records of their own side (their city, within each of its
partnerships): the people of their side and what was done to them or by them; a person who
left their side shows on both. Administrators read everything (also in /admin/). Nobody else
reads any: agency staff and officials are refused the page.
"""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from partners import access
from partners.models import Role

from .models import SecurityEvent


def may_read(user) -> bool:
    return bool(getattr(user, "is_active", False)) and access.is_coordinator(user)


def visible_to(user) -> QuerySet:
    records = SecurityEvent.objects.select_related("city", "former_city")
    if access.is_admin(user):
        return records
    profile = access.profile_of(user)
    if profile is None or profile.role != Role.COORDINATOR:
        return records.none()
    return records.filter(Q(city_id=profile.city_id) | Q(former_city_id=profile.city_id))


def _midnight(day: datetime.date, zone) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)


def filtered(
    records: QuerySet,
    *,
    kind: str = "",
    outcome: str = "",
    person: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    zone: datetime.tzinfo = datetime.UTC,
) -> QuerySet:
    """Records of ``kind`` with ``outcome``, by or about the user name ``person`` (exact,
    any case), from ``since`` to ``until`` (whole days on the calendar of ``zone``)."""
    if kind:
        records = records.filter(kind=kind)
    if outcome:
        records = records.filter(outcome=outcome)
    if person:
        records = records.filter(Q(actor_name__iexact=person) | Q(subject_name__iexact=person))
    if since is not None:
        records = records.filter(at__gte=_midnight(since, zone))
    if until is not None:
        records = records.filter(at__lt=_midnight(until + datetime.timedelta(days=1), zone))
    return records
