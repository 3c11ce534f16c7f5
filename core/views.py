"""What every page's view does alike: answer 404 for what a selector does not find."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

T = TypeVar("T")


def get_or_404(fetch: Callable[..., T], *args) -> T:
    """Call a selector that raises DoesNotExist; answer 404 instead."""
    try:
        return fetch(*args)
    except ObjectDoesNotExist:
        raise Http404 from None
