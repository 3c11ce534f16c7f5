"""Transitional: which cities and agencies a user's relations and filters may name.

A known duplicate of the selectors (``cooperation.selectors.visible_cities`` /
``visible_agencies``, ``events.selectors.cities_of``): it goes away when the API reads
through those. Kept apart so that serializers and filters share one copy until then.
"""

from __future__ import annotations

from django.db.models import Q

from cooperation.models import Partnership
from events import selectors as event_selectors
from partners import access
from partners.models import Agency


def visible_agencies(user):
    """Agencies of the cities of the user's partnerships, and third parties."""
    partnerships = Partnership.objects.filter(access.partnership_q(user))
    return Agency.objects.filter(
        Q(city__isnull=True)
        | Q(city__in=partnerships.values("first_city"))
        | Q(city__in=partnerships.values("second_city"))
    )


def visible_cities(user):
    return event_selectors.cities_of(user)
