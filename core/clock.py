"""The time a loader records its rows at: the rule "a row is stamped when it is written" stays
in the services and models (``auto_now``, ``completed_at = timezone.now()``, …); a loader that
replays a story that happened years ago runs each write under the instant it happened.

For loaders only (``load_demo_data``, one thread, in a management command): pages, the API and
tasks never pin the clock.
"""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone


@contextmanager
def recorded_at(instant: datetime.datetime):
    """Within the block, ``timezone.now()`` (and so ``auto_now``, ``auto_now_add`` and
    ``timezone.localdate()``) is ``instant``, an aware datetime."""
    if timezone.is_naive(instant):
        raise ValueError("recorded_at needs an aware datetime")
    with mock.patch.object(timezone, "now", lambda: instant):
        yield instant
