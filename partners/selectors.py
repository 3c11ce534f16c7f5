"""Reads of the partners app that depend on who asks (``partners.access`` decides)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from . import access
from .models import Agency, City


def cities_managed_by(user) -> QuerySet[City]:
    """The sides whose agencies and people the user manages: every city for administrators,
    their own for a coordinator, none for anyone else."""
    if access.is_admin(user):
        return City.objects.all()
    profile = access.profile_of(user)
    if profile is None or not access.is_coordinator(user):
        return City.objects.none()
    return City.objects.filter(pk=profile.city_id)


def agencies_managed_by(user) -> QuerySet[Agency]:
    """Agencies of the sides the user manages (where they can place a person)."""
    return Agency.objects.filter(city__in=cities_managed_by(user))


def people_managed_by(user, people: QuerySet | None = None) -> QuerySet:
    """People (of ``people``, all users by default) of the sides the user manages.
    Administrators are managed in /admin/ only."""
    people = get_user_model().objects.all() if people is None else people
    people = people.filter(is_superuser=False, is_staff=False)
    if access.is_admin(user):
        return people
    return people.filter(profile__city__in=cities_managed_by(user))
