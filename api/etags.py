"""ETags and conditional requests (``If-Match``, ``If-None-Match``).

A detail carries an ETag: an activity's or a review's version, an event's update time, else
a hash of the representation. A write with a stale ``If-Match`` is refused with 412 and
changes nothing. ``If-Match`` may be left out; a lost update is still impossible for
activities and reviews, whose services check the version read.

A list carries an ETag made without reading its rows: a hash of the address asked (query
and host included), the user (their rights shape the rows), the language, their today, and
the portal's change stamp (``api.stamps.change_stamp``). ``If-None-Match`` naming it (or ``*``) is
answered 304 before any row is read.
"""

from __future__ import annotations

import hashlib
import json

from django.utils import translation

from cooperation.models import Activity, Amendment
from events.models import Event
from partners import clock
from reviews.models import Review

from .exceptions import PreconditionFailed


def _quoted(value: str) -> str:
    return f'"{value}"'


# Rows whose ETag is their version (or update time): known without serializing them.
VERSIONED = (Activity, Review, Amendment, Event)


def etag_for(obj, data=None) -> str:
    if isinstance(obj, Activity | Review | Amendment):
        return _quoted(f"{type(obj).__name__.lower()}-{obj.pk}-v{obj.version}")
    if isinstance(obj, Event):
        return _quoted(f"event-{obj.pk}-{obj.updated_at.timestamp():.6f}")
    digest = hashlib.sha256(
        json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode()
    ).hexdigest()[:32]
    return _quoted(f"{type(obj).__name__.lower()}-{obj.pk}-{digest}")


def tags_in(header: str) -> list[str]:
    """The ETags of an ``If-Match`` or ``If-None-Match`` header."""
    return [tag.strip() for tag in header.split(",") if tag.strip()]


def check_if_match(header: str | None, current: str) -> None:
    """Refuse (412) a write whose ``If-Match`` names neither the current ETag nor ``*``."""
    if header is not None:
        tags = tags_in(header)
        if "*" not in tags and current not in tags:
            raise PreconditionFailed(current_etag=current)


def _weak(tag: str) -> str:
    return tag[2:] if tag.startswith("W/") else tag


def none_match(header: str | None, current: str) -> bool:
    """Whether ``If-None-Match`` names ``current`` (weak comparison, as RFC 9110 asks for it)
    or is ``*``: the client's copy is current, answer 304."""
    if not header:
        return False
    tags = tags_in(header)
    return "*" in tags or _weak(current) in {_weak(tag) for tag in tags}


def list_etag(request, stamp: str) -> str:
    """The ETag of a list as ``request`` asks for it, given the change stamp read (api.stamps)."""
    key = "\n".join(
        [
            request.build_absolute_uri(),
            str(request.user.pk),
            translation.get_language() or "",
            clock.today_for(request.user).isoformat(),
            stamp,
        ]
    )
    return _quoted("list-" + hashlib.sha256(key.encode()).hexdigest()[:32])
