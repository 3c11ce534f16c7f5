"""ETags and conditional requests (``If-Match``, ``If-None-Match``).

A detail carries an ETag: an activity's or a review's version, an event's update time, else
a hash of the representation. A write with a stale ``If-Match`` is refused with 412 and
changes nothing. ``If-Match`` may be left out; a lost update is still impossible for
activities and reviews, whose services check the version read.
"""

from __future__ import annotations

import hashlib
import json

from cooperation.models import Activity, Amendment
from events.models import Event
from reviews.models import Review

from .exceptions import PreconditionFailed


def _quoted(value: str) -> str:
    return f'"{value}"'


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
