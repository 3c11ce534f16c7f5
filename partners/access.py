"""Who may do what: the one place that decides. Views, forms, the admin and the API ask here.

A user belongs to one city's side (their profile). They belong to every partnership that
city is part of, and see nothing of any other. Within it:

- coordinators manage everything of the partnership (and the agencies and users of their side);
- a third party (an agency of no city) is part of the partnerships that name it: their members
  see it and their coordinators change it; one no partnership names is administrators' only;
- agency staff create activities, and change the activities their agency leads or takes part
  in and the events their agency organises;
- officials read;
- a renewal draft (and its themes and commitments) is its coordinators' only, until both sides
  publish it (objects say so with ``access_coordinators_only()``);
- administrators (superusers) may do everything.

Guarded objects describe themselves without this module importing them (lower layers never
import higher ones): ``access_cities()`` gives the ids of the partnership's two cities (or, for
an agency or a person, the one city of their side; empty for a third party), and objects that
agency staff may edit also give ``access_agencies()``.
"""

from __future__ import annotations

import logging
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .models import Agency, Profile, Role

log = logging.getLogger("portal.security")


class Action(StrEnum):
    VIEW = "view"
    # Change an object's fields (and add or remove its parts: evidence, programme items).
    CHANGE = "change"
    DELETE = "delete"
    # On a theme (or plan): start a new activity under it.
    CREATE_ACTIVITY = "create_activity"
    # On an activity: record a status change.
    CHANGE_STATUS = "change_status"
    # On an activity: take a completed or cancelled activity back into work.
    REOPEN = "reopen"
    # On a plan (or anything of it): coordinators' work — themes, commitments, events, reviews.
    MANAGE = "manage"


# Objects whose staff-side editing is allowed; everything else is coordinators' work.
STAFF_EDITABLE_ACTIONS = {Action.CHANGE, Action.CHANGE_STATUS}


class _System:
    """The portal itself at work: the plan loader, management commands and scheduled tasks.

    Services take the acting person as ``user``; these callers act on nobody's behalf and may
    do what an administrator may. Only code can pass it: no request ever carries it.
    """

    is_active = True
    is_superuser = True
    is_staff = False
    is_authenticated = True
    is_anonymous = False
    pk = id = None
    username = "system"

    def get_username(self) -> str:
        return self.username

    def __str__(self) -> str:
        return self.username


SYSTEM = _System()


def person(user):
    """The user to record as author (``created_by``, ``updated_by``): None for the system."""
    return None if user is SYSTEM or not getattr(user, "is_authenticated", False) else user


def remember_profile(user, profile: Profile | None) -> None:
    """``profile`` (with its city and agency) read with ``user`` in one query elsewhere (the
    API's token lookup): ``profile_of`` then reads nothing more for the request."""
    user._portal_profile = profile


def profile_of(user) -> Profile | None:
    """The user's profile, cached on the user object for the request."""
    if user is SYSTEM or not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_portal_profile"):
        try:
            user._portal_profile = Profile.objects.select_related("city", "agency").get(
                user_id=user.pk
            )
        except Profile.DoesNotExist:
            user._portal_profile = None
    return user._portal_profile


def is_admin(user) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


def role_of(user) -> str | None:
    profile = profile_of(user)
    return profile.role if profile else None


def is_coordinator(user) -> bool:
    """Coordinators' work (administrators may do it too): plans, themes, commitments,
    agencies, people, events and reviews of their partnerships."""
    return is_admin(user) or role_of(user) == Role.COORDINATOR


def is_agency_staff(user) -> bool:
    """Staff of an agency: their agency's activities and the events it organises."""
    return not is_admin(user) and role_of(user) == Role.AGENCY_STAFF


def may_enter_management(user) -> bool:
    """Plan management (/manage/) is for coordinators, and for staff to edit their events."""
    if not getattr(user, "is_active", False):
        return False
    return is_admin(user) or role_of(user) in {Role.COORDINATOR, Role.AGENCY_STAFF}


