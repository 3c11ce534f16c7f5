"""Writing the security log: ``record(kind, …)``, one record per security event.

Called by this app's receivers (log-ins, log-outs, lock-outs, role and side changes: see
``security.signals``) and directly by the apps above it (api: tokens and the calendar address;
twofactor: enrolment, reset, wrong codes). Never pass a secret: a password, a token or its key,
a one-time code, a calendar address; ``detail`` refuses names that look like one.

The address is the client's as django-axes determines it (``REMOTE_ADDR`` unless axes is
configured to read a proxy's header): X-Forwarded-For is never trusted on its own.
"""

from __future__ import annotations

import ipaddress
import logging

from axes.helpers import get_client_ip_address
from django.utils import timezone

from core import doors
from partners.models import Profile

from .models import Kind, Outcome, SecurityEvent

NAME_LENGTH = 150
AGENT_LENGTH = 200
DETAIL_TEXT_LENGTH = 200
# Names a detail never has: what a secret would be called.
SECRET_WORDS = ("password", "secret", "key", "otp", "code", "hash")

security_logger = logging.getLogger("portal.security")
_FROM_REQUEST = object()  # the actor: the request's signed-in user


def clean_text(value, length: int) -> str:
    """Text as received, shortened, and unable to forge lines or hide characters."""
    text = str(value or "")[:length]
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def client_address(request) -> str | None:
    if request is None:
        return None
    value = getattr(request, "axes_ip_address", None)
    if not value:
        try:
            value = get_client_ip_address(request)
        except (AttributeError, KeyError, ValueError):  # a hand-made request without META
            value = None
    try:
        return str(ipaddress.ip_address(str(value)))
    except ValueError:
        return None


def user_agent(request) -> str:
    meta = getattr(request, "META", None) or {}
    return clean_text(meta.get("HTTP_USER_AGENT", ""), AGENT_LENGTH)


def _person(user):
    """A real account, or None (nobody, the system, an anonymous visitor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user if getattr(user, "pk", None) is not None else None


_NO_PROFILE = object()


def side_of(user) -> int | None:
    """The id of the city whose side ``user`` is on (None: an administrator, nobody)."""
    if user is None:
        return None
    cached = getattr(user, "_portal_profile", _NO_PROFILE)  # partners.access.profile_of's
    if cached is not _NO_PROFILE:
        return cached.city_id if cached is not None else None
    return Profile.objects.filter(user_id=user.pk).values_list("city_id", flat=True).first()


def checked_detail(detail) -> dict:
    """``detail`` as stored: a flat dict of short values, no name that suggests a secret (such
    a value is left out, and the mistake logged: the event is still recorded, no 500)."""
    detail = dict(detail or {})
    for name in list(detail):
        if any(word in str(name).lower() for word in SECRET_WORDS):
            security_logger.error("security log: a detail named %r was left out", str(name))
            del detail[name]
    for name, value in detail.items():
        # Numbers, yes/no and short lists as they are; anything else as short text.
        if value is not None and not isinstance(value, bool | int | float | list):
            detail[name] = clean_text(value, DETAIL_TEXT_LENGTH)
    return detail


def _id(value):
    return getattr(value, "pk", value)


def record(
    kind: Kind | str,
    *,
    request=None,
    actor=_FROM_REQUEST,
    subject=None,
    outcome: Outcome | str = Outcome.OK,
    detail: dict | None = None,
    subject_name: str = "",
    city=_FROM_REQUEST,
    former_city=None,
) -> SecurityEvent:
    """Record one security event.

    ``request`` defaults to the request being answered (``core.doors``); ``actor`` to its
    signed-in user; ``subject`` is the account the event is about (``subject_name`` its name
    when there is no account, e.g. a failed log-in's unknown user name); ``city`` (the side
    whose coordinators read the record) defaults to the subject's side, else the actor's.
    """
    kind, outcome = Kind(kind), Outcome(outcome)
    if request is None:
        request = doors.current_request()
    if actor is _FROM_REQUEST:
        actor = getattr(request, "user", None)
    actor, subject = _person(actor), _person(subject)
    if city is _FROM_REQUEST:
        city = side_of(subject) if subject is not None else side_of(actor)
    return SecurityEvent.objects.create(
        kind=kind,
        at=timezone.now(),
        outcome=outcome,
        actor=actor,
        actor_name=clean_text(actor.get_username() if actor else "", NAME_LENGTH),
        subject=subject,
        subject_name=clean_text(subject.get_username() if subject else subject_name, NAME_LENGTH),
        city_id=_id(city),
        former_city_id=_id(former_city),
        ip_address=client_address(request),
        user_agent=user_agent(request),
        door=doors.current_door(),
        detail=checked_detail(detail),
    )
