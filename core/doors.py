"""Through which door a change came, and who came through it: what the history records.

Every write is one service function, called from several doors: the pages, the REST API,
plan management (/manage/), the IT administrators' /admin/, the plan loader, Celery tasks and
other management commands. A change recorded in the history (``core.models.HistoryEntry``)
says which one. ``DoorMiddleware`` sets it for a request from its path; the loader, the
commands and the tasks say it themselves with ``with door(Door.LOADER): ...``.

Who: the person of the request, read when the change is recorded, not when the request came
in: the API signs token users in only inside the view (Django REST framework then sets
``request.user`` on the Django request too), so their changes carry their name as well. Work
outside requests (loader, tasks, commands) is the system's: no person, the door says which.
"""

from __future__ import annotations

import contextlib
import functools
from contextvars import ContextVar
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Door(models.TextChoices):
    PAGE = "page", _("page")
    API = "api", _("API")
    MANAGE = "manage", _("plan management")
    ADMIN = "admin", _("administration")
    LOADER = "loader", _("loader")
    TASK = "task", _("background task")
    COMMAND = "command", _("command")


# Paths that are doors of their own; everything else is a page.
_PREFIXES = (("/api/", Door.API), ("/manage/", Door.MANAGE), ("/admin/", Door.ADMIN))


@dataclass(frozen=True)
class _Passage:
    door: str
    request: object = None


_current: ContextVar[_Passage | None] = ContextVar("door", default=None)
# Outside any request or ``door()`` block (a shell, a script): a command.
_OUTSIDE = _Passage(Door.COMMAND)


def current_door() -> str:
    return (_current.get() or _OUTSIDE).door


def current_request():
    """The request being answered, or None (the loader, a task, a command)."""
    return (_current.get() or _OUTSIDE).request


def current_actor():
    """The signed-in person of the current request, or None (the system, or nobody)."""
    request = current_request()
    user = getattr(request, "user", None) if request is not None else None
    if user is None or not getattr(user, "is_authenticated", False) or user.pk is None:
        return None
    return user


@contextlib.contextmanager
def door(name: str, *, request=None):
    """Changes made inside are recorded as made through ``name`` (by ``request``'s user)."""
    token = _current.set(_Passage(Door(name), request))  # ValueError: no such door
    try:
        yield
    finally:
        _current.reset(token)


def door_of_path(path: str) -> str:
    return next((name for prefix, name in _PREFIXES if path.startswith(prefix)), Door.PAGE)


class DoorMiddleware:
    """Each request is a door: its path says which (``door_of_path``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with door(door_of_path(request.path_info), request=request):
            return self.get_response(request)


def through(name: str):
    """Decorates a management command's ``handle`` or a Celery task: what it changes is
    recorded as made through ``name`` (by nobody: the portal itself)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with door(name):
                return func(*args, **kwargs)

        return wrapper

    return decorate