def partnership_q(user, prefix: str = "") -> Q:
    """A filter for rows whose partnership the user belongs to.

    ``prefix`` is the path from the queried model to the partnership, e.g. ``"theme__plan__
    partnership"`` for activities; empty when querying partnerships themselves.
    """
    if is_admin(user):
        return Q()
    profile = profile_of(user)
    if profile is None:
        return Q(pk__in=[])
    path = f"{prefix}__" if prefix else ""
    return Q(**{f"{path}first_city_id": profile.city_id}) | Q(
        **{f"{path}second_city_id": profile.city_id}
    )


def visibility_key(user) -> tuple:
    """What decides which rows ``user`` sees (``partnership_q``, ``third_parties_q``, and
    renewal drafts for coordinators only): users with the same key see the same rows, so
    what they see may be cached under it."""
    profile = profile_of(user)
    return (is_admin(user), is_coordinator(user), profile.city_id if profile else None)


def third_parties_q(user) -> Q:
    """A filter of agencies for the third parties the user sees: those their partnerships name
    (every one for administrators). Agencies of a side are not in it."""
    if is_admin(user):
        return Q(city__isnull=True)
    named = Agency.partnerships.through.objects.filter(partnership_q(user, "partnership"))
    return Q(city__isnull=True, pk__in=named.values("agency_id"))


def can(user, action: Action | str, obj) -> bool:
    """True when ``user`` may do ``action`` on ``obj``."""
    action = Action(action)
    if not getattr(user, "is_active", False):
        return False
    if is_admin(user):
        return True
    profile = profile_of(user)
    if profile is None:
        return False

    cities = obj.access_cities()
    side_only = getattr(obj, "access_side_only", False)
    if side_only:
        # Agencies of a side and people: visible to all, managed by the coordinators of their
        # side. (A third party is not side-only: it follows the partnerships naming it, below.)
        if action == Action.VIEW:
            return True
        return profile.role == Role.COORDINATOR and profile.city_id in cities

    if profile.city_id not in cities:
        return False
    if profile.role != Role.COORDINATOR and _coordinators_only(obj):
        return False
    if action == Action.VIEW:
        return True
    if profile.role == Role.COORDINATOR:
        return True
    if profile.role == Role.AGENCY_STAFF:
        if action == Action.CREATE_ACTIVITY:
            return True
        if action in STAFF_EDITABLE_ACTIONS and hasattr(obj, "access_agencies"):
            return profile.agency_id in obj.access_agencies()
    return False


def _coordinators_only(obj) -> bool:
    """Objects that only coordinators see for now (a renewal draft and its parts)."""
    check = getattr(obj, "access_coordinators_only", None)
    return bool(check and check())


def require(user, action: Action | str, obj) -> None:
    """Raise PermissionDenied (and log the refusal) unless ``user`` may do ``action``."""
    if not can(user, action, obj):
        log.warning(
            "permission refused: user=%s action=%s object=%s:%s",
            getattr(user, "username", None) or "anonymous",
            Action(action),
            type(obj).__name__,
            getattr(obj, "pk", None),
        )
        raise PermissionDenied


def require_admin(user) -> None:
    """Raise PermissionDenied unless ``user`` is an administrator (or the system): the set-up of
    cities, partnerships and new plans is theirs."""
    if not is_admin(user):
        log.warning(
            "permission refused: user=%s action=administer",
            getattr(user, "username", None) or "anonymous",
        )
        raise PermissionDenied


def editable_agency_ids(user) -> set[int] | None:
    """Agencies whose work the user may edit: None means all (coordinators, admins)."""
    if is_coordinator(user):
        return None
    profile = profile_of(user)
    if profile and profile.role == Role.AGENCY_STAFF and profile.agency_id:
        return {profile.agency_id}
    return set()
